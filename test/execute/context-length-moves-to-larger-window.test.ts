import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  executeConfig,
  executeRequest,
  execute,
  executeStream,
  FAKE_TEXT,
  PRICES,
  startExecuteServer,
  startStandardFakes,
  type ExecuteServer,
  type StandardFakes,
  type TestModel,
} from '../support/execute-fixture.js';

let fakes: StandardFakes;
let s: ExecuteServer;

/** Two models with a 16k window (the cheapest), then two with a 1M window. */
function models(f: StandardFakes): TestModel[] {
  return [
    { id: 'small-a', provider: 'openai', urls: [f.cheap.url], prices: { ...PRICES.cheap }, quality: 0.6, contextWindow: 16_000 },
    { id: 'small-b', provider: 'anthropic', urls: [f.mid.url], prices: { ...PRICES.mid }, quality: 0.7, contextWindow: 16_000 },
    { id: 'wide-c', provider: 'gemini', urls: [f.upper.url], prices: { ...PRICES.upper }, quality: 0.8, contextWindow: 1_000_000 },
    { id: 'wide-d', provider: 'openai-compatible', urls: [f.top.url], prices: { ...PRICES.top }, quality: 0.9, contextWindow: 1_000_000 },
  ];
}

beforeAll(async () => {
  fakes = await startStandardFakes();
  s = await startExecuteServer(executeConfig(models(fakes)));
});
afterAll(async () => {
  await s?.close();
  await fakes?.close();
});
beforeEach(() => fakes.reset());

const ask = (allowModels: string[] = []) => executeRequest('Summarise this long contract for me.', { requirements: { allowModels } });

describe('execute - a context-length error skips to a model with a larger window', () => {
  it('skips the fallback whose window is no larger and answers from the larger one', async () => {
    fakes.cheap.script({ fault: 'context_length' });
    const { err, res } = await execute(s.client, ask());
    expect(err).toBeNull();
    expect(res!.decision!.plan!.models).toEqual(['small-a', 'small-b', 'wide-c', 'wide-d']);
    expect(res!.model).toBe('wide-c');
    expect(res!.message!.text).toBe(FAKE_TEXT);
    expect(res!.attempts.map((a) => [a.model, a.outcome])).toEqual([
      ['small-a', 'ATTEMPT_OUTCOME_FATAL_ERROR'],
      ['wide-c', 'ATTEMPT_OUTCOME_SUCCESS'],
    ]);
    expect(res!.attempts[0]!.error).toMatch(/context/i);
    // Not retried, and the same-sized window never asked.
    expect(fakes.cheap.requests).toHaveLength(1);
    expect(fakes.mid.requests).toHaveLength(0);
    expect(fakes.upper.requests).toHaveLength(1);
  });

  it('ExecuteStream does the same before the first token', async () => {
    fakes.cheap.script({ fault: 'context_length' });
    const r = await executeStream(s.client, ask());
    expect(r.err).toBeNull();
    expect(r.text).toBe(FAKE_TEXT);
    expect(r.done!.model).toBe('wide-c');
    expect(r.done!.attempts.map((a) => a.model)).toEqual(['small-a', 'wide-c']);
    expect(fakes.mid.requests).toHaveLength(0);
  });

  it('with no larger window allowed, the call fails INVALID_ARGUMENT saying the request does not fit', async () => {
    fakes.cheap.script({ fault: 'context_length' });
    const { err } = await execute(s.client, ask(['small-a', 'small-b']));
    expect(err!.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err!.details).toMatch(/does not fit the context window/);
    expect(fakes.cheap.requests).toHaveLength(1);
    expect(fakes.mid.requests).toHaveLength(0);
  });
});
