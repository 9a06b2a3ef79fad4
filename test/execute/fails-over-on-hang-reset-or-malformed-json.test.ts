import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

const ATTEMPT_TIMEOUT_MS = 400;
const TTFT_TIMEOUT_MS = 300;

let fakes: StandardFakes;
let s: ExecuteServer;

beforeAll(async () => {
  fakes = await startStandardFakes();
  s = await startExecuteServer(
    executeConfig(standardModels(fakes), { executor: { attempt_timeout_ms: ATTEMPT_TIMEOUT_MS, ttft_timeout_ms: TTFT_TIMEOUT_MS, retry_attempts: 2 } }),
  );
});
afterAll(async () => {
  await s?.close();
  await fakes?.close();
});
beforeEach(() => fakes.reset());

describe('execute - fails over when the upstream hangs', () => {
  it('each attempt ends at the attempt timeout, the provider connection is closed, and the next model answers', async () => {
    fakes.cheap.script({ fault: 'hang' }, { fault: 'hang' });
    const { err, res } = await execute(s.client, executeRequest('What is the capital of France?'));
    expect(err).toBeNull();
    expect(res!.model).toBe('mid-anthropic');
    expect(res!.message!.text).toBe(FAKE_TEXT);
    expect(res!.attempts.map((a) => [a.model, a.outcome])).toEqual([
      ['cheap-openai', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR'],
      ['cheap-openai', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR'],
      ['mid-anthropic', 'ATTEMPT_OUTCOME_SUCCESS'],
    ]);
    for (const a of res!.attempts.slice(0, 2)) expect(a.error).toMatch(/timed out/);
    // The executor gave up on both hung requests: their connections were closed, not left open.
    await Promise.all(fakes.cheap.requests.map((r) => r.closedEarly));
    expect(fakes.mid.requests).toHaveLength(1);
  });

  it('ExecuteStream ends a stream that sends nothing at the time-to-first-token limit and streams the next model', async () => {
    fakes.cheap.script({ fault: 'hang' });
    const r = await executeStream(s.client, executeRequest('What is the capital of France?'));
    expect(r.err).toBeNull();
    expect(r.text).toBe(FAKE_TEXT);
    expect(r.done!.model).toBe('mid-anthropic');
    expect(r.done!.attempts.map((a) => [a.model, a.outcome])).toEqual([
      ['cheap-openai', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR'],
      ['mid-anthropic', 'ATTEMPT_OUTCOME_SUCCESS'],
    ]);
    expect(r.done!.attempts[0]!.error).toMatch(/timed out|first token/);
    await fakes.cheap.requests[0]!.closedEarly;
  });
});

describe('execute - fails over on a connection reset', () => {
  it('a reset connection is retried on the same deployment, then the next model answers', async () => {
    fakes.cheap.script({ fault: 'reset' }, { fault: 'reset' });
    const { err, res } = await execute(s.client, executeRequest('What is the capital of France?'));
    expect(err).toBeNull();
    expect(res!.model).toBe('mid-anthropic');
    expect(res!.message!.text).toBe(FAKE_TEXT);
    expect(res!.attempts.map((a) => [a.model, a.outcome])).toEqual([
      ['cheap-openai', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR'],
      ['cheap-openai', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR'],
      ['mid-anthropic', 'ATTEMPT_OUTCOME_SUCCESS'],
    ]);
    expect(res!.attempts[0]!.error).toMatch(/could not complete the HTTP exchange/);
    expect(fakes.cheap.requests).toHaveLength(2);
    expect(fakes.mid.requests).toHaveLength(1);
  });

  it('a reset followed by an answer is recovered on the same model', async () => {
    fakes.cheap.script({ fault: 'reset' });
    const { err, res } = await execute(s.client, executeRequest('What is the capital of France?'));
    expect(err).toBeNull();
    expect(res!.model).toBe('cheap-openai');
    expect(res!.attempts.map((a) => a.outcome)).toEqual(['ATTEMPT_OUTCOME_RETRYABLE_ERROR', 'ATTEMPT_OUTCOME_SUCCESS']);
  });

  it('ExecuteStream retries, then fails over on resets before anything was streamed', async () => {
    fakes.cheap.script({ fault: 'reset' }, { fault: 'reset' });
    const r = await executeStream(s.client, executeRequest('What is the capital of France?'));
    expect(r.err).toBeNull();
    expect(r.text).toBe(FAKE_TEXT);
    expect(r.done!.model).toBe('mid-anthropic');
    expect(r.done!.attempts.map((a) => [a.model, a.outcome])).toEqual([
      ['cheap-openai', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR'],
      ['cheap-openai', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR'],
      ['mid-anthropic', 'ATTEMPT_OUTCOME_SUCCESS'],
    ]);
  });
});

describe('execute - fails over on malformed JSON', () => {
  it('a 200 with a cut-off JSON body is not retried on the deployment; the next model answers', async () => {
    fakes.cheap.script({ fault: 'malformed_json' });
    const { err, res } = await execute(s.client, executeRequest('What is the capital of France?'));
    expect(err).toBeNull();
    expect(res!.model).toBe('mid-anthropic');
    expect(res!.message!.text).toBe(FAKE_TEXT);
    expect(res!.attempts.map((a) => [a.model, a.step, a.outcome])).toEqual([
      ['cheap-openai', 'primary', 'ATTEMPT_OUTCOME_FATAL_ERROR'],
      ['mid-anthropic', 'fallback', 'ATTEMPT_OUTCOME_SUCCESS'],
    ]);
    expect(res!.attempts[0]!.error).toMatch(/not valid JSON/);
    expect(fakes.cheap.requests).toHaveLength(1);
    expect(fakes.mid.requests).toHaveLength(1);
  });

  it('ExecuteStream fails over when the first stream event is cut-off JSON', async () => {
    fakes.cheap.script({ fault: 'malformed_json' });
    const r = await executeStream(s.client, executeRequest('What is the capital of France?'));
    expect(r.err).toBeNull();
    expect(r.text).toBe(FAKE_TEXT);
    expect(r.done!.model).toBe('mid-anthropic');
    expect(r.done!.attempts.map((a) => a.model)).toEqual(['cheap-openai', 'mid-anthropic']);
    expect(r.done!.attempts[0]!.outcome).not.toBe('ATTEMPT_OUTCOME_SUCCESS');
  });
});
