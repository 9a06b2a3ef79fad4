import { beforeAll, describe, expect, it } from 'vitest';
import { decideRequest } from '../support/requests.js';
import { defaultConfigObject, routerFixture, type RouterFixture } from '../support/router-fixture.js';

let f: RouterFixture;
beforeAll(async () => {
  const c = defaultConfigObject();
  c.rules = [
    { name: 'free-tier-cheap', match: { user_tier: ['free'] }, action: { restrict: ['gpt-4o-mini', 'gemini-2.5-flash-lite', 'llama-3.1-8b-instruct'] } },
    { name: 'legal-pins-sonnet', match: { task: ['legal'] }, action: { pin: 'claude-sonnet-4-5' }, final: true },
    { name: 'acme-no-anthropic', match: { tenant: ['acme'] }, action: { exclude: ['claude-opus-4-1', 'claude-sonnet-4-5', 'claude-haiku-4-5'] } },
    { name: 'long-prompts-quality', match: { min_prompt_tokens: 5000 }, action: { policy: 'quality' } },
    { name: 'eu-team', match: { labels: { team: ['eu'] } }, action: { strategy: 'cascade' } },
  ];
  f = await routerFixture({ config: c });
});

describe('decide - rules', () => {
  it('restrict: a free-tier user gets one of the cheap models', () => {
    const { response: r } = f.decider.decide(decideRequest('Prove Fermat’s little theorem.', { labels: { userTier: 'free' } }));
    expect(['gpt-4o-mini', 'gemini-2.5-flash-lite', 'llama-3.1-8b-instruct']).toContain(r.model);
    expect(r.matchedRules).toEqual(['free-tier-cheap']);
    const gpt5 = r.candidates!.find((c) => c.model === 'gpt-5')!;
    expect(gpt5.eligible).toBe(false);
    expect(gpt5.excludedReason).toMatch(/^rule free-tier-cheap: restricts the choice to gpt-4o-mini, gemini-2.5-flash-lite, llama-3.1-8b-instruct$/);
  });

  it('pin: chooses the pinned model and a final rule stops later rules', () => {
    const { response: r } = f.decider.decide(decideRequest('Review this contract clause.', { labels: { task: 'legal', tenant: 'acme' } }));
    expect(r.model).toBe('claude-sonnet-4-5');
    expect(r.reason).toMatch(/^claude-sonnet-4-5: pinned by rule legal-pins-sonnet/);
    expect(r.matchedRules).toEqual(['legal-pins-sonnet']);
  });

  it('pin of an excluded model: says so and chooses by policy', () => {
    const { response: r } = f.decider.decide(decideRequest('Review this.', { labels: { task: 'legal' }, requirements: { denyModels: ['claude-sonnet-4-5'] } }));
    expect(r.model).not.toBe('claude-sonnet-4-5');
    expect(r.reason).toContain('rule legal-pins-sonnet pins claude-sonnet-4-5, but it is excluded (deny list');
  });

  it('exclude: a tenant never gets the excluded models', () => {
    const { response: r } = f.decider.decide(decideRequest('Write a poem.', { labels: { tenant: 'acme' }, preferences: { costQualityTradeoff: 1 } }));
    expect(r.model).not.toMatch(/^claude/);
    expect(r.candidates!.find((c) => c.model === 'claude-opus-4-1')!.excludedReason).toBe('rule acme-no-anthropic: excludes this model');
  });

  it('policy by prompt size, and strategy by label', () => {
    const long = f.decider.decide(decideRequest('word '.repeat(30_000)));
    expect(long.response.policy).toBe('quality');
    expect(long.response.matchedRules).toContain('long-prompts-quality');
    const eu = f.decider.decide(decideRequest('hello', { labels: { extra: { team: 'eu' } } }));
    expect(eu.response.plan!.strategy).toBe('STRATEGY_CASCADE');
  });
});

describe('decide - the trade-off knob', () => {
  const prompt = 'A particle moves along a curve with velocity v(t) = 3t^2 - 2t. Find the displacement between t=0 and t=3.';

  it('at 0 chooses a cheap model, at 1 the best predicted quality', () => {
    const cheap = f.decider.decide(decideRequest(prompt, { preferences: { costQualityTradeoff: 0 } })).response;
    const best = f.decider.decide(decideRequest(prompt, { preferences: { costQualityTradeoff: 1 } })).response;
    const cost = (r: typeof cheap) => r.candidates!.find((c) => c.model === r.model)!.estimatedCostUsd!;
    const quality = (r: typeof cheap) => r.candidates!.find((c) => c.model === r.model)!.predictedQuality!;
    expect(cost(cheap)).toBeLessThan(cost(best));
    const maxQ = Math.max(...best.candidates!.filter((c) => c.eligible).map((c) => c.predictedQuality!));
    expect(quality(best)).toBe(maxQ);
  });

  it('moves cost monotonically as it rises', () => {
    let prev = -1;
    for (const k of [0, 0.25, 0.5, 0.75, 1]) {
      const r = f.decider.decide(decideRequest(prompt, { preferences: { costQualityTradeoff: k } })).response;
      const q = r.candidates!.find((c) => c.model === r.model)!.predictedQuality!;
      expect(q).toBeGreaterThanOrEqual(prev - 1e-12);
      prev = q;
    }
  });

  it('named policies set it: economy is no dearer than quality', () => {
    const e = f.decider.decide(decideRequest(prompt, { policy: 'economy' })).response;
    const q = f.decider.decide(decideRequest(prompt, { policy: 'quality' })).response;
    const cost = (r: typeof e) => r.candidates!.find((c) => c.model === r.model)!.estimatedCostUsd!;
    expect(cost(e)).toBeLessThanOrEqual(cost(q));
    expect(e.policy).toBe('economy');
  });
});

describe('decide - strategy plans', () => {
  it('cascade: cheapest stage first, ending with the best predicted model', () => {
    const r = f.decider.decide(decideRequest('Prove that sqrt(2) is irrational.', { policy: 'cascade' })).response;
    expect(r.plan!.strategy).toBe('STRATEGY_CASCADE');
    const models = r.plan!.models!;
    expect(models[0]).toBe(r.model);
    expect(models.length).toBeGreaterThanOrEqual(2);
    const q = (id: string) => r.candidates!.find((c) => c.model === id)!.predictedQuality!;
    for (let i = 1; i < models.length; i++) expect(q(models[i]!)).toBeGreaterThan(q(models[i - 1]!));
    expect(r.plan!.checks).toEqual(['refusal', 'hedging', 'empty', 'truncated']);
  });

  it('speculative: a cheap drafter and a stronger verifier, by request', () => {
    const r = f.decider.decide(decideRequest('Prove that sqrt(2) is irrational.', { strategy: 'STRATEGY_SPECULATIVE', policy: 'economy' })).response;
    expect(r.plan!.strategy).toBe('STRATEGY_SPECULATIVE');
    const [draft, verify] = r.plan!.models!;
    const c = (id: string) => r.candidates!.find((x) => x.model === id)!;
    expect(c(verify!).predictedQuality).toBeGreaterThan(c(draft!).predictedQuality!);
  });

  it('falls back to single, and says why, when no better model is eligible', () => {
    const r = f.decider.decide(decideRequest('hi', { strategy: 'STRATEGY_CASCADE', requirements: { allowModels: ['gpt-4o-mini'] } })).response;
    expect(r.plan!.strategy).toBe('STRATEGY_SINGLE');
    expect(r.reason).toContain('cascade needs a model predicted better than gpt-4o-mini; none is eligible');
  });
});
