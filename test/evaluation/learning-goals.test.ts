/**
 * Issue 12's learning goals on replayed MMLU-Pro outcomes (services/evaluation/learning-scenario.ts),
 * with the real Decider, exploration, decision records and the replay simulator; every random
 * choice seeded. The benchmark (services/evaluation/measure-learning.ts) prints the same figures
 * at a larger scale.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offPolicyGoal, openScenario, retrainGoal, SCENARIO_DEFAULTS, type Scenario } from '../../services/evaluation/learning-scenario.js';

const o = { ...SCENARIO_DEFAULTS, logRequests: 10_000, heldOutRequests: 5_000 };
let s: Scenario;

beforeAll(async () => {
  s = await openScenario(o);
}, 300_000);
afterAll(() => s?.close());

describe('learning goals - off-policy estimate against the truth on the same replayed traffic', () => {
  it("a candidate policy's quality from an explored log is within ±0.02 of its true value", async () => {
    const g = await offPolicyGoal(s, o);
    expect(g.estimate.supported, g.estimate.reasons.join('; ')).toBe(true);
    // The candidate differs from the logging router on a real share of the traffic.
    expect(g.estimate.agreement).toBeLessThan(0.9);
    expect(Math.abs(g.truth.quality - g.logged.quality)).toBeGreaterThan(0);
    expect(g.error.snips, `SNIPS ${g.estimate.quality.snips.value} vs true ${g.truth.quality}`).toBeLessThanOrEqual(0.02);
    expect(g.error.dr, `DR ${g.estimate.quality.dr?.value} vs true ${g.truth.quality}`).toBeLessThanOrEqual(0.02);
    expect(g.error.ips).toBeLessThanOrEqual(0.02);
    // The true value lies inside the doubly robust 95% interval.
    expect(g.truth.quality).toBeGreaterThanOrEqual(g.estimate.quality.dr!.low);
    expect(g.truth.quality).toBeLessThanOrEqual(g.estimate.quality.dr!.high);
    // Cost too: SNIPS within 10% of the candidate's true mean cost.
    expect(Math.abs(g.estimate.cost_usd.snips.value - g.truth.cost_usd) / g.truth.cost_usd).toBeLessThan(0.1);
  }, 300_000);
});

describe('learning goals - retraining from the log after a quality drop', () => {
  it('the retrained router costs no more than before the drop, gains back quality, and the figures are stated', async () => {
    const g = await retrainGoal(s, o);
    const figures = JSON.stringify({ before: g.before, afterDrop: g.afterDrop, retrained: g.retrained, recovered: g.recovered, ceiling: g.ceiling });
    expect(g.afterDrop.quality, figures).toBeLessThan(g.before.quality);
    // The log shows the degraded model on its segment as changed, so the shared data no longer speaks for it there.
    expect(Object.keys(g.mix.fromLog)).toContain(`${g.degraded.model === 'gpt-4o' ? 'gpt-4o-2024-05-13' : g.degraded.model} on ${g.degraded.segment}`);
    // The operating point is chosen on probe traffic (no held-out outcome is read), so on the
    // held-out traffic its cost can differ from the first router's by sampling noise: within 1%.
    expect(g.retrained.cost_usd, figures).toBeLessThanOrEqual(g.before.cost_usd * 1.01);
    expect(g.retrained.quality, figures).toBeGreaterThan(g.afterDrop.quality);
    // Issue 12 asks for >= 80% of the loss back. On these data no other model is as good on the
    // degraded segment, so even moving every degraded call to the best other model there
    // recovers only `ceiling.recovered`; the goal cannot be met here (see the report).
    expect(g.ceiling.recovered, figures).toBeLessThan(0.8);
  }, 600_000);
});
