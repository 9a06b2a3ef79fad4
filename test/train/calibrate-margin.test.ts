import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../services/shared/config/load-config.js';
import { calibrateMarginTable, routingTableOf } from '../../services/train/calibrate-knob.js';
import { calibrateCommand } from '../../services/train/commands.js';
import { evaluate } from '../../services/train/evaluate.js';
import { flagshipOf, singleModels } from '../../services/train/eval-metrics.js';
import { RANDOM_TABLE_MODELS, randomRoutingTable } from './random-routing-table.js';
import { choicesByMargin, marginPoints } from '../../services/train/margin-points.js';
import type { RoutingTable } from '../../services/train/operating-points.js';
import { parseRoutingJsonl, type RoutingData } from '../../services/shared/routing-data.js';

/**
 * Ten prompts, two models: "strong" (index 0) always right at $0.01, "weak" at $0.0001 wrong on
 * groups A (2 prompts) and B (3), right on C (5). Predicted: strong 0.95, weak 0.15 / 0.55 /
 * 0.90. Weak is within margin m of strong when its prediction is at least (1 − m) × 0.95:
 * C from m = 0.0527 (1 − 0.90/0.95 = 0.05263), B from 0.4211 (0.42105), A never (0.842 > 0.5).
 */
function handTable(): RoutingTable {
  const groups = ['A', 'A', 'B', 'B', 'B', 'C', 'C', 'C', 'C', 'C'] as const;
  const weakQ = { A: 0, B: 0, C: 1 }, weakP = { A: 0.15, B: 0.55, C: 0.9 };
  const n = groups.length;
  const t: RoutingTable = { n, m: 2, quality: new Float64Array(n * 2), cost: new Float64Array(n * 2), predicted: new Float64Array(n * 2), expectedCost: new Float64Array(n * 2) };
  groups.forEach((g, i) => {
    t.quality.set([1, weakQ[g]], i * 2);
    t.cost.set([0.01, 0.0001], i * 2);
    t.predicted.set([0.95, weakP[g]], i * 2);
    t.expectedCost.set([0.01, 0.0001], i * 2);
  });
  return t;
}

/** Sixty prompts: "strong" answers everything at $0.01, "weak" only the arithmetic ones at $0.0001. */
function tinyData(): string {
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const easy = i % 2 === 0;
    const prompt = easy ? `What is ${i} plus ${i + 1}?` : `Explain the history of the treaty number ${i} in detail.`;
    const outcomes = {
      strong: { quality: 1, input_tokens: 20, output_tokens: 50, cost_usd: 0.01 },
      weak: { quality: easy ? 1 : 0, input_tokens: 20, output_tokens: 50, cost_usd: 0.0001 },
    };
    lines.push(JSON.stringify({ id: `p${i}`, prompt, segment: easy ? 'math' : 'history', outcomes }));
  }
  return lines.join('\n') + '\n';
}

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let buf = '';
  stream.on('data', (c: Buffer) => (buf += c.toString()));
  return { stream, text: () => buf };
}

describe('calibrate - a policy quality margin for a target', () => {
  it('finds the routings each 4-decimal margin gives, on a hand-checked table', () => {
    const points = marginPoints(handTable(), 0);
    expect(points.map((p) => p.marginRange)).toEqual([
      [0.0001, 0.0526],
      [0.0527, 0.421],
      [0.4211, 0.5],
    ]);
    expect(points.map((p) => [p.quality, Number((p.cost * 1000).toFixed(4)), p.flagshipShare])).toEqual([
      [1, 10, 1],
      [1, 5.05, 0.5],
      [0.7, 2.08, 0.2],
    ]);
    const match = calibrateMarginTable(handTable(), ['strong', 'weak'], { kind: 'match_flagship' });
    expect(match).toMatchObject({ met: true, quality_margin: 0.2369, margin_range: [0.0527, 0.421], flagship_share: 0.5, calls: { strong: 0.5, weak: 0.5 } });
    expect(match.cost_ratio).toBeCloseTo(0.505, 12);
    const share = calibrateMarginTable(handTable(), ['strong', 'weak'], { kind: 'match_flagship', share: 0.7 });
    expect(share.margin_range).toEqual([0.4211, 0.5]);
    const budget = calibrateMarginTable(handTable(), ['strong', 'weak'], { kind: 'budget', usd_per_1000: 1 });
    expect(budget).toMatchObject({ met: false, margin_range: [0.4211, 0.5] });
  });

  it("every margin of a point's run routes as Decide's withinMargin does (random tables)", () => {
    for (const seed of [1, 2, 3]) {
      const t = randomRoutingTable(seed, { low: 0.5, span: 0.45 });
      const { n, m } = t;
      const fi = flagshipOf(singleModels(RANDOM_TABLE_MODELS, t.quality, t.cost));
      const points = marginPoints(t, fi);
      expect(points.length).toBeGreaterThan(10);
      expect(points[0]!.marginRange[0]).toBe(0.0001);
      expect(points[points.length - 1]!.marginRange[1]).toBe(0.5);
      points.forEach((p, k) => {
        if (k > 0) expect(Math.round(p.marginRange[0] * 1e4)).toBe(Math.round(points[k - 1]!.marginRange[1] * 1e4) + 1);
        for (const margin of [p.margin, p.marginRange[0], p.marginRange[1]]) {
          let q = 0, c = 0, s = 0;
          choicesByMargin(t, margin).forEach((j, i) => {
            q += t.quality[i * m + j]!;
            c += t.cost[i * m + j]!;
            if (j === fi) s++;
          });
          expect(q / n).toBeCloseTo(p.quality, 12);
          expect(c / n).toBeCloseTo(p.cost, 12);
          expect(s / n).toBeCloseTo(p.flagshipShare, 12);
        }
      });
    }
  });

  it('eval --margin reports the routing at that margin, overall and per segment, as the margin sweep finds it', () => {
    const data: RoutingData = { prompts: parseRoutingJsonl(tinyData(), 'tiny.jsonl'), models: ['strong', 'weak'], sources: [] };
    const opts = { folds: 2, train: { epochs: 2, dim: 4 } };
    const r = evaluate(data, { ...opts, margin: 0.1 });
    const { table, models } = routingTableOf(data, opts);
    const fi = flagshipOf(singleModels(models, table.quality, table.cost));
    const at = marginPoints(table, fi).find((p) => p.marginRange[0] <= 0.1 && 0.1 <= p.marginRange[1])!;
    const mp = r.margin_point!;
    expect(mp.quality_margin).toBe(0.1);
    expect(mp.quality).toBeCloseTo(at.quality, 12);
    expect(mp.cost_ratio).toBeCloseTo(at.cost / r.flagship.cost_usd, 12);
    expect(mp.savings).toBeCloseTo(1 - mp.cost_ratio, 12);
    expect(Object.keys(mp.segments)).toEqual(['history', 'math']);
    expect(mp.segments.history!.n + mp.segments.math!.n).toBe(r.n);
  });

  it('--write on a policy with a quality margin sets quality_margin, not the knob, and the file loads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'calibrate-margin-'));
    const data = join(dir, 'mine.jsonl');
    await writeFile(data, tinyData());
    const config = join(dir, 'prod.yaml');
    await copyFile(DEFAULT_CONFIG_PATH, config);
    const before = await readFile(config, 'utf8');
    const out = sink(), err = sink();
    expect(await calibrateCommand(['--data', data, '--flagship-share', '0.9', '--config', config, '--write', '--json'], out.stream, err.stream)).toBe(0);
    const r = JSON.parse(out.text()) as {
      flagship: { quality: number };
      quality_margin: { met: boolean; quality_margin: number; quality: number };
      policy: { name: string; written: boolean; quality_margin: { previous: number; value: number; written: boolean } };
      notes: string[];
    };
    expect(r.quality_margin.met).toBe(true);
    expect(r.quality_margin.quality).toBeGreaterThanOrEqual(0.9 * r.flagship.quality);
    expect(r.policy).toMatchObject({ name: 'balanced', written: false, quality_margin: { previous: 0.03, value: r.quality_margin.quality_margin, written: true } });
    expect(r.notes.join(' ')).toMatch(/--write sets quality_margin/);
    const balanced = loadConfig(config).config.policies.balanced!;
    expect(balanced.quality_margin).toBe(r.quality_margin.quality_margin);
    expect(balanced.cost_quality_tradeoff).toBe(0.6);
    const after = await readFile(config, 'utf8');
    expect(after).toBe(before.replace('    quality_margin: 0.03\n    max_fallbacks: 3\n  quality:', `    quality_margin: ${r.quality_margin.quality_margin}\n    max_fallbacks: 3\n  quality:`));
  });
});
