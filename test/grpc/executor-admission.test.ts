/**
 * executor.max_in_flight: an executor at its bound answers Invoke RESOURCE_EXHAUSTED naming the
 * key, before any provider is called; a router treats that executor as busy, not broken: the
 * call moves to another executor, the busy one is not passed over afterwards, and when every
 * executor is busy the call fails RESOURCE_EXHAUSTED saying so. The upstream holds its answers,
 * so the calls the test starts stay in flight until it cancels them; everything is counted.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ExecutorPool } from '../../services/router/executor-pool.js';
import type { InvokeEvent, InvokeInput } from '../../services/shared/contracts/invoke.js';
import { parseConfig } from '../../services/shared/config/load-config.js';
import { startOpenAIFake, type OpenAIFake } from '../fakes/openai-fake.js';
import { defaultConfigObject } from '../support/router-fixture.js';
import { execute, executeConfig, executeRequest, invoke, startExecuteServer, waitFor, type ExecuteServer } from '../support/execute-fixture.js';

const MODEL = 'held';
let fake: OpenAIFake;
let a: ExecuteServer;
let b: ExecuteServer;
let router: ExecuteServer;

const invokeRequest = (text: string) => ({ model: MODEL, messages: [{ role: 'ROLE_USER' as const, content: [{ text }] }], decisionId: `d-${text}`, step: 'primary' });

/** An Invoke sent straight to an executor, held by the upstream until the test cancels it. */
function heldInvoke(s: ExecuteServer, text: string): { call: grpc.ClientUnaryCall; outcome: Promise<grpc.ServiceError | null> } {
  let call!: grpc.ClientUnaryCall;
  const outcome = new Promise<grpc.ServiceError | null>((resolve) => {
    call = s.executorClient.invoke(invokeRequest(text), new grpc.Metadata(), { deadline: Date.now() + 120_000 }, (err) => resolve(err));
  });
  return { call, outcome };
}

function poolInput(text: string): InvokeInput {
  return { model: MODEL, request: { messages: [{ role: 'user', content: [{ type: 'text', text }] }] }, allowedRegions: [], decisionId: `d-${text}`, step: 'primary' };
}

beforeAll(async () => {
  fake = await startOpenAIFake({ flavour: 'compatible', apiKey: '' });
  const config = executeConfig([{ id: MODEL, provider: 'openai-compatible', urls: [fake.url], apiKeyEnv: null, prices: { input: 1, output: 2 }, quality: 0.7 }], {
    // Long enough that the held calls end only when the test cancels them.
    executor: { max_in_flight: 1, attempt_timeout_ms: 120_000, ttft_timeout_ms: 120_000, total_timeout_ms: 120_000, retry_attempts: 1 },
  });
  [a, b] = await Promise.all([startExecuteServer(config, { role: 'executor' }), startExecuteServer(config, { role: 'executor' })]);
  router = await startExecuteServer(config, { role: 'router', executors: [a.server.address, b.server.address] });
});
afterAll(async () => {
  await router?.close();
  await Promise.all([a?.close(), b?.close()]);
  await fake?.close();
});
beforeEach(() => fake.reset());

describe('executor.max_in_flight', () => {
  it('answers Invoke past the bound RESOURCE_EXHAUSTED naming the key, without calling a provider', async () => {
    fake.script({ fault: 'hang' });
    const held = heldInvoke(a, 'one');
    await waitFor(() => fake.requests.length === 1, 'the held call to reach the upstream');
    const refused = await invoke(a.executorClient, invokeRequest('two'));
    expect(refused.err?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(refused.err?.details).toContain('1 calls already in flight');
    expect(refused.err?.details).toContain('executor.max_in_flight');
    expect(fake.requests).toHaveLength(1);
    expect(a.server.executorAdmission!.rejected).toBe(1);

    held.call.cancel();
    expect((await held.outcome)?.code).toBe(grpc.status.CANCELLED);
    await waitFor(() => a.server.executorAdmission!.inFlight === 0, 'the cancelled call to free its place');
    const after = await invoke(a.executorClient, invokeRequest('three'));
    expect(after.err).toBeNull();
    expect(after.res!.deployment).toBe('d1');
    expect(fake.requests).toHaveLength(2);
  });

  it('a router moves a call from a busy executor to another, and does not pass the busy one over afterwards', async () => {
    fake.script({ fault: 'hang' });
    const held = heldInvoke(a, 'hold-a');
    await waitFor(() => fake.requests.length === 1, 'the held call to reach the upstream');
    const rejectedBefore = a.server.executorAdmission!.rejected;
    // Ties broken by a constant: the busy executor (a) is tried first.
    const pool = new ExecutorPool({ state: router.server.busState!, staticAddresses: [a.server.address, b.server.address], maxAttempts: 2, random: () => 0 });
    try {
      expect(pool.candidates(MODEL).map((t) => t.address)).toEqual([a.server.address, b.server.address]);
      const o = await pool.invoke(poolInput('unary'), new AbortController().signal);
      expect(o.ok).toBe(true);
      expect(o.attempts.map((x) => [x.deployment, x.outcome])).toEqual([
        [`executor ${a.server.address}`, 'retryable_error'],
        ['d1', 'success'],
      ]);
      expect(o.attempts[0]!.error).toContain('executor busy');
      expect(o.attempts[0]!.error).toContain('executor.max_in_flight');

      const events: InvokeEvent[] = [];
      for await (const ev of pool.invokeStream(poolInput('stream'), new AbortController().signal)) events.push(ev);
      const done = events.at(-1)!;
      expect(done.type).toBe('done');
      if (done.type === 'done') expect(done.outcome.attempts.map((x) => x.deployment)).toEqual([`executor ${a.server.address}`, 'd1']);

      expect(a.server.executorAdmission!.rejected - rejectedBefore).toBe(2);
      // One held call and the two answered by b: the refusals never reached a provider.
      expect(fake.requests).toHaveLength(3);
      // Busy is not broken: a is still first in line, not suspected as an unreachable one is.
      expect(pool.candidates(MODEL).map((t) => [t.address, t.rank])).toEqual([
        [a.server.address, 0],
        [b.server.address, 0],
      ]);
    } finally {
      pool.close();
      held.call.cancel();
      await held.outcome;
    }
  });

  it('when every executor is busy, Execute fails RESOURCE_EXHAUSTED saying so, naming the key', async () => {
    fake.script({ fault: 'hang' }, { fault: 'hang' });
    const held = [heldInvoke(a, 'hold-a'), heldInvoke(b, 'hold-b')];
    await waitFor(() => fake.requests.length === 2, 'the held calls to reach the upstream');
    const { err } = await execute(router.client, executeRequest('refused'));
    expect(err?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(err?.details).toContain('every executor tried is busy');
    expect(err?.details).toContain('executor.max_in_flight');
    expect(fake.requests).toHaveLength(2);
    for (const h of held) h.call.cancel();
    await Promise.all(held.map((h) => h.outcome));
    await waitFor(() => a.server.executorAdmission!.inFlight === 0 && b.server.executorAdmission!.inFlight === 0, 'the held calls to end');
    const after = await execute(router.client, executeRequest('after'));
    expect(after.err).toBeNull();
    expect(after.res!.model).toBe(MODEL);
  });

  it('is a positive whole number, and an error names the key', () => {
    const withExecutor = (executor: Record<string, unknown>) => stringify({ ...defaultConfigObject(), executor });
    expect(parseConfig(withExecutor({}), 'test.yaml').executor.max_in_flight).toBe(512);
    expect(() => parseConfig(withExecutor({ max_in_flight: 0 }), 'test.yaml')).toThrow(/executor\.max_in_flight/);
  });
});
