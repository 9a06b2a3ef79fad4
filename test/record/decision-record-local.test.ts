/**
 * The decision log on the local segment store, through the gRPC API: every Decide and Execute
 * leaves a record with the decision and its outcome; feedback joins it, even when it arrives
 * first; repeated idempotency keys count once; bad feedback names the metric.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeStream } from '../support/execute-fixture.js';
import { call, type TestServer } from '../support/grpc-server.js';
import { ok, recordConfig, startRecordServer, stored, userPrompt } from './support.js';

let t: TestServer;
let dir: string;

beforeAll(async () => {
  const c = recordConfig();
  dir = c.dir;
  t = await startRecordServer(c.config, c.dir);
});
afterAll(async () => {
  await t?.close();
});

describe('decision record - local store', () => {
  it('records a Decide with every candidate, a UUIDv7 id, labels and the config hash', async () => {
    const d = await ok<any>(t.client, 'decide', userPrompt('Name three rivers in Europe', { tenant: 'acme', task: 'geo' }));
    expect(d.decisionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const v = await stored(t.client, d.decisionId);
    const r = v.record;
    expect(r.version).toBe(1);
    expect(r.source).toBe('RECORD_SOURCE_DECIDE');
    expect(r.model).toBe(d.model);
    expect(r.fallbacks).toEqual(d.fallbacks);
    expect(r.labels.tenant).toBe('acme');
    expect(r.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.promptHash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.routerModel).toBe(d.routerModel);
    expect(r.candidates).toHaveLength(d.candidates.length);
    const chosen = r.candidates.find((c: any) => c.model === d.model);
    expect(chosen.choiceProbability).toBe(1);
    expect(r.candidates.filter((c: any) => c.choiceProbability > 0)).toHaveLength(1);
    expect(r.prompt).toEqual([]);
    expect(r.outcome).toBeNull();
  });

  it('records an Execute with its attempts, answering model, cost and the reference cost', async () => {
    const e = await ok<any>(t.client, 'execute', userPrompt('Write a haiku about rail yards'));
    const v = await stored(t.client, e.decisionId);
    const o = v.record.outcome;
    expect(v.record.source).toBe('RECORD_SOURCE_EXECUTE');
    expect(o.answeredModel).toBe(e.model);
    expect(o.answeredByChosen).toBe(e.model === e.decision.model);
    expect(o.attempts.map((a: any) => [a.model, a.status])).toEqual(e.attempts.map((a: any) => [a.model, 'success']));
    expect(o.costUsd).toBeCloseTo(e.costUsd, 12);
    expect(o.usage.outputTokens).toBe(e.usage.outputTokens);
    expect(o.referenceModel).not.toBe('');
    expect(o.referenceCostUsd).toBeGreaterThanOrEqual(o.costUsd);
    expect(o.finishReason).toBe(e.finishReason);
    expect(o.errorCode).toBe('');
  });

  it('records a streamed Execute with each attempt\'s time to first token', async () => {
    const r = await executeStream(t.client, userPrompt('Stream a haiku about signal boxes') as never);
    expect(r.err).toBeNull();
    const v = await stored(t.client, r.done!.decisionId);
    const o = v.record.outcome;
    expect(v.record.source).toBe('RECORD_SOURCE_EXECUTE_STREAM');
    const answered = o.attempts.at(-1);
    expect(answered.status).toBe('success');
    expect(answered.ttftMs).toBeGreaterThan(0);
    expect(answered.ttftMs).toBeLessThanOrEqual(o.ttftMs);
    expect(o.ttftMs).toBeLessThanOrEqual(o.latencyMs);
  });

  it('joins feedback that arrives before the record, and counts a repeated key once', async () => {
    const d = await ok<any>(t.client, 'decide', userPrompt('Is this fast?'));
    // Sent at once, before the writer's flush has stored the record.
    const first = await ok<any>(t.client, 'submitFeedback', { decisionId: d.decisionId, metric: 'helpful', boolValue: true, idempotencyKey: 'k1' });
    const again = await ok<any>(t.client, 'submitFeedback', { decisionId: d.decisionId, metric: 'helpful', boolValue: true, idempotencyKey: 'k1' });
    await ok(t.client, 'submitFeedback', { decisionId: d.decisionId, metric: 'rating', floatValue: 4.5, comment: 'good' });
    expect(first.accepted).toBe(true);
    expect(again.accepted).toBe(false);
    let v = await stored(t.client, d.decisionId);
    for (let i = 0; v.feedback.length < 2 && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 10));
      v = await stored(t.client, d.decisionId);
    }
    expect(v.feedback.map((f: any) => [f.metric, f.value]).sort()).toEqual([
      ['helpful', 1],
      ['rating', 4.5],
    ]);
  });

  it('joins episode feedback to every decision of the session', async () => {
    const a = await ok<any>(t.client, 'decide', userPrompt('step one', { session: 'conv-7' }));
    const b = await ok<any>(t.client, 'decide', userPrompt('step two', { session: 'conv-7' }));
    await ok(t.client, 'submitFeedback', { episodeId: 'conv-7', metric: 'resolved', boolValue: false });
    for (const id of [a.decisionId, b.decisionId]) {
      let v = await stored(t.client, id);
      for (let i = 0; v.feedback.length < 1 && i < 200; i++) {
        await new Promise((r) => setTimeout(r, 10));
        v = await stored(t.client, id);
      }
      expect(v.feedback.map((f: any) => [f.metric, f.value])).toEqual([['resolved', 0]]);
    }
  });

  it('refuses unknown metrics and wrong types with INVALID_ARGUMENT naming the metric', async () => {
    const d = await ok<any>(t.client, 'decide', userPrompt('hello'));
    const unknown = await call(t.client as never, 'submitFeedback', { decisionId: d.decisionId, metric: 'stars', floatValue: 3 });
    expect(unknown.err?.code).toBe(3);
    expect(unknown.err?.details).toMatch(/metric: unknown metric "stars"/);
    const wrong = await call(t.client as never, 'submitFeedback', { decisionId: d.decisionId, metric: 'helpful', floatValue: 0.5 });
    expect(wrong.err?.code).toBe(3);
    expect(wrong.err?.details).toMatch(/metric "helpful" is boolean/);
    const badId = await call(t.client as never, 'submitFeedback', { decisionId: 'nope', metric: 'helpful', boolValue: true });
    expect(badId.err?.details).toMatch(/^decision_id: /);
  });

  it('accepts a reported outcome and joins it, priced from the catalog', async () => {
    const d = await ok<any>(t.client, 'decide', userPrompt('called the provider myself'));
    const r = await ok<any>(t.client, 'reportOutcome', { decisionId: d.decisionId, model: d.model, usage: { inputTokens: 1000, outputTokens: 500 }, latencyMs: 812, finishReason: 'FINISH_REASON_STOP' });
    expect(r.costUsd).toBeGreaterThan(0);
    let v = await stored(t.client, d.decisionId);
    for (let i = 0; !v.reportedOutcome && i < 200; i++) {
      await new Promise((res) => setTimeout(res, 10));
      v = await stored(t.client, d.decisionId);
    }
    expect(v.reportedOutcome.model).toBe(d.model);
    expect(v.reportedOutcome.costUsd).toBeCloseTo(r.costUsd, 12);
    const bad = await call(t.client as never, 'reportOutcome', { decisionId: d.decisionId, model: 'gpt-9' });
    expect(bad.err?.details).toMatch(/^model: unknown model "gpt-9"/);
  });

  it('lists records newest first, filtered and paged', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await ok<any>(t.client, 'decide', userPrompt(`page ${i}`, { tenant: 'pager' }))).decisionId);
    await stored(t.client, ids[4]!);
    const p1 = await ok<any>(t.client, 'listDecisions', { labels: { tenant: 'pager' }, pageSize: 3 });
    expect(p1.decisions.map((v: any) => v.record.decisionId)).toEqual([ids[4], ids[3], ids[2]]);
    const p2 = await ok<any>(t.client, 'listDecisions', { labels: { tenant: 'pager' }, pageSize: 3, pageToken: p1.nextPageToken });
    expect(p2.decisions.map((v: any) => v.record.decisionId)).toEqual([ids[1], ids[0]]);
    expect(p2.nextPageToken).toBe('');
    const without = await ok<any>(t.client, 'listDecisions', { feedback: 'FEEDBACK_FILTER_WITH', labels: { tenant: 'pager' } });
    expect(without.decisions).toEqual([]);
  });

  it('stores no prompt text when prompt logging is off', async () => {
    const secret = 'the launch code is zebra-4471';
    const d = await ok<any>(t.client, 'execute', userPrompt(secret));
    await stored(t.client, d.decisionId);
    const bytes = readdirSync(join(dir, 'decisions')).map((f) => readFileSync(join(dir, 'decisions', f)).toString('latin1')).join('');
    expect(bytes).toContain(d.decisionId);
    expect(bytes).not.toContain('zebra-4471');
    expect(bytes).not.toContain('launch code');
  });
});
