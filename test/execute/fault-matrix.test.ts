/**
 * The fault matrix: each upstream fault × each strategy × plain and streamed calls. The fault
 * hits every call of the model the plan tries first (cheap-openai); the other models answer.
 * In every cell the client gets exactly one answer, whole and not repeated, from another
 * model, except where the documented rule says otherwise: a stream cut after its first token
 * cannot move elsewhere, so it ends UNAVAILABLE saying the output is partial. When every model
 * fails, the call ends UNAVAILABLE ("no model could answer") with no answer at all.
 *
 * Each fault gets a server of its own, so that a fault's after-effects (a 429's cool-down) do
 * not reach the next row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeFault } from '../fakes/fake-contract.js';
import {
  executeConfig,
  executeRequest,
  execute,
  executeStream,
  FAKE_TEXT,
  standardModels,
  startExecuteServer,
  startStandardFakes,
  type ExecuteServer,
  type StandardFakes,
} from '../support/execute-fixture.js';

let fakes: StandardFakes;

beforeAll(async () => {
  fakes = await startStandardFakes();
});
afterAll(async () => {
  await fakes?.close();
});

const FAULTS: FakeFault[] = ['server_error', 'rate_limit', 'hang', 'reset', 'malformed_json', 'stream_truncated', 'stream_error', 'context_length'];
const STRATEGIES = ['single', 'cascade', 'speculative'] as const;
/** Faults that cut a stream after its first token, when the request streams. */
const MID_STREAM = new Set<FakeFault>(['stream_truncated', 'stream_error']);

function config() {
  const models = standardModels(fakes);
  // cheap-openai has the smallest window, so a context-length error there moves on.
  models[0]!.contextWindow = 64_000;
  return executeConfig(models, {
    executor: { attempt_timeout_ms: 300, ttft_timeout_ms: 300, total_timeout_ms: 8_000 },
    policies: {
      cascade: { strategy: 'cascade', cost_quality_tradeoff: 0, max_stages: 2, checks: ['refusal', 'empty'] },
      speculative: { strategy: 'speculative', cost_quality_tradeoff: 0 },
    },
  });
}

const policyOf = (strategy: (typeof STRATEGIES)[number]) => (strategy === 'single' ? '' : strategy);
const ask = (strategy: (typeof STRATEGIES)[number]) => executeRequest('What is the capital of France?', { policy: policyOf(strategy) });
/** The same fault on every call the model gets (retries included). */
const faultAll = (fault: FakeFault) => Array.from({ length: 4 }, () => ({ fault }));

describe.each(FAULTS)('fault matrix - %s on the first model', (fault) => {
  let s: ExecuteServer;
  beforeAll(async () => {
    s = await startExecuteServer(config());
  });
  afterAll(async () => {
    await s?.close();
  });

  it.each(STRATEGIES)('%s, plain: one whole answer from another model', async (strategy) => {
    fakes.reset();
    fakes.cheap.script(...faultAll(fault));
    const { err, res } = await execute(s.client, ask(strategy));
    expect(err).toBeNull();
    expect(res!.model).not.toBe('cheap-openai');
    expect(res!.message!.text).toBe(FAKE_TEXT);
    if (res!.decision!.plan!.models.includes('cheap-openai')) {
      expect(res!.attempts.some((a) => a.model === 'cheap-openai' && a.outcome !== 'ATTEMPT_OUTCOME_SUCCESS')).toBe(true);
    } else {
      // An earlier 429's Retry-After still holds: the model is left out, and the decision says why.
      expect(fault).toBe('rate_limit');
      expect(res!.decision!.candidates.find((c) => c.model === 'cheap-openai')!.excludedReason).toMatch(/rate limited/);
    }
  });

  it.each(STRATEGIES)('%s, streamed: one whole answer, or a partial one marked so after the first token', async (strategy) => {
    fakes.reset();
    fakes.cheap.script(...faultAll(fault));
    const r = await executeStream(s.client, ask(strategy));
    const dones = r.events.filter((e) => e.event === 'done');
    if (strategy === 'single' && MID_STREAM.has(fault)) {
      expect(r.err?.code).toBe(14);
      expect(r.err?.details).toMatch(/the output sent is partial/);
      expect(dones).toHaveLength(0);
      expect(FAKE_TEXT.startsWith(r.text)).toBe(true);
      return;
    }
    expect(r.err).toBeNull();
    expect(dones).toHaveLength(1);
    expect(r.text).toBe(FAKE_TEXT);
    expect(r.done!.model).not.toBe('cheap-openai');
    expect(r.done!.message!.text).toBe(FAKE_TEXT);
  });
});

describe('fault matrix - every model fails', () => {
  let s: ExecuteServer;
  beforeAll(async () => {
    s = await startExecuteServer(config());
  });
  afterAll(async () => {
    await s?.close();
  });

  it.each(STRATEGIES)('%s: UNAVAILABLE, "no model could answer", no answer plain or streamed', async (strategy) => {
    fakes.reset();
    for (const f of fakes.all) f.script(...faultAll('server_error'));
    const plain = await execute(s.client, ask(strategy));
    expect(plain.err?.code).toBe(14);
    expect(plain.err?.details).toMatch(/^no model could answer: server/);
    fakes.reset();
    for (const f of fakes.all) f.script(...faultAll('server_error'));
    const streamed = await executeStream(s.client, ask(strategy));
    expect(streamed.err?.code).toBe(14);
    expect(streamed.err?.details).toMatch(/^no model could answer: server/);
    expect(streamed.events.filter((e) => e.event === 'done' || e.event === 'textDelta')).toHaveLength(0);
  });
});
