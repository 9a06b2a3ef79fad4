/**
 * server.max_in_flight: past the limit a call is answered RESOURCE_EXHAUSTED at once, naming
 * the limit, never INTERNAL or UNKNOWN; a call that ends (answered or cancelled) frees its place.
 * The upstream holds its answers, so the admitted calls stay in flight until cancelled.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../services/shared/config/load-config.js';
import { startOpenAIFake, type OpenAIFake } from '../fakes/openai-fake.js';
import { defaultConfigObject } from '../support/router-fixture.js';
import { decide, execute, executeConfig, executeRequest, executeStream, listModels, startExecuteServer, waitFor, type ExecuteServer } from '../support/execute-fixture.js';

const LIMIT = 3;
let fake: OpenAIFake;
let s: ExecuteServer;

beforeAll(async () => {
  fake = await startOpenAIFake({ flavour: 'compatible', apiKey: '' });
  const config = executeConfig([{ id: 'held', provider: 'openai-compatible', urls: [fake.url], apiKeyEnv: null, prices: { input: 1, output: 2 }, quality: 0.7 }], {
    server: { max_in_flight: LIMIT },
    // Long enough that the held calls end only when the test cancels them.
    executor: { attempt_timeout_ms: 120_000, ttft_timeout_ms: 120_000, total_timeout_ms: 120_000, retry_attempts: 1 },
  });
  s = await startExecuteServer(config);
});
afterAll(async () => {
  await s?.close();
  await fake?.close();
});

/** A unary Execute the test can cancel, and its outcome. */
function heldExecute(text: string): { call: grpc.ClientUnaryCall; outcome: Promise<grpc.ServiceError | null> } {
  let call!: grpc.ClientUnaryCall;
  const outcome = new Promise<grpc.ServiceError | null>((resolve) => {
    call = s.client.execute(executeRequest(text), new grpc.Metadata(), { deadline: Date.now() + 120_000 }, (err) => resolve(err));
  });
  return { call, outcome };
}

/** An ExecuteStream the test can cancel, and its outcome. */
function heldStream(text: string): { call: { cancel(): void }; outcome: Promise<grpc.ServiceError | null> } {
  const call = s.client.executeStream({ request: executeRequest(text) }, new grpc.Metadata(), { deadline: Date.now() + 120_000 });
  const outcome = new Promise<grpc.ServiceError | null>((resolve) => {
    call.on('data', () => {});
    call.on('error', (e: grpc.ServiceError) => resolve(e));
    call.on('end', () => resolve(null));
  });
  return { call, outcome };
}

describe('server.max_in_flight', () => {
  it('answers calls past the limit RESOURCE_EXHAUSTED naming the limit, and admits again once calls end', async () => {
    fake.script({ fault: 'hang' }, { fault: 'hang' }, { fault: 'hang' });
    const held = [heldExecute('one'), heldExecute('two'), heldStream('three')];
    await waitFor(() => fake.requests.length === LIMIT, 'the held calls to reach the upstream');
    expect(s.server.admission!.inFlight).toBe(LIMIT);

    const refused = [
      await execute(s.client, executeRequest('four')),
      await decide(s.client, executeRequest('five')),
      await listModels(s.client),
    ];
    const stream = await executeStream(s.client, executeRequest('six'));
    const errors = [...refused.map((r) => r.err), stream.err];
    for (const err of errors) {
      expect(err?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(err?.details).toContain(`${LIMIT} calls already in flight`);
      expect(err?.details).toContain('server.max_in_flight');
    }
    expect(stream.events).toHaveLength(0);
    expect(s.server.admission!.rejected).toBe(4);
    // The refused calls never reached the upstream.
    expect(fake.requests).toHaveLength(LIMIT);

    for (const h of held) h.call.cancel();
    const ends = await Promise.all(held.map((h) => h.outcome));
    expect(ends.map((e) => e?.code)).toEqual([grpc.status.CANCELLED, grpc.status.CANCELLED, grpc.status.CANCELLED]);
    await waitFor(() => s.server.admission!.inFlight === 0, 'the cancelled calls to free their places');

    const after = await execute(s.client, executeRequest('seven'));
    expect(after.err).toBeNull();
    expect(after.res!.model).toBe('held');
    const afterStream = await executeStream(s.client, executeRequest('eight'));
    expect(afterStream.err).toBeNull();
    expect(afterStream.done).toBeDefined();
    await waitFor(() => s.server.admission!.inFlight === 0, 'the answered calls to free their places');
    expect(s.server.admission!.rejected).toBe(4);
  });

  it('is a positive whole number, and an error names the key', () => {
    const withServer = (server: Record<string, unknown>) => stringify({ ...defaultConfigObject(), server });
    expect(parseConfig(withServer({}), 'test.yaml').server.max_in_flight).toBe(512);
    expect(() => parseConfig(withServer({ max_in_flight: 0 }), 'test.yaml')).toThrow(/server\.max_in_flight/);
  });
});
