import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  decide,
  executeConfig,
  executeRequest,
  execute,
  FAKE_TEXT,
  listModels,
  standardModels,
  startExecuteServer,
  startStandardFakes,
  waitFor,
  type ExecuteServer,
  type StandardFakes,
} from '../support/execute-fixture.js';

const OPEN_MS = 700;

let fakes: StandardFakes;
let s: ExecuteServer;

beforeAll(async () => {
  fakes = await startStandardFakes();
  s = await startExecuteServer(
    executeConfig(standardModels(fakes), {
      executor: { retry_attempts: 2, breaker: { window_ms: 10_000, min_calls: 4, failure_rate: 0.5, open_ms: OPEN_MS } },
    }),
  );
});
afterAll(async () => {
  await s?.close();
  await fakes?.close();
});
beforeEach(() => fakes.reset());

const ask = () => executeRequest('What is the capital of France?');
const cheapCandidate = async () => (await decide(s.client, ask())).res!.candidates.find((c) => c.model === 'cheap-openai')!;

describe('execute - repeated 503s open the circuit of a model', () => {
  it('opens after enough failures, keeps Decide away while open, and takes the model back after open_ms', async () => {
    fakes.cheap.script({ fault: 'overloaded' }, { fault: 'overloaded' }, { fault: 'overloaded' }, { fault: 'overloaded' });
    // Two calls, two failed attempts each: the fourth failure reaches min_calls and opens the circuit.
    const first = await execute(s.client, ask());
    expect(first.res!.model).toBe('mid-anthropic');
    expect((await cheapCandidate()).eligible).toBe(true);
    const second = await execute(s.client, ask());
    expect(second.res!.model).toBe('mid-anthropic');
    expect(second.res!.message!.text).toBe(FAKE_TEXT);
    expect(fakes.cheap.requests).toHaveLength(4);

    const open = await cheapCandidate();
    expect(open.eligible).toBe(false);
    expect(open.excludedReason).toMatch(/^unavailable: circuit open/);
    const listed = (await listModels(s.client)).res!.models.find((m) => m.id === 'cheap-openai')!;
    expect(listed.available).toBe(false);
    expect(listed.unavailableReason).toMatch(/circuit open/);

    // While open, Execute does not call the model at all.
    const third = await execute(s.client, ask());
    expect(third.err).toBeNull();
    expect(third.res!.decision!.model).toBe('mid-anthropic');
    expect(third.res!.attempts.map((a) => a.model)).toEqual(['mid-anthropic']);
    expect(fakes.cheap.requests).toHaveLength(4);

    // After open_ms the model is eligible again, and a successful call closes the circuit.
    await waitFor(async () => (await cheapCandidate()).eligible, 'the circuit to half-open', OPEN_MS + 2_000);
    // The model came back without another call reaching it: the timer, not a probe, re-admitted it.
    expect(fakes.cheap.requests).toHaveLength(4);
    const healed = await execute(s.client, ask());
    expect(healed.err).toBeNull();
    expect(healed.res!.model).toBe('cheap-openai');
    expect(healed.res!.attempts.map((a) => [a.model, a.outcome])).toEqual([['cheap-openai', 'ATTEMPT_OUTCOME_SUCCESS']]);
    const again = await execute(s.client, ask());
    expect(again.res!.model).toBe('cheap-openai');
    expect((await listModels(s.client)).res!.models.find((m) => m.id === 'cheap-openai')!.available).toBe(true);
  });
});
