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
  s = await startExecuteServer(executeConfig(standardModels(fakes)));
});
afterAll(async () => {
  await s?.close();
  await fakes?.close();
});
beforeEach(() => fakes.reset());

/** The recorded cached-usage replies: 1536 input tokens of which 1280 cached, 8 output. */
const CACHED = { input: 1536, output: 8, cached: 1280 };

describe('execute - answers with usage, cost and trail', () => {
  it('Execute returns the chosen model answer, its usage, the exact cost with cached input at the cached price, and the trail', async () => {
    fakes.cheap.script({ reply: 'cached-usage' });
    const { err, res } = await execute(s.client, executeRequest('What is the capital of France?'));
    expect(err).toBeNull();
    expect(res!.model).toBe('cheap-openai');
    expect(res!.decision!.model).toBe('cheap-openai');
    expect(res!.decisionId).toBe(res!.decision!.decisionId);
    expect(res!.message!.text).toBe(FAKE_TEXT);
    expect(res!.finishReason).toBe('FINISH_REASON_STOP');
    expect(res!.usage).toEqual({ inputTokens: 1536, outputTokens: 8, cachedInputTokens: 1280, cacheWriteTokens: 0 });
    // 256 uncached × $1 + 1280 cached × $0.25 + 8 output × $2, per million tokens.
    expect(res!.costUsd).toBe(0.000592);
    expect(res!.costUsd).toBe(expectedCost(CACHED, PRICES.cheap));
    expect(res!.attempts).toHaveLength(1);
    const [a] = res!.attempts;
    expect(a).toMatchObject({ model: 'cheap-openai', deployment: 'd1', step: 'primary', outcome: 'ATTEMPT_OUTCOME_SUCCESS', error: '', costUsd: 0.000592 });
    expect(a!.latencyMs).toBeGreaterThan(0);
    expect(a!.usage).toEqual(res!.usage);

    expect(fakes.cheap.requests).toHaveLength(1);
    expect((fakes.cheap.requests[0]!.body as { model: string }).model).toBe('cheap-openai');
    expect([fakes.mid, fakes.upper, fakes.top].map((f) => f.requests.length)).toEqual([0, 0, 0]);
    expect(wireProblems(fakes.all)).toEqual([]);
  });

  it.each([
    ['mid-anthropic', 'mid'],
    ['upper-gemini', 'upper'],
    ['top-compat', 'top'],
  ] as const)('Execute through %s prices its cached input the same way', async (model, key) => {
    fakes[key].script({ reply: 'cached-usage' });
    const { err, res } = await execute(s.client, executeRequest('What is the capital of France?', { requirements: { allowModels: [model] } }));
    expect(err).toBeNull();
    expect(res!.model).toBe(model);
    expect(res!.message!.text).toBe(FAKE_TEXT);
    expect(res!.usage).toMatchObject({ inputTokens: 1536, outputTokens: 8, cachedInputTokens: 1280 });
    expect(res!.costUsd).toBeCloseTo(expectedCost(CACHED, PRICES[key]), 12);
    expect(res!.attempts.map((a) => [a.model, a.outcome])).toEqual([[model, 'ATTEMPT_OUTCOME_SUCCESS']]);
    expect(fakes[key].requests).toHaveLength(1);
    expect(wireProblems(fakes.all)).toEqual([]);
  });

  it('ExecuteStream sends the decision first, then the text deltas, then done with usage, cost and trail', async () => {
    const r = await executeStream(s.client, executeRequest('What is the capital of France?'));
    expect(r.err).toBeNull();
    const kinds = r.events.map((e) => e.event);
    expect(kinds[0]).toBe('decision');
    expect(kinds.at(-1)).toBe('done');
    expect(kinds.slice(1, -1).every((k) => k === 'textDelta')).toBe(true);
    expect(kinds.filter((k) => k === 'textDelta').length).toBeGreaterThan(1);
    expect(r.events.filter((e) => e.event === 'decision')).toHaveLength(1);
    expect(r.events.filter((e) => e.event === 'done')).toHaveLength(1);

    const decision = r.events[0]!.decision!;
    const done = r.done!;
    expect(decision.model).toBe('cheap-openai');
    expect(done.decisionId).toBe(decision.decisionId);
    expect(r.text).toBe(FAKE_TEXT);
    expect(done.message!.text).toBe(FAKE_TEXT);
    expect(done.model).toBe('cheap-openai');
    expect(done.usage).toEqual({ inputTokens: 24, outputTokens: 8, cachedInputTokens: 0, cacheWriteTokens: 0 });
    // 24 input × $1 + 8 output × $2, per million tokens.
    expect(done.costUsd).toBe(0.00004);
    expect(done.attempts.map((a) => [a.model, a.deployment, a.step, a.outcome])).toEqual([['cheap-openai', 'd1', 'primary', 'ATTEMPT_OUTCOME_SUCCESS']]);
    expect(fakes.cheap.requests).toHaveLength(1);
    expect((fakes.cheap.requests[0]!.body as { stream?: boolean }).stream).toBe(true);
    expect(wireProblems(fakes.all)).toEqual([]);
  });

  it.each([
    ['mid-anthropic', 'mid'],
    ['upper-gemini', 'upper'],
    ['top-compat', 'top'],
  ] as const)('ExecuteStream through %s streams the whole answer once', async (model, key) => {
    const r = await executeStream(s.client, executeRequest('What is the capital of France?', { requirements: { allowModels: [model] } }));
    expect(r.err).toBeNull();
    expect(r.events[0]!.event).toBe('decision');
    expect(r.text).toBe(FAKE_TEXT);
    expect(r.done!.model).toBe(model);
    expect(r.done!.usage).toMatchObject({ inputTokens: 24, outputTokens: 8 });
    expect(r.done!.costUsd).toBeCloseTo(expectedCost({ input: 24, output: 8 }, PRICES[key]), 12);
    expect(fakes[key].requests).toHaveLength(1);
    expect(wireProblems(fakes.all)).toEqual([]);
  });

  const WEATHER_TOOL = {
    name: 'get_weather',
    description: 'Current weather in a city',
    parametersJson: JSON.stringify({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
  };

  it('Execute returns a tool call the model made', async () => {
    fakes.cheap.script({ reply: 'tool-call' });
    const { err, res } = await execute(s.client, executeRequest('What is the weather in Paris?', { tools: [WEATHER_TOOL] }));
    expect(err).toBeNull();
    expect(res!.finishReason).toBe('FINISH_REASON_TOOL_CALLS');
    expect(res!.message!.toolCalls).toHaveLength(1);
    expect(res!.message!.toolCalls[0]!.name).toBe('get_weather');
    expect(JSON.parse(res!.message!.toolCalls[0]!.argumentsJson)).toEqual({ city: 'Paris' });
    expect(res!.usage).toMatchObject({ inputTokens: 82, outputTokens: 17 });
    expect(wireProblems(fakes.all)).toEqual([]);
  });

  it('ExecuteStream sends a tool call as one event before done', async () => {
    fakes.cheap.script({ reply: 'tool-call' });
    const r = await executeStream(s.client, executeRequest('What is the weather in Paris?', { tools: [WEATHER_TOOL] }));
    expect(r.err).toBeNull();
    const calls = r.events.filter((e) => e.event === 'toolCall');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.toolCall!.name).toBe('get_weather');
    expect(JSON.parse(calls[0]!.toolCall!.argumentsJson)).toEqual({ city: 'Paris' });
    expect(r.events.at(-1)!.event).toBe('done');
    expect(r.done!.message!.toolCalls.map((c) => c.name)).toEqual(['get_weather']);
    expect(r.done!.finishReason).toBe('FINISH_REASON_TOOL_CALLS');
  });
});
