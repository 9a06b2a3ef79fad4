import { beforeAll, describe, expect, it } from 'vitest';
import { NoEligibleModelError } from '../../services/router/decide/decide.js';
import { InvalidArgumentError } from '../../services/shared/errors.js';
import { decideRequest } from '../support/requests.js';
import { defaultConfigObject, routerFixture, type RouterFixture } from '../support/router-fixture.js';

let f: RouterFixture;
beforeAll(async () => {
  const c = defaultConfigObject();
  c.rules = [{ name: 'legal-pins-sonnet', match: { task: ['legal'] }, action: { pin: 'claude-sonnet-4-5' } }];
  f = await routerFixture({ config: c });
});

describe('decide - a model the request asks for', () => {
  it('is chosen first, with the policy ordering the fallbacks behind it', () => {
    const free = f.decider.decide(decideRequest('Prove that there are infinitely many primes.'));
    const asked = free.response.candidates!.find((c) => c.eligible && c.model !== free.response.model)!.model!;
    const { response: r, plan } = f.decider.decide(decideRequest('Prove that there are infinitely many primes.', { model: asked }));
    expect(r.model).toBe(asked);
    expect(r.reason).toMatch(new RegExp(`^${asked}: asked for by the request`));
    expect(r.fallbacks!.length).toBeGreaterThan(0);
    expect(r.fallbacks).not.toContain(asked);
    expect(plan.strategy).toBe('single');
    expect(plan.models).toEqual([asked, ...r.fallbacks!]);
  });

  it('comes before a rule that pins another model', () => {
    const { response: r } = f.decider.decide(decideRequest('Review this clause.', { model: 'gpt-4o', labels: { task: 'legal' } }));
    expect(r.model).toBe('gpt-4o');
  });

  it('keeps a strategy the request asks for', () => {
    const { plan } = f.decider.decide(decideRequest('What is 2 + 2?', { model: 'gpt-4o-mini', strategy: 'STRATEGY_CASCADE' }));
    expect(plan.strategy).toBe('cascade');
    expect(plan.models[0]).toBe('gpt-4o-mini');
  });

  it('that is unknown is INVALID_ARGUMENT naming the field', () => {
    expect(() => f.decider.decide(decideRequest('hi', { model: 'gpt-9' }))).toThrow(InvalidArgumentError);
    expect(() => f.decider.decide(decideRequest('hi', { model: 'gpt-9' }))).toThrow(/^model: unknown model "gpt-9"/);
  });

  it('that a hard filter excludes fails with the reason, naming the field, and does not fall back to another', () => {
    let err: unknown;
    try {
      f.decider.decide(decideRequest('hi', { model: 'gpt-4o', requirements: { denyModels: ['gpt-4o'] } }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NoEligibleModelError);
    expect((err as NoEligibleModelError).field).toBe('model');
    expect((err as NoEligibleModelError).onlyUnavailable).toBe(false);
    expect((err as Error).message).toMatch(/^model: gpt-4o cannot serve this request: deny list/);
  });
});
