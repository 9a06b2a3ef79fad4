/**
 * Issue 12's learning goals on replayed MMLU-Pro outcomes (services/evaluation/learning-scenario.ts),
 * with the real Decider, exploration, decision records and the replay simulator; every random
 * choice seeded. The benchmark (services/evaluation/measure-learning.ts) prints the same figures
 * at a larger scale.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offPolicyGoal, openScenario, retrainGoal, SCENARIO_DEFAULTS, type RetrainGoal, type Scenario } from '../../services/evaluation/learning-scenario.js';
import type { FaultRule } from '../../services/evaluation/recovery-reference.js';

const o = { ...SCENARIO_DEFAULTS, logRequests: 10_000 };
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

/**
 * Issue 12's goal, >= 80% of the loss back at no more cost. Quality here is exact
 * (learning-scenario.ts: the expected quality of each choice on every held-out prompt), so the
 * figures are not sampling noise; they are one log's (seed 1). The challenger is the first
 * router model corrected on the segment where the log shows a model changed
 * (train/log-corrections.ts): nothing else it predicts moves. Over five logs (README,
 * "Continuous evaluation"; measure-learning.ts --seeds 5) it recovers 155% [113%, 197%] of the
 * loss with a substitute, and on gpt-4o's math (no substitute) 58% [−29%, 145%] of the loss that
 * can be won back: three logs 100% or more, one 17%, one −46%. So the bar on math below is this
 * log's figure (118%), which guards the loop end to end (the change found, the degraded model's
 * traffic moved, no more cost, quality won back), not the goal over logs, which is missed there.
 */
const RAW_GOAL_WITH_SUBSTITUTE = 0.8;
const RECOVERABLE_GOAL = 0.8;

const retrains = new Map<FaultRule, Promise<RetrainGoal>>();
/** Each fault's scenario runs once; its figures serve several tests. */
const retrained = (fault: FaultRule) => {
  // At the benchmark's scale (20,000 logged requests): a smaller log finds the change on
  // physics too weakly to act on (10,000: not flagged, so the challenger is the first router).
  if (!retrains.has(fault)) retrains.set(fault, retrainGoal(s, { ...SCENARIO_DEFAULTS, fault, estimateModels: fault === 'with-substitute' }));
  return retrains.get(fault)!;
};
const figures = (g: RetrainGoal) => JSON.stringify({ degraded: g.degraded, fromLog: g.mix.fromLog, before: g.before, afterDrop: g.afterDrop, retrained: g.retrained, degradedCalls: g.degradedCalls, recovered: g.recovered, achievable: g.achievable, recoveredOfAchievable: g.recoveredOfAchievable, oracle: g.oracle, ceiling: g.ceiling });

describe('learning goals - retraining from the log after a quality drop', () => {
  it('most-routed drop (gpt-4o on math, no substitute in the pool): the change found against the shared data, the degraded model\'s traffic there moved, no more cost, the recoverable loss won back', async () => {
    const g = await retrained('most-routed');
    expect(g.afterDrop.quality, figures(g)).toBeLessThan(g.before.quality);
    // The log's weighted mean of the degraded model on its segment, against the shared data's, shows the change.
    const changed = g.mix.fromLog[`${g.degraded.model === 'gpt-4o' ? 'gpt-4o-2024-05-13' : g.degraded.model} on ${g.degraded.segment}`];
    expect(changed?.against).toBe('shared');
    expect(changed!.shift).toBeLessThan(-0.1);
    expect(g.degradedCalls.retrained, figures(g)).toBeLessThan(g.degradedCalls.first / 2);
    expect(g.retrained.cost_usd, figures(g)).toBeLessThanOrEqual(g.before.cost_usd);
    // Issue 12's ">= 80% of the loss" cannot be met against the raw loss here: moving every
    // degraded call to the segment's best other model recovers less than that.
    expect(g.ceiling.recovered, figures(g)).toBeLessThan(0.8);
    expect(g.recoveredOfAchievable, figures(g)).toBeGreaterThanOrEqual(RECOVERABLE_GOAL);
  }, 900_000);

  it('a drop where the pool has a substitute: recovery against the raw loss, at no more cost', async () => {
    const g = await retrained('with-substitute');
    expect(g.degraded.substitute, figures(g)).toBeDefined();
    expect(g.afterDrop.quality, figures(g)).toBeLessThan(g.before.quality);
    expect(g.degradedCalls.retrained, figures(g)).toBeLessThan(g.degradedCalls.first / 2);
    expect(g.retrained.cost_usd, figures(g)).toBeLessThanOrEqual(g.before.cost_usd);
    expect(g.recovered, figures(g)).toBeGreaterThanOrEqual(RAW_GOAL_WITH_SUBSTITUTE);
  }, 900_000);

  it('eval --from-log estimates a candidate router MODEL: the challenger, truly better on the logged traffic, is estimated better, within ±0.02 of its truth', async () => {
    const g = await retrained('with-substitute');
    const { challenger, champion } = g.modelEstimates!;
    for (const m of [challenger, champion]) expect(m.estimate.supported, m.estimate.reasons.join('; ')).toBe(true);
    expect(challenger.truth).toBeGreaterThan(champion.truth);
    expect(challenger.estimate.quality.snips.value).toBeGreaterThan(champion.estimate.quality.snips.value);
    expect(challenger.estimate.quality.dr!.value).toBeGreaterThan(champion.estimate.quality.dr!.value);
    for (const m of [challenger, champion]) {
      expect(m.error.snips, JSON.stringify(m.error)).toBeLessThanOrEqual(0.02);
      expect(m.error.dr, JSON.stringify(m.error)).toBeLessThanOrEqual(0.02);
    }
  }, 900_000);
});
