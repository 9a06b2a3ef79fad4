import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  executeConfig,
  executeRequest,
  execute,
  executeStream,
  expectedCost,
  FAKE_TEXT,
  PRICES,
  standardModels,
  startExecuteServer,
  startStandardFakes,
  wireProblems,
  type ExecuteServer,
  type StandardFakes,
} from '../support/execute-fixture.js';

let fakes: StandardFakes;
let s: ExecuteServer;

beforeAll(async () => {
  fakes = await startStandardFakes();
  // retry_attempts 2: each deployment gets the first call and one retry.
  s = await startExecuteServer(executeConfig(standardModels(fakes), { executor: { retry_attempts: 2 } }));
});
afterAll(async () => {
  await s?.close();
  await fakes?.close();
});
beforeEach(() => fakes.reset());

const trail = (attempts: { model: string; deployment: string; step: string; outcome: string }[]) =>
  attempts.map((a) => `${a.model}@${a.deployment} ${a.step} ${a.outcome.replace('ATTEMPT_OUTCOME_', '')}`);

describe('execute - fails over on 500 and 503', () => {
  it.each([
    ['500', 'server_error'],
    ['503', 'overloaded'],
  ] as const)('a %s is retried on the same deployment, then the next model answers, once', async (status, fault) => {
    fakes.cheap.script({ fault }, { fault });
    const { err, res } = await execute(s.client, executeRequest('What is the capital of France?'));
    expect(err).toBeNull();
    expect(res!.model).toBe('mid-anthropic');
    expect(res!.message!.text).toBe(FAKE_TEXT);
    expect(trail(res!.attempts)).toEqual([
      'cheap-openai@d1 primary RETRYABLE_ERROR',
      'cheap-openai@d1 primary RETRYABLE_ERROR',
      'mid-anthropic@d1 fallback SUCCESS',
    ]);
    expect(res!.attempts[0]!.error).toContain(status);
    expect(fakes.cheap.requests).toHaveLength(2);
    expect(fakes.mid.requests).toHaveLength(1);
    expect(fakes.upper.requests).toHaveLength(0);
    expect(fakes.top.requests).toHaveLength(0);
    // Failed attempts reported no usage: only the answer is billed.
    expect(res!.attempts[0]!.costUsd).toBe(0);
    expect(res!.costUsd).toBeCloseTo(expectedCost({ input: 24, output: 8 }, PRICES.mid), 12);
    expect(res!.usage).toMatchObject({ inputTokens: 24, outputTokens: 8 });
    expect(wireProblems(fakes.all)).toEqual([]);
  });

  it('a single 503 is retried and answered by the same model', async () => {
    fakes.cheap.script({ fault: 'overloaded' });
    const { err, res } = await execute(s.client, executeRequest('What is the capital of France?'));
    expect(err).toBeNull();
    expect(res!.model).toBe('cheap-openai');
    expect(res!.message!.text).toBe(FAKE_TEXT);
    expect(trail(res!.attempts)).toEqual(['cheap-openai@d1 primary RETRYABLE_ERROR', 'cheap-openai@d1 primary SUCCESS']);
    expect(fakes.mid.requests).toHaveLength(0);
  });

  it('503s on two models in a row move down the chain to the third', async () => {
    fakes.cheap.script({ fault: 'overloaded' }, { fault: 'overloaded' });
    fakes.mid.script({ fault: 'server_error' }, { fault: 'server_error' });
    const { err, res } = await execute(s.client, executeRequest('What is the capital of France?'));
    expect(err).toBeNull();
    expect(res!.model).toBe('upper-gemini');
    expect(res!.message!.text).toBe(FAKE_TEXT);
    expect(trail(res!.attempts)).toEqual([
      'cheap-openai@d1 primary RETRYABLE_ERROR',
      'cheap-openai@d1 primary RETRYABLE_ERROR',
      'mid-anthropic@d1 fallback RETRYABLE_ERROR',
      'mid-anthropic@d1 fallback RETRYABLE_ERROR',
      'upper-gemini@d1 fallback SUCCESS',
    ]);
    expect(fakes.top.requests).toHaveLength(0);
  });

  it('when every model answers 503 the call fails UNAVAILABLE with the whole trail', async () => {
    fakes.cheap.script({ fault: 'overloaded' }, { fault: 'overloaded' });
    fakes.mid.script({ fault: 'server_error' }, { fault: 'server_error' });
    fakes.upper.script({ fault: 'overloaded' }, { fault: 'overloaded' });
    fakes.top.script({ fault: 'overloaded' }, { fault: 'overloaded' });
    const { err } = await execute(s.client, executeRequest('What is the capital of France?'));
    expect(err!.code).toBe(14); // UNAVAILABLE
    expect(err!.details).toMatch(/^no model could answer: server: /);
    for (const m of ['cheap-openai', 'mid-anthropic', 'upper-gemini', 'top-compat']) expect(err!.details).toContain(m);
    expect(fakes.all.map((f) => f.requests.length)).toEqual([2, 2, 2, 2]);
  });

  it('ExecuteStream retries a 503 before the first token on the same deployment, then streams only the next model answer', async () => {
    fakes.cheap.script({ fault: 'overloaded' }, { fault: 'overloaded' });
    const r = await executeStream(s.client, executeRequest('What is the capital of France?'));
    expect(r.err).toBeNull();
    expect(r.text).toBe(FAKE_TEXT);
    expect(r.done!.model).toBe('mid-anthropic');
    expect(trail(r.done!.attempts)).toEqual([
      'cheap-openai@d1 primary RETRYABLE_ERROR',
      'cheap-openai@d1 primary RETRYABLE_ERROR',
      'mid-anthropic@d1 fallback SUCCESS',
    ]);
    expect(fakes.cheap.requests).toHaveLength(2);
    expect(fakes.mid.requests).toHaveLength(1);
  });

  it('ExecuteStream recovers from a single 503 before the first token on the same model', async () => {
    fakes.cheap.script({ fault: 'overloaded' });
    const r = await executeStream(s.client, executeRequest('What is the capital of France?'));
    expect(r.err).toBeNull();
    expect(r.text).toBe(FAKE_TEXT);
    expect(r.done!.model).toBe('cheap-openai');
    expect(trail(r.done!.attempts)).toEqual(['cheap-openai@d1 primary RETRYABLE_ERROR', 'cheap-openai@d1 primary SUCCESS']);
    expect(fakes.mid.requests).toHaveLength(0);
  });
});
