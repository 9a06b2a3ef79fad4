import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  executeConfig,
  executeRequest,
  executeStream,
  FAKE_TEXT,
  standardModels,
  startExecuteServer,
  startStandardFakes,
  type ExecuteServer,
  type StandardFakes,
} from '../support/execute-fixture.js';

let fakes: StandardFakes;
let s: ExecuteServer;

beforeAll(async () => {
  fakes = await startStandardFakes();
  s = await startExecuteServer(executeConfig(standardModels(fakes)));
});
afterAll(async () => {
  await s?.close();
  await fakes?.close();
});
beforeEach(() => fakes.reset());

const ask = () => executeRequest('What is the capital of France?');

describe('execute - a stream fails over only before its first token', () => {
  it.each([
    ['ends early', 'stream_truncated'],
    ['carries an error event', 'stream_error'],
  ] as const)('a stream that %s before any text is retried, then fails over, and only the next model text is streamed', async (_what, streamCut) => {
    fakes.cheap.script({ streamCut, afterChunks: 1 }, { streamCut, afterChunks: 1 });
    const r = await executeStream(s.client, ask());
    expect(r.err).toBeNull();
    expect(r.events[0]!.event).toBe('decision');
    expect(r.text).toBe(FAKE_TEXT);
    expect(r.done!.message!.text).toBe(FAKE_TEXT);
    expect(r.done!.model).toBe('mid-anthropic');
    expect(r.done!.attempts.map((a) => [a.model, a.step, a.outcome])).toEqual([
      ['cheap-openai', 'primary', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR'],
      ['cheap-openai', 'primary', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR'],
      ['mid-anthropic', 'fallback', 'ATTEMPT_OUTCOME_SUCCESS'],
    ]);
    expect(r.done!.attempts[0]!.error).not.toMatch(/partial/);
    expect(fakes.cheap.requests).toHaveLength(2);
    expect(fakes.mid.requests).toHaveLength(1);
  });

  it('a stream that ends early before any text once is retried and answered by the same model', async () => {
    fakes.cheap.script({ streamCut: 'stream_truncated', afterChunks: 1 });
    const r = await executeStream(s.client, ask());
    expect(r.err).toBeNull();
    expect(r.text).toBe(FAKE_TEXT);
    expect(r.done!.model).toBe('cheap-openai');
    expect(r.done!.attempts.map((a) => a.outcome)).toEqual(['ATTEMPT_OUTCOME_RETRYABLE_ERROR', 'ATTEMPT_OUTCOME_SUCCESS']);
    expect(fakes.mid.requests).toHaveLength(0);
  });

  it.each([
    ['ends early', 'stream_truncated'],
    ['carries an error event', 'stream_error'],
  ] as const)('a stream that %s after text ends with an error saying the output is partial, with nothing appended', async (_what, fault) => {
    fakes.cheap.script({ fault });
    const r = await executeStream(s.client, ask());
    expect(r.err).not.toBeNull();
    expect(r.err!.code).toBe(grpc.status.UNAVAILABLE);
    expect(r.err!.details).toMatch(/partial/);
    expect(r.err!.details).toContain('cheap-openai');
    // What arrived is the start of the first model's answer and nothing else.
    const kinds = r.events.map((e) => e.event);
    expect(kinds[0]).toBe('decision');
    expect(kinds).not.toContain('done');
    expect(r.text.length).toBeGreaterThan(0);
    expect(FAKE_TEXT.startsWith(r.text)).toBe(true);
    expect(r.text).not.toBe(FAKE_TEXT);
    expect(fakes.mid.requests).toHaveLength(0);
    expect(fakes.upper.requests).toHaveLength(0);
    expect(fakes.top.requests).toHaveLength(0);
  });

  it.each([
    ['mid-anthropic', 'mid'],
    ['upper-gemini', 'upper'],
  ] as const)('a %s stream that errors after text ends the call the same way', async (model, key) => {
    fakes[key].script({ fault: 'stream_error' });
    const r = await executeStream(s.client, executeRequest('What is the capital of France?', { requirements: { allowModels: [model, 'top-compat'] } }));
    expect(r.err!.code).toBe(grpc.status.UNAVAILABLE);
    expect(r.err!.details).toMatch(/partial/);
    expect(r.text.length).toBeGreaterThan(0);
    expect(FAKE_TEXT.startsWith(r.text)).toBe(true);
    expect(fakes.top.requests).toHaveLength(0);
  });
});
