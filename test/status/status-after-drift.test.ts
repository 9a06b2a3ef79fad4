import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftAlarm__Output } from '../../services/generated/switchyard/v1/DriftAlarm.js';
import { decode } from '../../services/shared/bus/codec.js';
import { WILDCARDS } from '../../services/shared/bus/subjects.js';
import { PACKAGE_ROOT } from '../../services/shared/config/load-config.js';
import type { StatusSnapshot } from '../../services/status/status-snapshot.js';
import { settled, startReplayDrift, STRONG, WEAK, type ReplayDrift } from './replay-drift.js';

const CHROMIUM = '/usr/bin/chromium';
let d: ReplayDrift;
const busAlarms: DriftAlarm__Output[] = [];
let sent = 0;
let alarmsBeforeDrop = -1;
let mathAfterDrop = 0;

beforeAll(async () => {
  d = await startReplayDrift();
  d.s.server.bus.subscribe(WILDCARDS.drift, (_s, data) => {
    const m = decode('drift', data);
    if (m) busAlarms.push(m);
  });
  // Before the fault: enough graded answers for every stream's baseline (warm-up 40).
  sent += await d.run(240);
  await settled(d, sent);
  alarmsBeforeDrop = d.s.server.monitoring!.monitor.alarms().length;
  d.player.degrade(WEAK, 'math', 0.5);
  const flagged = () => d.s.server.monitoring!.monitor.alarms().some((a) => a.kind === 'quality' && a.model === WEAK && a.segment === 'math');
  for (let round = 0; round < 10 && !flagged(); round++) {
    mathAfterDrop += await d.run(80, 'math');
    sent += 80;
    await settled(d, sent);
  }
}, 120_000);
afterAll(() => d?.close());

/** The text a person sees (rendered, as Playwright's innerText gives it, with cells apart), not the DOM's textContent. */
// biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text a person reads
const seen = (l: Locator): Promise<string> => l.innerText();

const json = async (): Promise<StatusSnapshot> => {
  const res = await fetch(`${d.httpUrl}/status.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as StatusSnapshot;
};

describe('status - a quality drop replayed through a running server', () => {
  it('raises no alarm before the fault, then flags sim-weak on math within 500 requests of that segment', () => {
    expect(alarmsBeforeDrop).toBe(0);
    const alarms = d.s.server.monitoring!.monitor.alarms().filter((a) => a.kind === 'quality');
    expect(alarms.map((a) => `${a.model}/${a.segment}`)).toEqual([`${WEAK}/math`]);
    expect(mathAfterDrop).toBeGreaterThan(0);
    expect(mathAfterDrop).toBeLessThanOrEqual(500);
    expect(alarms[0]!.message).toMatch(/^sim-weak on math: observed quality fell from 0\.\d\d to 0\.\d\d .* since 20\d\d-/);
  });

  it('each alarm is a metric, a bus event and a warning log line saying what changed and since when', async () => {
    const text = await (await fetch(d.metricsUrl)).text();
    const counter = text.split('\n').find((l) => l.startsWith('switchyard_drift_alarms_total{') && l.includes('kind="quality"') && l.includes(`model="${WEAK}"`) && l.includes('segment="math"'));
    expect(counter).toMatch(/ 1$/);
    const gauge = text.split('\n').find((l) => l.startsWith('switchyard_drift_alarms_active{') && l.includes('kind="quality"'));
    expect(gauge).toMatch(/ 1$/);
    const event = busAlarms.find((m) => m.kind === 'DRIFT_KIND_QUALITY');
    expect(event).toMatchObject({ model: WEAK, segment: 'math', measure: 'quality', routerId: d.s.server.monitoring!.routerId });
    expect(Number(event!.sinceUnixMs)).toBeLessThanOrEqual(Number(event!.raisedUnixMs));
    expect(event!.baseline).toBeGreaterThan(event!.current);
    const line = d.logs.find((l) => l.msg === 'drift alarm');
    expect(line).toMatchObject({ level: 'warn', kind: 'quality', model: WEAK, segment: 'math' });
    expect(String(line!.change)).toContain('observed quality fell');
    expect(String(line!.since)).toMatch(/^20\d\d-\d\d-\d\dT/);
  });

  it('/status.json has the share by model, savings against the reference, model health, the alarm and recent decisions with feedback', async () => {
    const s = await json();
    expect(s.traffic.decisions).toBe(sent);
    const share = Object.fromEntries(s.traffic.byModel.map((m) => [m.model, m.share]));
    expect(Object.keys(share).sort()).toEqual([STRONG, WEAK]);
    expect(share[WEAK]! + share[STRONG]!).toBeCloseTo(1, 9);
    // Math goes to the cheaper weak model, chat to the strong one by rule.
    expect(share[WEAK]!).toBeCloseTo(d.sent.math! / sent, 9);
    expect(s.traffic.savingsUsd).toBeGreaterThan(0);
    expect(s.models.map((m) => [m.id, m.available])).toEqual([
      [WEAK, true],
      [STRONG, true],
    ]);
    expect(s.models[0]!.circuits).toEqual([{ deployment: 'd1', state: 'closed' }]);
    expect(s.drift.alarms.filter((a) => a.active && a.kind === 'quality')).toHaveLength(1);
    expect(s.drift.qualityMetrics).toEqual(['correct']);
    expect(s.recent.length).toBe(50);
    expect(s.recent[0]).toMatchObject({ model: WEAK, answeredModel: WEAK, segment: 'math', outcome: 'ok' });
    expect(s.recent.every((r) => r.feedback.length === 1 && r.feedback[0]!.metric === 'correct')).toBe(true);
    // No prompt text without prompt logging.
    expect(s.recent.some((r) => r.prompt !== undefined)).toBe(false);
    expect(JSON.stringify(s)).not.toContain('times');
  });

  it('headless Chromium shows a person the share by model, the alarm line and recent decisions, and refreshes them (screenshot kept)', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'switchyard-chromium-'));
    let browser: BrowserContext | undefined;
    try {
      // A fresh profile (--user-data-dir) for every run.
      browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1400, height: 1000 },
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      const res = await page.goto(`${d.httpUrl}/status`);
      expect(res!.status()).toBe(200);
      await expect(seen(page.locator('h1'))).resolves.toBe('Switchyard status');
      const shareRows = await page.locator('#share-rows tr').allInnerTexts();
      expect(shareRows).toHaveLength(2);
      // Most decisions first: one row per model, its count and share.
      const shown = Object.fromEntries(shareRows.map((row) => [row.split(/\s+/)[0], row]));
      expect(shown[WEAK]).toMatch(new RegExp(`^${WEAK}\\s+${d.sent.math}\\s+${((d.sent.math! / sent) * 100).toFixed(1)}%$`));
      expect(shown[STRONG]).toMatch(new RegExp(`^${STRONG}\\s+${d.sent.chat}\\s+\\d+\\.\\d%$`));
      const alarm = page.locator('#alarm-rows tr.alarm');
      await expect(alarm.count()).resolves.toBe(1);
      const alarmText = await seen(alarm);
      expect(alarmText).toContain('ACTIVE');
      expect(alarmText).toMatch(/quality\s+sim-weak on math: observed quality fell from/);
      await expect(seen(page.locator('#drift-summary'))).resolves.toMatch(/^1 active alarm; watching quality per model and segment \(feedback: correct\)/);
      const recent = await page.locator('#recent-rows tr').allInnerTexts();
      expect(recent).toHaveLength(50);
      expect(recent[0]).toMatch(/sim-weak\s+sim-weak\s+ok\s+\$[\d.]+\s+\d+ ms\s+correct=[01]/);
      await expect(seen(page.locator('#model-rows tr').first())).resolves.toMatch(/^sim-weak\s+openai-compatible\s+available\s+d1: closed$/);
      // The page refreshes itself from /status.json: more traffic shows without a reload.
      const before = await seen(page.locator('#decisions-total'));
      sent += await d.run(8);
      await settled(d, sent);
      await page.waitForFunction((n) => document.getElementById('decisions-total')?.textContent === n, String(sent));
      expect(Number(before)).toBeLessThan(sent);
      expect(errors).toEqual([]);
      const dir = resolve(PACKAGE_ROOT, '.bench');
      mkdirSync(dir, { recursive: true });
      const path = join(dir, 'status-page.png');
      await page.screenshot({ path, fullPage: true });
      console.log(`status page screenshot: ${path}`);
    } finally {
      await browser?.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 60_000);
});
