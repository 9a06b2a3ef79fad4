/**
 * What keeps shadow evaluation in bounds: the request's hard filters (region, deny list, the
 * tenant's allowed models, a hard pin) bind its shadow calls; the daily budget stops shadowing
 * until the day resets; the client's answer never waits for the shadow; a verdict that is not
 * one of the three lines is a skip with its reason.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyTenant } from '../../services/router/tenancy/apply-tenant.js';
import type { Tenant } from '../../services/router/tenancy/tenant.js';
import { startOpenAIFake, type OpenAIFake } from '../fakes/openai-fake.js';
import { openAICompletion } from '../support/execute-fixture.js';
import { ask, shadowRig, type ShadowRig } from './support.js';

let rig: ShadowRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('shadow - the request bounds bind the shadow calls', () => {
  it('an EU-only request with a US-only reference is not shadowed: skipped with the reason, the reference never called', async () => {
    rig = await shadowRig({ share: 1 });
    const r = await rig.execute(ask('Where is the Louvre?', { requirements: { regions: ['eu'] } }));
    await rig.shadow.idle();
    expect(r.model).toBe('cheap');
    expect(rig.executor.calls.map((c) => [c.step, c.model])).toEqual([['primary', 'cheap']]);
    expect(rig.feedback).toEqual([]);
    expect(rig.shadow.stats()).toMatchObject({ sampled: 1, skipped: { reference_not_allowed: 1 }, calls: 0 });
    expect(rig.facts).toEqual([{ kind: 'skip', reason: 'reference_not_allowed' }]);
  });

  it('a denied judge, a tenant allow list without the judge, and a hard pin each stop the shadow, with their reason', async () => {
    rig = await shadowRig({ share: 1 });
    await rig.execute(ask('One.', { requirements: { denyModels: ['judge'] } }));
    await rig.execute(ask('Two.', { requirements: { allowModels: ['cheap', 'ref-us'] } }));
    await rig.execute(ask('Three.', { requirements: { pinModel: 'cheap' } }));
    await rig.execute(ask('Four.', { requirements: { denyModels: ['ref-us'] } }));
    await rig.shadow.idle();
    expect(rig.shadow.stats().skipped).toEqual({ judge_not_allowed: 2, reference_not_allowed: 2 });
    expect(rig.executor.calls.filter((c) => c.step.startsWith('shadow'))).toEqual([]);
    // Without a bound in the way, the same rig shadows.
    await rig.execute(ask('Five.'));
    await rig.shadow.idle();
    expect(rig.feedback).toHaveLength(1);
  });
});

describe("shadow - a tenant's rights bind the shadow calls", () => {
  it('a tenant without the judge among its models, or held to the EU, is not shadowed; a tenant with both is', async () => {
    rig = await shadowRig({ share: 1 });
    const tenant = (id: string, models: string[] | null, regions: string[] | null): Tenant => ({ id, models: models && new Set(models), policies: null, regions });
    await rig.execute(applyTenant(ask('From acme.'), tenant('acme', ['cheap', 'ref-us'], null)));
    await rig.execute(applyTenant(ask('From eurocorp.'), tenant('eurocorp', null, ['eu'])));
    await rig.shadow.idle();
    expect(rig.shadow.stats().skipped).toEqual({ judge_not_allowed: 1, reference_not_allowed: 1 });
    expect(rig.executor.calls.filter((c) => c.step.startsWith('shadow'))).toEqual([]);
    const r = await rig.execute(applyTenant(ask('From globex.'), tenant('globex', ['cheap', 'ref-us', 'judge'], ['us'])));
    await rig.shadow.idle();
    expect(rig.feedback.map((f) => f.decisionId)).toEqual([r.decision.response.decisionId]);
    expect(rig.executor.calls.filter((c) => c.step.startsWith('shadow')).every((c) => c.allowedRegions.join() === 'us')).toBe(true);
  });
});

describe('shadow - the daily budget', () => {
  it('stops shadowing once spent, and starts again when the UTC day resets', async () => {
    // One shadow job reserves about $0.004 at worst (reference and judges) and spends about $0.003.
    rig = await shadowRig({ share: 1, daily_budget_usd: 0.01, judge_max_output_tokens: 16 });
    const grades: number[] = [];
    for (let i = 0; i < 8; i++) {
      await rig.execute(ask(`Budget question ${i}`, { maxOutputTokens: 100 }));
      await rig.shadow.idle();
      grades.push(rig.shadow.stats().graded.loss);
    }
    const s = rig.shadow.stats();
    expect(s.graded.loss).toBeGreaterThanOrEqual(1);
    expect(s.skipped.budget).toBeGreaterThanOrEqual(1);
    expect(s.graded.loss + (s.skipped.budget ?? 0)).toBe(8);
    // Once it stops, it stays stopped for the day.
    const first = grades.indexOf(s.graded.loss);
    expect(grades.slice(first)).toEqual(grades.slice(first).map(() => s.graded.loss));
    const today = await rig.budget.spentToday();
    expect(today.spentUsd).toBeGreaterThan(0);
    expect(today.spentUsd).toBeLessThanOrEqual(0.01);
    expect(today.heldUsd).toBe(0);
    expect(s.spentUsd).toBeCloseTo(today.spentUsd, 9);

    rig.clock.now += 86_400_000;
    await rig.execute(ask('A new day', { maxOutputTokens: 100 }));
    await rig.shadow.idle();
    expect(rig.shadow.stats().graded.loss).toBe(s.graded.loss + 1);
  });
});

describe('shadow - off the request path', () => {
  it("the client's answer comes back while the reference call is still held, and is the answer it gets without shadowing", async () => {
    const plain = await shadowRig({ share: 0 });
    const without = await plain.execute(ask('Is the answer unaffected?'));
    await plain.close();

    rig = await shadowRig({ share: 1 });
    rig.executor.hold('ref-us');
    const r = await rig.execute(ask('Is the answer unaffected?'));
    rig.executor.events.push('client answered');
    await waitUntil(() => rig!.executor.steps('shadow_reference').length === 1);
    expect(rig.executor.events).toEqual(['call primary cheap', 'done primary cheap', 'recorded', 'client answered', 'call shadow_reference ref-us']);
    expect([r.model, r.message.text, r.attempts.map((a) => a.model), r.costUsd]).toEqual([without.model, without.message.text, without.attempts.map((a) => a.model), without.costUsd]);
    expect(rig.feedback).toEqual([]);

    rig.executor.release();
    await rig.shadow.idle();
    const after = rig.executor.events.slice(4);
    expect(after.slice(0, 2)).toEqual(['call shadow_reference ref-us', 'done shadow_reference ref-us']);
    expect(after.slice(2).sort()).toEqual(['call shadow_judge_ab judge', 'call shadow_judge_ba judge', 'done shadow_judge_ab judge', 'done shadow_judge_ba judge']);
    expect(rig.feedback.map((f) => f.decisionId)).toEqual([r.decision.response.decisionId]);
  });

  it('a full queue drops the newest jobs and counts them', async () => {
    rig = await shadowRig({ share: 1, queue_size: 2, concurrency: 1 });
    rig.executor.hold('ref-us');
    await rig.execute(ask('First'));
    await waitUntil(() => rig!.executor.steps('shadow_reference').length === 1);
    for (let i = 0; i < 4; i++) await rig.execute(ask(`Queued ${i}`));
    expect(rig.shadow.stats()).toMatchObject({ sampled: 5, queued: 2, running: 1, skipped: { queue_full: 2 } });
    rig.executor.release();
    await rig.shadow.idle();
    expect(rig.feedback).toHaveLength(3);
  });
});

describe('shadow - shutdown', () => {
  it('close drops queued jobs, cancels the running one, and takes no more', async () => {
    rig = await shadowRig({ share: 1, concurrency: 1 });
    rig.executor.hold('ref-us');
    await rig.execute(ask('Running'));
    await rig.execute(ask('Queued'));
    await waitUntil(() => rig!.executor.steps('shadow_reference').length === 1);
    const closing = rig.shadow.close();
    rig.executor.release();
    await closing;
    await rig.execute(ask('After close'));
    await rig.shadow.idle();
    expect(rig.feedback).toEqual([]);
    expect(rig.shadow.stats()).toMatchObject({ sampled: 2, skipped: {}, queued: 0, running: 0 });
    expect(rig.executor.steps('shadow_reference')).toHaveLength(1);
  });
});

describe('shadow - the verdict is read strictly', () => {
  let judge: OpenAIFake;
  beforeAll(async () => {
    judge = await startOpenAIFake({ flavour: 'compatible', apiKey: '' });
  });
  afterAll(() => judge?.close());

  it('a reply that is not exactly "Verdict: A|B|tie" is a skip with the reason unparsable_verdict', async () => {
    rig = await shadowRig({ share: 1 }, { urls: { judge: judge.url } });
    judge.script({ status: 200, body: openAICompletion('Verdict: A') }, { status: 200, body: openAICompletion('I would say A is better.') });
    await rig.execute(ask('Which is better?'));
    await rig.shadow.idle();
    expect(rig.feedback).toEqual([]);
    expect(rig.shadow.stats()).toMatchObject({ sampled: 1, skipped: { unparsable_verdict: 1 }, calls: 3 });
  });

  it('a failed judge call is a skip with the reason judge_failed', async () => {
    rig = await shadowRig({ share: 1 }, { urls: { judge: judge.url } });
    judge.script({ status: 400, body: { error: { message: 'bad', type: 'invalid_request_error', param: null, code: null } } }, { status: 200, body: openAICompletion('Verdict: tie') });
    await rig.execute(ask('Which is better, again?'));
    await rig.shadow.idle();
    expect(rig.shadow.stats().skipped).toEqual({ judge_failed: 1 });
  });
});

async function waitUntil(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !predicate(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(predicate()).toBe(true);
}
