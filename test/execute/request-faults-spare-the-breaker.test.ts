/**
 * Only upstream faults count against a deployment's breaker. A request that cannot even be
 * encoded (a JSON schema nested 5,000 levels deep overflows the encoder's stack) is the
 * caller's INVALID_ARGUMENT: it reaches no provider, is not retried or failed over, and opens
 * no breaker however often it is sent. At the API the same request is refused before any of
 * that, naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFailure } from '../../services/executor/resilience/circuit-breaker.js';
import { ExecuteFailedError } from '../../services/router/execute/execute-types.js';
import { FallbackChain } from '../../services/router/execute/fallback-chain.js';
import {
  decide,
  executeConfig,
  executeRequest,
  inProcessEngine,
  standardModels,
  startExecuteServer,
  startStandardFakes,
  type ExecuteServer,
  type InProcessEngine,
  type StandardFakes,
} from '../support/execute-fixture.js';

let fakes: StandardFakes;
let e: InProcessEngine;
let s: ExecuteServer;

/** A JSON schema nested `depth` levels deep, built without recursion. */
function deepSchema(depth: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let i = 0; i < depth; i++) schema = { type: 'object', properties: { a: schema } };
  return schema;
}

beforeAll(async () => {
  fakes = await startStandardFakes();
  const config = executeConfig(standardModels(fakes), {
    // A breaker that opens after 2 failures in 2 calls.
    executor: { breaker: { window_ms: 60_000, min_calls: 2, failure_rate: 0.5, open_ms: 60_000 } },
  });
  e = await inProcessEngine(config);
  s = await startExecuteServer(config);
});
afterAll(async () => {
  e?.close();
  await s?.close();
  await fakes?.close();
});

describe('breaker - request faults are the caller’s', () => {
  it('a schema too deep to encode is invalid_request: no provider call, no retry, and no breaker opens after 12 of them', async () => {
    const request = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] }], responseFormat: { type: 'json_schema' as const, name: 'deep', schema: deepSchema(5_000) } };
    for (const model of ['cheap-openai', 'mid-anthropic', 'upper-gemini']) {
      for (let i = 0; i < 12; i++) {
        const outcome = await e.executor.invoke({ model, request, allowedRegions: [], decisionId: 'd', step: 'primary' }, new AbortController().signal);
        expect(outcome.ok).toBe(false);
        if (outcome.ok) return;
        expect(outcome.error).toMatchObject({ kind: 'invalid_request', retryable: false });
        expect(outcome.attempts).toHaveLength(1);
      }
    }
    expect(fakes.all.map((f) => f.requests.length)).toEqual([0, 0, 0, 0]);
    for (const rt of e.executor.runtimes) for (const d of rt.deployments) expect(d.breaker.snapshot()).toMatchObject({ state: 'closed', failures: 0 });
    // A healthy request still gets through afterwards.
    const ok = await e.executor.invoke({ model: 'cheap-openai', request: { messages: request.messages, responseFormat: { type: 'text' } }, allowedRegions: [], decisionId: 'd', step: 'primary' }, new AbortController().signal);
    expect(ok.ok).toBe(true);
  });

  it('the router neither fails over on it nor counts it, and answers INVALID_ARGUMENT', () => {
    const failure = { kind: 'invalid_request', retryable: false };
    const chain = new FallbackChain({ model: 'a', fallbacks: ['b', 'c'], maxAttempts: 3 });
    expect(chain.next()).toBe('a');
    expect(chain.next(failure)).toBeUndefined();
    expect(chain.stopReason).toBe('not_recoverable');
    expect(classifyFailure(failure)).toBe('ignore');
    expect(classifyFailure({ kind: 'internal', retryable: false })).toBe('ignore');
    expect(new ExecuteFailedError({ ...failure, message: 'x' }, []).code).toBe(3);
  });

  it('at the API, a schema or tool parameters nested past 64 levels is refused naming the field', async () => {
    const schemaJson = `${'{"type":"object","properties":{"a":'.repeat(5_000)}{"type":"string"}${'}}'.repeat(5_000)}`;
    const schema = await decide(s.client, executeRequest('hi', { responseFormat: { type: 'RESPONSE_FORMAT_TYPE_JSON_SCHEMA', schemaName: 'deep', schemaJson } }));
    expect(schema.err?.code).toBe(3);
    expect(schema.err?.details).toMatch(/^response_format\.schema_json: nests objects and arrays \d+ levels deep, over the limit of 64$/);
    const parametersJson = `{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const tools = await decide(s.client, executeRequest('hi', { tools: [{ name: 'deep', parametersJson }] }));
    expect(tools.err?.code).toBe(3);
    expect(tools.err?.details).toBe('tools[0].parameters_json: nests objects and arrays 10001 levels deep, over the limit of 64');
  });
});

