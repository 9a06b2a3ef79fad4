/**
 * What a reservation covers: each model call a request makes (the chosen model, each
 * fallback, each cascade stage and judge) reserves its own worst case just before it is made,
 * and the executor's retries of that call share its reservation: a failed attempt bills
 * nothing (only the attempt that answers has usage), so one call can never cost more than one
 * answer. Reserving per call rather than the whole chain's worst case up front keeps a tenant
 * near its budget from being refused for fallbacks it will most likely never need.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RouterServiceClient } from '../../services/generated/switchyard/v1/RouterService.js';
import type { RunningServer } from '../../services/server/switchyard-server.js';
import { routerClient } from '../../services/shared/grpc/router-client.js';
import { NANO_PER_USD, spendLimits } from '../../services/router/tenancy/tenant-limits.js';
import type { Limit } from '../../services/router/tenancy/ledger.js';
import { execute } from '../support/execute-fixture.js';
import { startOpenAIFake, type OpenAIFake } from '../fakes/openai-fake.js';
import { KEYS, bearer, startTenancyNode, tenancyConfig, userMessage } from './support.js';

const TENANTS = { acme: { keys: [{ env: 'SWITCHYARD_KEY_ACME' }], budget: { daily_usd: 10 } } };
const PROMPT = 'What is the capital of France?';

let fake: OpenAIFake;
let node: RunningServer;
let client: RouterServiceClient;

beforeAll(async () => {
  fake = await startOpenAIFake({ flavour: 'compatible', apiKey: '' });
  const base = tenancyConfig(fake.url, TENANTS);
  node = await startTenancyNode({ ...base, executor: { ...(base.executor as object), retry_attempts: 2, retry_base_ms: 1, retry_cap_ms: 2 } });
  client = routerClient(node.address, {});
});

afterAll(async () => {
  client?.close();
  await node?.shutdown(500);
  await fake?.close();
});

describe('tenancy - a reservation per model call', () => {
  it('a call retried and then failed over reserves once per model, each its worst case, and settles what the answer cost', async () => {
    fake.script({ fault: 'server_error' }, { fault: 'server_error' }, { reply: 'text' });
    const reserve = vi.spyOn(node.tenancy!.ledger, 'reserve');
    const { err, res } = await execute(client, { ...userMessage(PROMPT), maxOutputTokens: 50 }, { metadata: bearer(KEYS.ACME) });
    expect(err).toBeNull();
    // The chosen model was tried twice (a retry), then the fallback answered.
    const trail = res!.attempts.map((a) => [a.model, a.outcome]);
    expect(trail.length).toBe(3);
    expect(trail[0]![1]).toBe('ATTEMPT_OUTCOME_RETRYABLE_ERROR');
    expect(trail[1]).toEqual(trail[0]);
    expect(trail[2]![0]).not.toBe(trail[0]![0]);
    expect(trail[2]![1]).toBe('ATTEMPT_OUTCOME_SUCCESS');
    // One reservation per model, not per attempt; each the worst case of one call:
    // the prompt's estimate at the input price plus 50 answer tokens at the output price.
    const calls = reserve.mock.calls as [Limit, number][];
    expect(calls.map(([l]) => l.key.split('.').slice(0, 2).join('.'))).toEqual(['acme.usd', 'acme.usd']);
    const inputTokens = calls[0]![1] / NANO_PER_USD - 50 * 1000e-6;
    expect(inputTokens / 100e-6).toBeGreaterThan(PROMPT.length / 8);
    expect(calls[1]![1]).toBe(calls[0]![1]);
    // Settled: the spend is what the answer cost; nothing is held any more.
    const [day] = spendLimits({ id: 'acme', models: null, policies: null, regions: null, dailyUsd: 10 }, Date.now());
    expect(await node.tenancy!.ledger.read(day!.key)).toEqual({ used: Math.round(res!.costUsd * NANO_PER_USD), held: 0, holds: 0 });
    expect(res!.costUsd).toBeGreaterThan(0);
    reserve.mockRestore();
  });
});
