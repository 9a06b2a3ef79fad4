import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  executeConfig,
  executeRequest,
  execute,
  executeStream,
  expectedCost,
  FAKE_KEYS,
  FAKE_TEXT,
  PRICES,
  standardModels,
  startExecuteServer,
  startStandardFakes,
  type ExecuteServer,
  type StandardFakes,
} from '../support/execute-fixture.js';

// Two executor-only servers; a router-only server that sends calls to the first, and one that
// sends them to both. The fake providers answer the catalog models; sim-model has no key, so
// each executor serves it from its own simulator, which counts what it answers.
let fakes: StandardFakes;
let a: ExecuteServer;
let b: ExecuteServer;
let router: ExecuteServer;
let routerOfTwo: ExecuteServer;

beforeAll(async () => {
  fakes = await startStandardFakes();
  const config = executeConfig(
    [
      ...standardModels(fakes),
      { id: 'sim-model', provider: 'openai', urls: ['https://api.openai.com/v1'], apiKeyEnv: 'SIM_ONLY_KEY', prices: { input: 9, output: 9 }, quality: 0.5, ttftMs: 100, outputTokensPerSecond: 2_000 },
    ],
    { executor: { simulate_without_credentials: true }, server: { shutdown_grace_ms: 5_000 } },
  );
  [a, b] = await Promise.all([startExecuteServer(config, { role: 'executor' }), startExecuteServer(config, { role: 'executor' })]);
  // A router decides from the same catalog; its environment says which models have keys.
  [router, routerOfTwo] = await Promise.all([
    startExecuteServer(config, { role: 'router', executors: [a.server.address], env: { ...FAKE_KEYS } }),
    startExecuteServer(config, { role: 'router', executors: [a.server.address, b.server.address], env: { ...FAKE_KEYS } }),
  ]);
});
afterAll(async () => {
  await Promise.all([router?.close(), routerOfTwo?.close()]);
  await Promise.all([a?.close(), b?.close()]);
  await fakes?.close();
});
beforeEach(() => fakes.reset());

describe('execute - a router-only server and an executor-only server', () => {
  it('each serves only its own service', () => {
    expect(router.server.executor).toBeUndefined();
    expect(router.server.engine).toBeDefined();
    expect(a.server.engine).toBeUndefined();
    expect(a.server.executor).toBeDefined();
  });

  it('Execute answers end to end through the executor', async () => {
    fakes.cheap.script({ reply: 'cached-usage' });
    const { err, res } = await execute(router.client, executeRequest('What is the capital of France?'));
    expect(err).toBeNull();
    expect(res!.model).toBe('cheap-openai');
    expect(res!.message!.text).toBe(FAKE_TEXT);
    expect(res!.usage).toEqual({ inputTokens: 1536, outputTokens: 8, cachedInputTokens: 1280, cacheWriteTokens: 0 });
    expect(res!.costUsd).toBe(expectedCost({ input: 1536, output: 8, cached: 1280 }, PRICES.cheap));
    expect(res!.attempts.map((a) => [a.model, a.deployment, a.step, a.outcome])).toEqual([['cheap-openai', 'd1', 'primary', 'ATTEMPT_OUTCOME_SUCCESS']]);
    expect(fakes.cheap.requests).toHaveLength(1);
  });

  it('ExecuteStream answers end to end through the executor', async () => {
    const r = await executeStream(router.client, executeRequest('What is the capital of France?'));
    expect(r.err).toBeNull();
    expect(r.events[0]!.event).toBe('decision');
    expect(r.events.filter((e) => e.event === 'textDelta').length).toBeGreaterThan(1);
    expect(r.text).toBe(FAKE_TEXT);
    expect(r.done!.message!.text).toBe(FAKE_TEXT);
    expect(r.done!.attempts.map((a) => a.outcome)).toEqual(['ATTEMPT_OUTCOME_SUCCESS']);
  });

  it('fails over across the hop: the executor retries, the router moves to the next model', async () => {
    fakes.cheap.script({ fault: 'overloaded' }, { fault: 'overloaded' });
    const { err, res } = await execute(router.client, executeRequest('What is the capital of France?'));
    expect(err).toBeNull();
    expect(res!.model).toBe('mid-anthropic');
    expect(res!.message!.text).toBe(FAKE_TEXT);
    expect(res!.attempts.map((a) => [a.model, a.step, a.outcome])).toEqual([
      ['cheap-openai', 'primary', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR'],
      ['cheap-openai', 'primary', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR'],
      ['mid-anthropic', 'fallback', 'ATTEMPT_OUTCOME_SUCCESS'],
    ]);
  });

  it('a stream cut before its first token is retried, then fails over across the hop, streaming only the next model', async () => {
    fakes.cheap.script({ streamCut: 'stream_truncated', afterChunks: 1 }, { streamCut: 'stream_truncated', afterChunks: 1 });
    const r = await executeStream(router.client, executeRequest('What is the capital of France?'));
    expect(r.err).toBeNull();
    expect(r.text).toBe(FAKE_TEXT);
    expect(r.done!.model).toBe('mid-anthropic');
    expect(r.done!.attempts.map((a) => [a.model, a.outcome])).toEqual([
      ['cheap-openai', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR'],
      ['cheap-openai', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR'],
      ['mid-anthropic', 'ATTEMPT_OUTCOME_SUCCESS'],
    ]);
  });

  it('a stream cut after its first token ends with the partial-output error across the hop', async () => {
    fakes.cheap.script({ fault: 'stream_error' });
    const r = await executeStream(router.client, executeRequest('What is the capital of France?'));
    expect(r.err!.details).toMatch(/partial/);
    expect(FAKE_TEXT.startsWith(r.text)).toBe(true);
    expect(r.text.length).toBeGreaterThan(0);
    expect(fakes.mid.requests).toHaveLength(0);
  });
});

describe('execute - a router with two executors survives losing one', () => {
  it('shutting one executor down mid-run moves the calls to the other, and no request is lost', async () => {
    const total = 30;
    const concurrency = 6;
    let next = 0;
    let stopping: Promise<void> | undefined;
    const results: { ok: boolean; text: string; detail: string; trail: string[] }[] = [];
    const worker = async () => {
      while (next < total) {
        const i = next++;
        if (i === 10) stopping = a.server.shutdown(5_000);
        const { err, res } = await execute(routerOfTwo.client, executeRequest(`Question number ${i}?`, { requirements: { allowModels: ['sim-model'] } }));
        results.push({
          ok: err === null,
          text: res?.message?.text ?? '',
          detail: err?.details ?? '',
          trail: (res?.attempts ?? []).map((x) => (x.outcome === 'ATTEMPT_OUTCOME_SUCCESS' ? 'success' : x.error.startsWith('executor unreachable') ? 'unreachable' : x.error)),
        });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await stopping;
    expect(results).toHaveLength(total);
    expect(results.filter((r) => !r.ok).map((r) => r.detail)).toEqual([]);
    for (const r of results) {
      expect(r.text).toContain('simulated answer from sim-model');
      // At most a hop past the stopped executor, then exactly one answer.
      expect(r.trail.at(-1)).toBe('success');
      expect(r.trail.slice(0, -1).every((t) => t === 'unreachable')).toBe(true);
    }

    const sa = a.server.simulator!.stats();
    const sb = b.server.simulator!.stats();
    // Each request answered exactly once, by one executor or the other; nothing cut off.
    expect(sa.completed + sb.completed).toBe(total);
    expect(sa.cancelled + sb.cancelled).toBe(0);
    expect(sa.completed).toBeGreaterThan(0);
    expect(sb.completed).toBeGreaterThan(sa.completed);
  });

  it('after the loss, streams are served by the remaining executor too', async () => {
    const r = await executeStream(routerOfTwo.client, executeRequest('One more question?', { requirements: { allowModels: ['sim-model'] } }));
    expect(r.err).toBeNull();
    expect(r.text).toContain('simulated answer from sim-model');
    expect(r.done!.message!.text).toBe(r.text);
    expect(r.done!.attempts.at(-1)!.outcome).toBe('ATTEMPT_OUTCOME_SUCCESS');
  });
});
