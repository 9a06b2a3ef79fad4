import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  executeConfig,
  executeRequest,
  execute,
  executeStream,
  expectedCost,
  FAKE_TEXT,
  openAICompletion,
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

const CITY_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, country: { type: 'string' } },
  required: ['city', 'country'],
  additionalProperties: false,
};

beforeAll(async () => {
  fakes = await startStandardFakes();
  s = await startExecuteServer(
    executeConfig(standardModels(fakes), {
      policies: {
        // Two stages: cheap-openai, then the best model (top-compat).
        cascade: { strategy: 'cascade', cost_quality_tradeoff: 0, max_stages: 2, checks: ['refusal', 'hedging', 'empty', 'truncated'] },
        'cascade-json': { strategy: 'cascade', cost_quality_tradeoff: 0, max_stages: 2, checks: ['json'] },
        // The cheapest model drafts, the best one (top-compat) verifies.
        speculative: { strategy: 'speculative', cost_quality_tradeoff: 0 },
      },
    }),
  );
});
afterAll(async () => {
  await s?.close();
  await fakes?.close();
});
beforeEach(() => fakes.reset());

const REFUSAL = "I'm sorry, but I can't help with that.";
const askWith = (policy: string, extra = {}) => executeRequest('What is the capital of France?', { policy, ...extra });

describe('execute - cascade escalates when a check fails', () => {
  it('a refusal from the cheap model escalates to the strong one; the trail marks the rejected attempt and its check', async () => {
    fakes.cheap.script({ status: 200, body: openAICompletion(REFUSAL, { promptTokens: 30, completionTokens: 10 }) });
    const { err, res } = await execute(s.client, askWith('cascade'));
    expect(err).toBeNull();
    expect(res!.decision!.plan).toMatchObject({ strategy: 'STRATEGY_CASCADE', models: ['cheap-openai', 'top-compat'] });
    expect(res!.model).toBe('top-compat');
    expect(res!.message!.text).toBe(FAKE_TEXT);
    expect(res!.attempts.map((a) => [a.model, a.step, a.outcome])).toEqual([
      ['cheap-openai', 'cascade', 'ATTEMPT_OUTCOME_REJECTED'],
      ['top-compat', 'cascade', 'ATTEMPT_OUTCOME_SUCCESS'],
    ]);
    expect(res!.attempts[0]!.check).toMatch(/refusal: fail/);
    // Both calls are paid for.
    const cheapCost = expectedCost({ input: 30, output: 10 }, PRICES.cheap);
    const topCost = expectedCost({ input: 24, output: 8 }, PRICES.top);
    expect(res!.attempts[0]!.costUsd).toBeCloseTo(cheapCost, 12);
    expect(res!.costUsd).toBeCloseTo(cheapCost + topCost, 12);
    expect(res!.usage).toMatchObject({ inputTokens: 54, outputTokens: 18 });
    expect(fakes.cheap.requests).toHaveLength(1);
    expect(fakes.top.requests).toHaveLength(1);
    expect(wireProblems(fakes.all)).toEqual([]);
  });

  it('stops at the cheap model when its answer passes every check', async () => {
    const { err, res } = await execute(s.client, askWith('cascade'));
    expect(err).toBeNull();
    expect(res!.model).toBe('cheap-openai');
    expect(res!.message!.text).toBe(FAKE_TEXT);
    expect(res!.attempts.map((a) => [a.model, a.outcome])).toEqual([['cheap-openai', 'ATTEMPT_OUTCOME_SUCCESS']]);
    for (const check of ['refusal', 'hedging', 'empty', 'truncated']) expect(res!.attempts[0]!.check).toContain(`${check}: pass`);
    expect(res!.costUsd).toBeCloseTo(expectedCost({ input: 24, output: 8 }, PRICES.cheap), 12);
    expect(fakes.top.requests).toHaveLength(0);
  });

  it('the JSON check (ajv) rejects an answer that does not match the requested schema and escalates', async () => {
    fakes.cheap.script({ status: 200, body: openAICompletion('{"city": "Paris"}') });
    fakes.top.script({ reply: 'json' });
    const responseFormat = { type: 'RESPONSE_FORMAT_TYPE_JSON_SCHEMA' as const, schemaName: 'city', schemaJson: JSON.stringify(CITY_SCHEMA) };
    const { err, res } = await execute(s.client, askWith('cascade-json', { responseFormat }));
    expect(err).toBeNull();
    expect(res!.model).toBe('top-compat');
    expect(JSON.parse(res!.message!.text)).toEqual({ city: 'Paris', country: 'France' });
    expect(res!.attempts.map((a) => [a.model, a.outcome])).toEqual([
      ['cheap-openai', 'ATTEMPT_OUTCOME_REJECTED'],
      ['top-compat', 'ATTEMPT_OUTCOME_SUCCESS'],
    ]);
    expect(res!.attempts[0]!.check).toMatch(/json: fail \(the JSON does not match schema "city": .*country/);
    // Both models were asked for the schema.
    for (const f of [fakes.cheap, fakes.top]) expect((f.requests[0]!.body as any).response_format.json_schema.schema).toEqual(CITY_SCHEMA);
  });

  it('the JSON check keeps the cheap answer when it matches the schema', async () => {
    fakes.cheap.script({ reply: 'json' });
    const responseFormat = { type: 'RESPONSE_FORMAT_TYPE_JSON_SCHEMA' as const, schemaName: 'city', schemaJson: JSON.stringify(CITY_SCHEMA) };
    const { res } = await execute(s.client, askWith('cascade-json', { responseFormat }));
    expect(res!.model).toBe('cheap-openai');
    expect(res!.attempts[0]!.check).toMatch(/json: pass/);
    expect(fakes.top.requests).toHaveLength(0);
  });

  it('ExecuteStream streams only the kept answer, never the rejected one', async () => {
    fakes.cheap.script({ status: 200, body: openAICompletion(REFUSAL) });
    const r = await executeStream(s.client, askWith('cascade'));
    expect(r.err).toBeNull();
    expect(r.events[0]!.event).toBe('decision');
    expect(r.text).toBe(FAKE_TEXT);
    expect(r.done!.model).toBe('top-compat');
    expect(r.done!.attempts.map((a) => a.outcome)).toEqual(['ATTEMPT_OUTCOME_REJECTED', 'ATTEMPT_OUTCOME_SUCCESS']);
  });

  it('a cheap stage that fails with a 503 escalates too', async () => {
    fakes.cheap.script({ fault: 'overloaded' }, { fault: 'overloaded' });
    const { err, res } = await execute(s.client, askWith('cascade'));
    expect(err).toBeNull();
    expect(res!.model).toBe('top-compat');
    expect(res!.message!.text).toBe(FAKE_TEXT);
    expect(res!.attempts.map((a) => [a.model, a.outcome])).toEqual([
      ['cheap-openai', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR'],
      ['cheap-openai', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR'],
      ['top-compat', 'ATTEMPT_OUTCOME_SUCCESS'],
    ]);
  });
});

const askSpeculative = () => executeRequest('What is the capital of France?', { policy: 'speculative' });
const draftCost = expectedCost({ input: 24, output: 8 }, PRICES.cheap);
const lastUserText = (body: any): string => {
  const m = body.messages.at(-1);
  return typeof m.content === 'string' ? m.content : m.content.map((p: any) => p.text).join('');
};

describe('execute - speculative: a cheap model drafts, a strong model verifies', () => {
  it('a verifier answering ACCEPT returns the draft, from the drafter, with both costs recorded', async () => {
    fakes.top.script({ status: 200, body: openAICompletion('ACCEPT', { promptTokens: 90, completionTokens: 1 }) });
    const { err, res } = await execute(s.client, askSpeculative());
    expect(err).toBeNull();
    expect(res!.decision!.plan).toMatchObject({ strategy: 'STRATEGY_SPECULATIVE', models: ['cheap-openai', 'top-compat'] });
    expect(res!.model).toBe('cheap-openai');
    expect(res!.message!.text).toBe(FAKE_TEXT);
    expect(res!.attempts.map((a) => [a.model, a.step, a.outcome, a.check])).toEqual([
      ['cheap-openai', 'draft', 'ATTEMPT_OUTCOME_SUCCESS', ''],
      ['top-compat', 'verify', 'ATTEMPT_OUTCOME_SUCCESS', 'verifier accepted the draft'],
    ]);
    const verifyCost = expectedCost({ input: 90, output: 1 }, PRICES.top);
    expect(res!.attempts[0]!.costUsd).toBeCloseTo(draftCost, 12);
    expect(res!.attempts[1]!.costUsd).toBeCloseTo(verifyCost, 12);
    expect(res!.costUsd).toBeCloseTo(draftCost + verifyCost, 12);
    // The verifier was shown the draft.
    expect(lastUserText(fakes.top.requests[0]!.body)).toContain(FAKE_TEXT);
    expect(wireProblems(fakes.all)).toEqual([]);
  });

  it('any other verifier answer is returned instead, from the verifier, with the draft marked rejected', async () => {
    const corrected = 'Paris is the capital and largest city of France.';
    fakes.top.script({ status: 200, body: openAICompletion(corrected, { promptTokens: 90, completionTokens: 12 }) });
    const { err, res } = await execute(s.client, askSpeculative());
    expect(err).toBeNull();
    expect(res!.model).toBe('top-compat');
    expect(res!.message!.text).toBe(corrected);
    expect(res!.attempts.map((a) => [a.model, a.step, a.outcome, a.check])).toEqual([
      ['cheap-openai', 'draft', 'ATTEMPT_OUTCOME_REJECTED', ''],
      ['top-compat', 'verify', 'ATTEMPT_OUTCOME_SUCCESS', 'verifier corrected the draft'],
    ]);
    expect(res!.costUsd).toBeCloseTo(draftCost + expectedCost({ input: 90, output: 12 }, PRICES.top), 12);
    expect(res!.usage).toMatchObject({ inputTokens: 114, outputTokens: 20 });
  });

  it('a drafter that fails leaves the verifier to answer on its own', async () => {
    fakes.cheap.script({ fault: 'overloaded' }, { fault: 'overloaded' });
    const { err, res } = await execute(s.client, askSpeculative());
    expect(err).toBeNull();
    expect(res!.model).toBe('top-compat');
    expect(res!.message!.text).toBe(FAKE_TEXT);
    expect(res!.attempts.map((a) => [a.model, a.step, a.outcome])).toEqual([
      ['cheap-openai', 'draft', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR'],
      ['cheap-openai', 'draft', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR'],
      ['top-compat', 'primary', 'ATTEMPT_OUTCOME_SUCCESS'],
    ]);
    // The verifier answered the original conversation, not a review of a draft.
    expect(lastUserText(fakes.top.requests[0]!.body)).toBe('What is the capital of France?');
  });
});
