/**
 * Feedback reaches the metrics: SubmitFeedback on a running server shows in
 * switchyard_feedback_value on its /metrics endpoint, by metric, and a repeated idempotency key
 * counts once there as it does in the record.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startTestServer, type TestServer } from '../support/grpc-server.js';
import { ok, recordConfig, userPrompt } from '../record/support.js';
import { scrape } from './scrape.js';

let t: TestServer;

beforeAll(async () => {
  const c = recordConfig();
  const file = join(c.dir, 'config.yaml');
  writeFileSync(file, stringify(c.config));
  t = await startTestServer({ configPath: file, simulatorMaxTtftMs: 5, metricsListen: '127.0.0.1:0' });
});
afterAll(async () => {
  await t?.close();
});

describe('metrics - feedback', () => {
  it('counts accepted feedback by metric with its values, once per idempotency key', async () => {
    const d = await ok<any>(t.client, 'decide', userPrompt('Name a river in Spain'));
    await ok(t.client, 'submitFeedback', { decisionId: d.decisionId, metric: 'helpful', boolValue: true, idempotencyKey: 'k1' });
    await ok(t.client, 'submitFeedback', { decisionId: d.decisionId, metric: 'helpful', boolValue: true, idempotencyKey: 'k1' });
    await ok(t.client, 'submitFeedback', { decisionId: d.decisionId, metric: 'helpful', boolValue: false, idempotencyKey: 'k2' });
    await ok(t.client, 'submitFeedback', { decisionId: d.decisionId, metric: 'rating', floatValue: 4.5 });
    const m = await scrape(t.server.metricsAddress!);
    const byMetric = Object.fromEntries(m.histogram('switchyard_feedback_value').map((h) => [h.labels.metric, [h.count, h.sum]]));
    expect(byMetric).toEqual({ helpful: [2, 1], rating: [1, 4.5] });
  });
});
