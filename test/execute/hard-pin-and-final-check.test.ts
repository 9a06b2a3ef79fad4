/**
 * A hard pin (requirements.pin_model, or a rule's pin_hard) lets no other model answer, and
 * gives no fallback unless the rule allows it; a soft pin keeps today's behaviour. A cascade's
 * last stage is checked too: a failing answer comes back marked, or as an error when the
 * policy's on_final_check_failure says so.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  decide,
  executeConfig,
  executeRequest,
  execute,
  executeStream,
  openAICompletion,
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
  s = await startExecuteServer(
    executeConfig(standardModels(fakes), {
      policies: {
        lenient: { strategy: 'cascade', cost_quality_tradeoff: 0, max_stages: 2, checks: ['refusal'] },
        strict: { strategy: 'cascade', cost_quality_tradeoff: 0, max_stages: 2, checks: ['refusal'], on_final_check_failure: 'error' },
      },
      rules: [
        { name: 'hard-upper', match: { task: ['hard'] }, action: { pin: 'upper-gemini', pin_hard: true } },
        { name: 'hard-upper-fb', match: { task: ['hard-fb'] }, action: { pin: 'upper-gemini', pin_hard: true, pin_fallbacks: true } },
        { name: 'soft-upper', match: { task: ['soft'] }, action: { pin: 'upper-gemini' } },
      ],
    }),
  );
});
afterAll(async () => {
  await s?.close();
  await fakes?.close();
});
beforeEach(() => fakes.reset());

const REFUSAL = "I'm sorry, but I can't help with that.";
const ask = (extra = {}) => executeRequest('What is the capital of France?', extra);
const calls = () => fakes.all.map((f) => f.requests.length);

describe('pin - hard pins', () => {
  it('requirements.pin_model answers with that model alone: when it fails there is no fallback', async () => {
    fakes.upper.script({ fault: 'overloaded' }, { fault: 'overloaded' });
    const { err } = await execute(s.client, ask({ requirements: { pinModel: 'upper-gemini' } }));
    expect(err?.code).toBe(14);
    const [cheap, mid, upper, top] = calls();
    expect({ cheap, mid, top }).toEqual({ cheap: 0, mid: 0, top: 0 });
    expect(upper).toBeGreaterThan(0);
  });

  it('a hard pin on an excluded model fails with FAILED_PRECONDITION naming the pin and the filter', async () => {
    const { err } = await decide(s.client, ask({ requirements: { pinModel: 'upper-gemini', denyModels: ['upper-gemini'] } }));
    expect(err?.code).toBe(9);
    expect(err?.details).toBe('requirements.pin_model pins upper-gemini (a hard pin), but it is excluded: deny list: in requirements.deny_models');
  });

  it('a hard pin overrides the cascade strategy and says so in the plan', async () => {
    const { err, res } = await decide(s.client, ask({ policy: 'lenient', requirements: { pinModel: 'mid-anthropic' } }));
    expect(err).toBeNull();
    expect(res!.plan).toMatchObject({ strategy: 'STRATEGY_SINGLE', models: ['mid-anthropic'] });
    expect(res!.fallbacks).toEqual([]);
    expect(res!.reason).toMatch(/pinned by requirements\.pin_model/);
  });

  it('a streamed call under a hard pin does not fail over either', async () => {
    fakes.upper.script({ fault: 'overloaded' }, { fault: 'overloaded' });
    const r = await executeStream(s.client, ask({ requirements: { pinModel: 'upper-gemini' } }));
    expect(r.err?.code).toBe(14);
    expect(calls()).toEqual([0, 0, 2, 0]);
  });

  it('a rule with pin_hard gives no fallback; with pin_fallbacks it does; a soft pin always does', async () => {
    const hard = await decide(s.client, ask({ labels: { task: 'hard' } }));
    expect(hard.res!.plan!.models).toEqual(['upper-gemini']);
    const withFallbacks = await decide(s.client, ask({ labels: { task: 'hard-fb' } }));
    expect(withFallbacks.res!.plan!.models[0]).toBe('upper-gemini');
    expect(withFallbacks.res!.fallbacks!.length).toBeGreaterThan(0);
    const soft = await decide(s.client, ask({ labels: { task: 'soft' } }));
    expect(soft.res!.model).toBe('upper-gemini');
    expect(soft.res!.fallbacks!.length).toBeGreaterThan(0);
  });

  it('a rule with pin_hard on an excluded model fails the request; a soft pin chooses another', async () => {
    const hard = await decide(s.client, ask({ labels: { task: 'hard' }, requirements: { denyModels: ['upper-gemini'] } }));
    expect(hard.err?.code).toBe(9);
    expect(hard.err?.details).toMatch(/^rule hard-upper pins upper-gemini \(a hard pin\), but it is excluded: deny list/);
    const soft = await decide(s.client, ask({ labels: { task: 'soft' }, requirements: { denyModels: ['upper-gemini'] } }));
    expect(soft.err).toBeNull();
    expect(soft.res!.model).not.toBe('upper-gemini');
  });
});

describe('cascade - the last stage is checked', () => {
  it('a last stage that fails its check is returned marked FAILED with the reason', async () => {
    fakes.cheap.script({ status: 200, body: openAICompletion(REFUSAL) });
    fakes.top.script({ status: 200, body: openAICompletion(REFUSAL) });
    const { err, res } = await execute(s.client, ask({ policy: 'lenient' }));
    expect(err).toBeNull();
    expect(res!.model).toBe('top-compat');
    expect(res!.message!.text).toBe(REFUSAL);
    expect(res!.checkStatus).toBe('CHECK_STATUS_FAILED');
    expect(res!.checkReason).toMatch(/^refusal: /);
    expect(res!.attempts.at(-1)!.check).toMatch(/refusal: fail/);
  });

  it('with on_final_check_failure: error the call fails with FAILED_PRECONDITION naming the check', async () => {
    fakes.cheap.script({ status: 200, body: openAICompletion(REFUSAL) });
    fakes.top.script({ status: 200, body: openAICompletion(REFUSAL) });
    const { err } = await execute(s.client, ask({ policy: 'strict' }));
    expect(err?.code).toBe(9);
    expect(err?.details).toMatch(/on_final_check_failure: error\): refusal: /);
  });

  it('a passing last stage is marked PASSED; a single-model answer carries no check status', async () => {
    fakes.cheap.script({ status: 200, body: openAICompletion(REFUSAL) });
    const cascaded = await execute(s.client, ask({ policy: 'lenient' }));
    expect(cascaded.res!.model).toBe('top-compat');
    expect(cascaded.res!.checkStatus).toBe('CHECK_STATUS_PASSED');
    const single = await execute(s.client, ask());
    expect(single.res!.checkStatus).toBe('CHECK_STATUS_UNSPECIFIED');
  });
});
