import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readOpenAIFixture } from '../fakes/openai-fake.js';
import {
  decide,
  executeConfig,
  executeRequest,
  execute,
  FAKE_TEXT,
  executeStream,
  listModels,
  standardModels,
  startExecuteServer,
  startStandardFakes,
  waitFor,
  type ExecuteServer,
  type StandardFakes,
} from '../support/execute-fixture.js';

let fakes: StandardFakes;
let s: ExecuteServer;

beforeAll(async () => {
  fakes = await startStandardFakes();
  const config = executeConfig(standardModels(fakes)) as { models: Record<string, unknown>[] };
  // upper-gemini may take two requests a minute.
  config.models[2]!.limits = { rpm: 2 };
  s = await startExecuteServer(config);
});
afterAll(async () => {
  await s?.close();
  await fakes?.close();
});
beforeEach(() => fakes.reset());

const ask = () => executeRequest('What is the capital of France?');
const candidate = async (model: string) => (await decide(s.client, ask())).res!.candidates.find((c) => c.model === model)!;

describe('execute - cools a model down on 429 with Retry-After', () => {
  it('goes to an alternate at once, keeps the model out of decisions until Retry-After passes, then uses it again', async () => {
    fakes.cheap.script({ status: 429, body: JSON.parse(readOpenAIFixture('error-429.json')), headers: { 'retry-after': '2' } });
    const first = await execute(s.client, ask());
    // Retry-After says wait two seconds: the executor does not retry the deployment, it moves on.
    expect(first.err).toBeNull();
    expect(first.res!.model).toBe('mid-anthropic');
    expect(first.res!.message!.text).toBe(FAKE_TEXT);
    expect(first.res!.attempts.map((a) => [a.model, a.outcome])).toEqual([
      ['cheap-openai', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR'],
      ['mid-anthropic', 'ATTEMPT_OUTCOME_SUCCESS'],
    ]);
    expect(first.res!.attempts[0]!.error).toContain('429');
    expect(fakes.cheap.requests).toHaveLength(1);

    // The executor tells the router within min_report_gap_ms (25 ms); from then on, during the
    // cool-down, Decide excludes the model and says why; ListModels agrees.
    await waitFor(async () => !(await candidate('cheap-openai')).eligible, 'the rate-limit report to reach the router', 1_000);
    const cooling = await candidate('cheap-openai');
    expect(cooling.eligible).toBe(false);
    // The cool-down is Retry-After's two seconds (less what has passed since the 429).
    expect(cooling.excludedReason).toMatch(/^unavailable: rate limited \(429\): cooling down for [12] s$/);
    const listed = (await listModels(s.client)).res!.models.find((m) => m.id === 'cheap-openai')!;
    expect(listed.available).toBe(false);
    expect(listed.unavailableReason).toContain('429');

    const second = await execute(s.client, ask());
    expect(second.err).toBeNull();
    expect(second.res!.decision!.model).toBe('mid-anthropic');
    expect(second.res!.model).toBe('mid-anthropic');
    expect(second.res!.attempts.map((a) => a.model)).toEqual(['mid-anthropic']);
    expect(fakes.cheap.requests).toHaveLength(1);

    // Once Retry-After has passed the model is eligible and chosen again.
    await waitFor(async () => (await candidate('cheap-openai')).eligible, 'the cool-down to end', 5_000);
    expect(fakes.cheap.requests).toHaveLength(1);
    const third = await execute(s.client, ask());
    expect(third.err).toBeNull();
    expect(third.res!.model).toBe('cheap-openai');
    expect(third.res!.attempts.map((a) => [a.model, a.outcome])).toEqual([['cheap-openai', 'ATTEMPT_OUTCOME_SUCCESS']]);
    expect(fakes.cheap.requests).toHaveLength(2);
  });
});

describe('execute - a model over its configured RPM budget', () => {
  it('is skipped without a provider call, and the request goes to the next model', async () => {
    const ask = () => executeRequest('What is the capital of France?', { requirements: { allowModels: ['upper-gemini', 'top-compat'] } });
    const first = await execute(s.client, ask());
    const second = await executeStream(s.client, ask());
    expect(first.res!.model).toBe('upper-gemini');
    expect(second.done!.model).toBe('upper-gemini');
    const third = await execute(s.client, ask());
    expect(third.err).toBeNull();
    expect(third.res!.model).toBe('top-compat');
    expect(third.res!.message!.text).toBe(FAKE_TEXT);
    expect(third.res!.attempts.map((a) => [a.model, a.outcome])).toEqual([
      ['upper-gemini', 'ATTEMPT_OUTCOME_SKIPPED'],
      ['top-compat', 'ATTEMPT_OUTCOME_SUCCESS'],
    ]);
    expect(third.res!.attempts[0]!.error).toMatch(/budget: rpm/);
    const fourth = await executeStream(s.client, ask());
    expect(fourth.done!.model).toBe('top-compat');
    expect(fourth.text).toBe(FAKE_TEXT);
    expect(fakes.upper.requests).toHaveLength(2);
  });
});
