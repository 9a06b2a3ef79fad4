/**
 * Shadow evaluation in a running server (built-in catalog, canned simulator, file decision
 * log): the grade lands on the decision record as feedback, `switchyard decisions show` prints
 * it, and the metrics count shadow calls, spend, grades and skips.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandIO } from '../../services/cli/command-io.js';
import { main } from '../../services/cli/main.js';
import type { TestServer } from '../support/grpc-server.js';
import { METRICS, ok, recordConfig, startRecordServer, stored, userPrompt } from '../record/support.js';
import { defaultConfigObject } from '../support/router-fixture.js';

let t: TestServer;
const ids: string[] = [];

beforeAll(async () => {
  const c = recordConfig();
  c.config.feedback = { metrics: [...METRICS, { name: 'shadow_win', type: 'float' }] };
  c.config.shadow = { share: 1, reference_model: 'claude-opus-4-1', judge_model: 'gpt-4.1', daily_budget_usd: 1 };
  c.config.telemetry = { metrics_listen: '127.0.0.1:0' };
  t = await startRecordServer(c.config, c.dir);
  for (const text of ['Name three rivers.', 'Where is Lima?']) ids.push((await ok<any>(t.client, 'execute', userPrompt(text))).decisionId);
  // A request that denies the reference is sampled too, and skipped with the reason.
  await ok<any>(t.client, 'execute', { ...userPrompt('Deny the reference.'), requirements: { denyModels: ['claude-opus-4-1'] } });
  await t.server.shadow!.idle();
});
afterAll(() => t?.close());

async function withFeedback(id: string): Promise<any> {
  for (let i = 0; i < 500; i++) {
    const v = await stored(t.client, id);
    if (v.feedback.length > 0) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no feedback on ${id}`);
}

describe('shadow - in a running server', () => {
  it('writes each grade as shadow_win feedback on its decision record', async () => {
    expect(t.server.shadow!.stats()).toMatchObject({ sampled: 3, skipped: { reference_not_allowed: 1 } });
    for (const id of ids) {
      const v = await withFeedback(id);
      expect(v.feedback).toHaveLength(1);
      expect(v.feedback[0]).toMatchObject({ decisionId: id, metric: 'shadow_win', idempotencyKey: 'shadow' });
      expect([0, 0.5, 1]).toContain(v.feedback[0].value);
      expect(v.feedback[0].comment).toMatch(/^shadow (win|tie|loss) against claude-opus-4-1 \(judge gpt-4\.1: A\/B (A|B|tie), B\/A (A|B|tie);/);
    }
  });

  it('`switchyard decisions show` prints the grade', async () => {
    let out = '';
    const write = (c: Buffer, _e: unknown, cb: () => void) => {
      out += c;
      cb();
    };
    const io: CommandIO = { out: new Writable({ write }), err: new Writable({ write: (_c, _e, cb) => cb() }), env: {}, readStdin: () => '' };
    expect(await main(['decisions', 'show', ids[0]!, '--addr', t.server.address], io)).toBe(0);
    const shown = JSON.parse(out);
    expect(shown.feedback.map((f: { metric: string }) => f.metric)).toEqual(['shadow_win']);
    expect(shown.feedback[0].comment).toContain('against claude-opus-4-1');
  });

  it('counts shadow calls, spend, grades and skips in the metrics', async () => {
    const text = await (await fetch(`http://${t.server.metricsAddress}/metrics`)).text();
    expect(text).toMatch(/switchyard_shadow_calls_total\{role="reference",model="claude-opus-4-1",outcome="ok"\} 2/);
    expect(text).toMatch(/switchyard_shadow_calls_total\{role="judge",model="gpt-4\.1",outcome="ok"\} 4/);
    expect(text).toMatch(/switchyard_shadow_cost_usd_total\{policy="balanced"\} [0-9.e-]+/);
    expect(text).toMatch(/switchyard_shadow_grades_total\{policy="balanced",grade="(win|tie|loss)"\} /);
    expect(text).toMatch(/switchyard_shadow_skips_total\{reason="reference_not_allowed"\} 1/);
  });
});

describe('shadow - in a running server on the replay simulator', () => {
  it('grades replayed answers from their recorded outcomes and writes them to the record', async () => {
    const c = recordConfig();
    const ids = (defaultConfigObject().models as { id: string }[]).map((m) => m.id);
    const outcome = (quality: number) => ({ quality, input_tokens: 10, output_tokens: 20, cost_usd: 0.001 });
    const line = (id: string, prompt: string, reference: number, others: number) =>
      JSON.stringify({ id, prompt, segment: 'replay', outcomes: Object.fromEntries(ids.map((m) => [m, outcome(m === 'claude-opus-4-1' ? reference : others)])) });
    const data = join(c.dir, 'replay.jsonl');
    writeFileSync(data, `${line('r1', 'Replayed: the reference is better here.', 0.9, 0.2)}\n${line('r2', 'Replayed: the routed model is better here.', 0.1, 0.8)}\n`);
    c.config.executor = { ...c.config.executor, simulator_replay: { data: [data] } };
    c.config.feedback = { metrics: [{ name: 'shadow_win', type: 'float' }] };
    c.config.shadow = { share: 1, reference_model: 'claude-opus-4-1', judge_model: 'gpt-4.1', daily_budget_usd: 1 };
    const r = await startRecordServer(c.config, c.dir);
    try {
      const loses = (await ok<any>(r.client, 'execute', userPrompt('Replayed: the reference is better here.'))).decisionId;
      const wins = (await ok<any>(r.client, 'execute', userPrompt('Replayed: the routed model is better here.'))).decisionId;
      await r.server.shadow!.idle();
      const value = async (id: string) => {
        for (let i = 0; i < 500; i++) {
          const v = await stored(r.client, id);
          if (v.feedback.length > 0) return v.feedback[0].value;
          await new Promise((res) => setTimeout(res, 10));
        }
        throw new Error(`no feedback on ${id}`);
      };
      expect([await value(loses), await value(wins)]).toEqual([0, 1]);
    } finally {
      await r.close();
    }
  });
});
