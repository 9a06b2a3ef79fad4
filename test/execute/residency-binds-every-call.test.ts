/**
 * A request's regions, allow and deny lists bind every call it causes: fallbacks, retries on
 * other deployments, cascade stages, the cascade's judge and speculative verification. The
 * catalog: cheap-openai has an EU deployment (the `cheap` fake) and a US one (`cheapUs`);
 * mid-anthropic is EU only; upper-gemini and top-compat are US only. top-compat is the judge.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAIFake, type OpenAIFake } from '../fakes/openai-fake.js';
import {
  executeConfig,
  executeRequest,
  execute,
  executeStream,
  FAKE_KEYS,
  FAKE_TEXT,
  openAICompletion,
  PRICES,
  startExecuteServer,
  startStandardFakes,
  type ExecuteServer,
  type StandardFakes,
  type TestModel,
} from '../support/execute-fixture.js';

let fakes: StandardFakes;
let cheapUs: OpenAIFake;
let s: ExecuteServer;

const JUDGE = { judge: { model: 'top-compat', min_score: 7 } };

beforeAll(async () => {
  fakes = await startStandardFakes();
  cheapUs = await startOpenAIFake({ apiKey: FAKE_KEYS.OPENAI_API_KEY });
  const models: TestModel[] = [
    { id: 'cheap-openai', provider: 'openai', urls: [fakes.cheap.url, cheapUs.url], regions: ['eu', 'us'], prices: { ...PRICES.cheap }, quality: 0.6 },
    { id: 'mid-anthropic', provider: 'anthropic', urls: [fakes.mid.url], regions: ['eu'], prices: { ...PRICES.mid }, quality: 0.7 },
    { id: 'upper-gemini', provider: 'gemini', urls: [fakes.upper.url], regions: ['us'], prices: { ...PRICES.upper }, quality: 0.8 },
    { id: 'top-compat', provider: 'openai-compatible', urls: [fakes.top.url], regions: ['us'], prices: { ...PRICES.top }, quality: 0.9 },
  ];
  s = await startExecuteServer(
    executeConfig(models, {
      policies: {
        judged: { strategy: 'cascade', cost_quality_tradeoff: 0, max_stages: 2, checks: [JUDGE] },
        speculative: { strategy: 'speculative', cost_quality_tradeoff: 0 },
      },
    }),
  );
});
afterAll(async () => {
  await s?.close();
  await cheapUs?.close();
  await fakes?.close();
});
beforeEach(() => {
  fakes.reset();
  cheapUs.reset();
});

const EU = { regions: ['eu'] };
const ask = (extra = {}) => executeRequest('What is the capital of France?', extra);
const usCalls = () => ({ cheapUs: cheapUs.requests.length, upper: fakes.upper.requests.length, top: fakes.top.requests.length });
const NO_US_CALL = { cheapUs: 0, upper: 0, top: 0 };

describe('residency - fallbacks and retries', () => {
  it('an EU request retries only on EU deployments and falls back only to EU models', async () => {
    fakes.cheap.script({ fault: 'overloaded' }, { fault: 'overloaded' });
    fakes.mid.script({ fault: 'server_error' }, { fault: 'server_error' });
    const { err } = await execute(s.client, ask({ requirements: EU }));
    expect(err?.code).toBe(14); // UNAVAILABLE: every EU model failed
    expect(fakes.cheap.requests.length).toBeGreaterThan(0);
    expect(fakes.mid.requests.length).toBeGreaterThan(0);
    expect(usCalls()).toEqual(NO_US_CALL);
  });

  it('a streamed EU request fails over to the EU model only', async () => {
    fakes.cheap.script({ fault: 'overloaded' }, { fault: 'overloaded' });
    const r = await executeStream(s.client, ask({ requirements: EU }));
    expect(r.err).toBeNull();
    expect(r.done!.model).toBe('mid-anthropic');
    expect(usCalls()).toEqual(NO_US_CALL);
  });

  it('a denied model is never a fallback', async () => {
    fakes.cheap.script({ fault: 'overloaded' }, { fault: 'overloaded' });
    const { err, res } = await execute(s.client, ask({ requirements: { denyModels: ['mid-anthropic'] } }));
    expect(err).toBeNull();
    expect(res!.attempts.map((a) => a.model)).not.toContain('mid-anthropic');
    expect(fakes.mid.requests).toHaveLength(0);
  });
});

describe('residency - cascade stages and the judge', () => {
  it('an EU cascade never calls the US judge: the check fails naming the exclusion, and the answer is marked', async () => {
    const { err, res } = await execute(s.client, ask({ policy: 'judged', requirements: EU }));
    expect(err).toBeNull();
    expect(res!.decision!.plan!.models).toEqual(['cheap-openai', 'mid-anthropic']);
    expect(usCalls()).toEqual(NO_US_CALL);
    expect(res!.model).toBe('mid-anthropic');
    expect(res!.checkStatus).toBe('CHECK_STATUS_FAILED');
    expect(res!.checkReason).toMatch(/^judge:top-compat>=7: .*top-compat is excluded for this request \(region/);
    const judge = res!.attempts.filter((a) => a.step === 'judge');
    expect(judge.length).toBe(2);
    expect(judge.every((a) => a.outcome === 'ATTEMPT_OUTCOME_SKIPPED')).toBe(true);
  });

  it('a judge on the deny list is not called', async () => {
    const { err, res } = await execute(s.client, ask({ policy: 'judged', requirements: { denyModels: ['top-compat'] } }));
    expect(err).toBeNull();
    expect(fakes.top.requests).toHaveLength(0);
    expect(res!.checkStatus).toBe('CHECK_STATUS_FAILED');
    expect(res!.checkReason).toMatch(/deny list/);
  });

  it('a judge inside the bounds is called, and a passing answer is marked passed', async () => {
    fakes.top.script({ status: 200, body: openAICompletion('Score: 9/10\nReason: correct.') });
    const { err, res } = await execute(s.client, ask({ policy: 'judged' }));
    expect(err).toBeNull();
    expect(res!.model).toBe('cheap-openai');
    expect(res!.checkStatus).toBe('CHECK_STATUS_PASSED');
    expect(res!.checkReason).toBe('');
    expect(fakes.top.requests).toHaveLength(1);
    expect(res!.attempts.map((a) => a.step)).toEqual(['cascade', 'judge']);
  });
});

describe('residency - speculative verification', () => {
  it('an EU request is drafted and verified by EU models only', async () => {
    fakes.mid.script({ status: 200, body: anthropicText('ACCEPT') });
    const { err, res } = await execute(s.client, ask({ policy: 'speculative', requirements: EU }));
    expect(err).toBeNull();
    expect(res!.decision!.plan!.models).toEqual(['cheap-openai', 'mid-anthropic']);
    // The US deployment of the drafter is passed over, and the trail says so.
    expect(res!.attempts.map((a) => [a.model, a.deployment, a.step, a.outcome])).toEqual([
      ['cheap-openai', 'd2', 'draft', 'ATTEMPT_OUTCOME_SKIPPED'],
      ['cheap-openai', 'd1', 'draft', 'ATTEMPT_OUTCOME_SUCCESS'],
      ['mid-anthropic', 'd1', 'verify', 'ATTEMPT_OUTCOME_SUCCESS'],
    ]);
    expect(res!.message!.text).toBe(FAKE_TEXT);
    expect(usCalls()).toEqual(NO_US_CALL);
  });

  it('a denied verifier is replaced by an allowed one', async () => {
    const { err, res } = await execute(s.client, ask({ policy: 'speculative', requirements: { denyModels: ['top-compat'] } }));
    expect(err).toBeNull();
    expect(res!.decision!.plan!.models).toEqual(['cheap-openai', 'upper-gemini']);
    expect(fakes.top.requests).toHaveLength(0);
  });
});

/** An Anthropic Messages reply with this text. */
function anthropicText(text: string): Record<string, unknown> {
  return {
    id: 'msg_test',
    type: 'message',
    role: 'assistant',
    model: 'claude-test',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 20, output_tokens: 2 },
  };
}
