import { describe, expect, it } from 'vitest';
import { estimateOffPolicy, type LoggedDecision } from '../../services/evaluation/off-policy.js';
import { Prng } from '../../services/train/prng.js';

const MODELS = ['economy', 'middle', 'flagship'] as const;
const COST: Record<string, number> = { economy: 0.1, middle: 0.4, flagship: 1 };

interface Prompt {
  truth: Record<string, number>;
  predicted: Record<string, number>;
}

/** Prompts of varied difficulty: each model's true chance of a good answer, and a value model's noisy prediction of it. */
function prompts(seed: number, n: number): Prompt[] {
  const rng = new Prng(seed);
  return Array.from({ length: n }, () => {
    const hard = rng.next();
    const truth = { economy: 0.9 - 0.7 * hard, middle: 0.93 - 0.45 * hard, flagship: 0.95 - 0.25 * hard };
    const predicted = Object.fromEntries(MODELS.map((m) => [m, Math.min(1, Math.max(0, truth[m] + 0.1 * rng.normal()))]));
    return { truth, predicted };
  });
}

/** The router's choice at trade-off λ: the best predicted quality less λ times the cost. */
const choose = (p: Prompt, lambda: number): string => MODELS.reduce((best, m) => (p.predicted[m]! - lambda * COST[m]! > p.predicted[best]! - lambda * COST[best]! ? m : best), MODELS[0] as string);

/** Logs a router at λ that explores: with probability `explore` it picks uniformly among all models. */
function logTraffic(ps: Prompt[], lambda: number, explore: number, seed: number): LoggedDecision[] {
  const rng = new Prng(seed);
  return ps.map((p) => {
    const best = choose(p, lambda);
    const propensities = Object.fromEntries(MODELS.map((m) => [m, (m === best ? 1 - explore : 0) + explore / MODELS.length]));
    const action = rng.next() < explore ? MODELS[rng.int(MODELS.length)]! : best;
    return { propensities, action, value: rng.next() < p.truth[action]! ? 1 : 0, predicted: p.predicted };
  });
}

const promptIndex = new WeakMap<readonly LoggedDecision[], Map<LoggedDecision, number>>();
/** The prompt a logged decision was made on. */
function promptOf(log: readonly LoggedDecision[], ps: Prompt[], d: LoggedDecision): Prompt {
  let index = promptIndex.get(log);
  if (!index) {
    index = new Map(log.map((x, i) => [x, i]));
    promptIndex.set(log, index);
  }
  return ps[index.get(d)!]!;
}

describe('evaluation - off-policy estimates from logged propensities', () => {
  it('estimates a candidate trade-off within ±0.02 of its quality measured by running it on the same replayed traffic', () => {
    const ps = prompts(1, 8_000);
    const log = logTraffic(ps, 0.3, 0.2, 2);
    const candidate = 0.05;
    const est = estimateOffPolicy(log, (d) => ({ [choose(promptOf(log, ps, d), candidate)]: 1 }));
    // The truth: run the candidate on the same prompts and grade each answer.
    const rng = new Prng(3);
    const ran = ps.reduce((s, p) => s + (rng.next() < p.truth[choose(p, candidate)]! ? 1 : 0), 0) / ps.length;
    expect(est.supported).toBe(true);
    expect(est.dr).toBeDefined();
    expect(Math.abs(est.dr!.value - ran)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(est.snips.value - ran)).toBeLessThanOrEqual(0.02);
    expect(est.dr!.low).toBeLessThan(est.dr!.value);
    expect(est.dr!.high - est.dr!.low).toBeLessThan(0.05);
    expect(est.ess).toBeGreaterThan(1_000);
  });

  it('the logging policy evaluated on its own log gives its observed mean (weights of one)', () => {
    const ps = prompts(4, 2_000);
    const log = logTraffic(ps, 0.3, 0.2, 5);
    const est = estimateOffPolicy(log, (d) => d.propensities);
    const observed = log.reduce((s, d) => s + d.value, 0) / log.length;
    expect(est.ips.value).toBeCloseTo(observed, 10);
    expect(est.snips.value).toBeCloseTo(observed, 10);
    expect(est.ess).toBeCloseTo(log.length, 6);
  });

  it('says the log cannot support an estimate when the logged router never explored', () => {
    const ps = prompts(6, 2_000);
    const log = logTraffic(ps, 0.3, 0, 7);
    const est = estimateOffPolicy(log, (d) => ({ [choose(promptOf(log, ps, d), 0)]: 1 }));
    expect(est.supported).toBe(false);
    expect(est.supportGap).toBeGreaterThan(0.01);
    expect(est.reason).toMatch(/^the candidate sends \d+\.\d% of this traffic to models the logged router never tried on it/);
  });

  it('says so when the candidate agrees with the log too rarely to leave enough effective samples', () => {
    const ps = prompts(8, 300);
    const log = logTraffic(ps, 0.3, 0.05, 9);
    const est = estimateOffPolicy(log, (d) => ({ [choose(promptOf(log, ps, d), -0.5)]: 1 }));
    expect(est.supported).toBe(false);
    expect(est.reason).toMatch(/effective samples/);
    expect(estimateOffPolicy([], () => ({})).reason).toBe('the log is empty');
  });

  it('bootstrap intervals of SNIPS and DR sit beside the normal ones: they hold the estimate, cover the truth and are as wide, and a seed repeats them', () => {
    const ps = prompts(10, 4_000);
    const log = logTraffic(ps, 0.3, 0.2, 11);
    const candidate = (d: LoggedDecision) => ({ [choose(promptOf(log, ps, d), 0.05)]: 1 });
    const est = estimateOffPolicy(log, candidate, { confidence: 0.95, minEss: 200, maxSupportGap: 0.01, bootstrap: 300, bootstrapSeed: 5 });
    const truth = ps.reduce((s, p) => s + p.truth[choose(p, 0.05)]!, 0) / ps.length;
    const b = est.bootstrap!;
    expect(b.resamples).toBe(300);
    for (const [boot, normal] of [
      [b.snips, est.snips],
      [b.dr!, est.dr!],
    ] as const) {
      expect(boot.low).toBeLessThan(normal.value);
      expect(boot.high).toBeGreaterThan(normal.value);
      expect(boot.low).toBeLessThanOrEqual(truth);
      expect(boot.high).toBeGreaterThanOrEqual(truth);
      const ratio = (boot.high - boot.low) / (normal.high - normal.low);
      expect(ratio).toBeGreaterThan(0.7);
      expect(ratio).toBeLessThan(1.3);
    }
    const again = estimateOffPolicy(log, candidate, { confidence: 0.95, minEss: 200, maxSupportGap: 0.01, bootstrap: 300, bootstrapSeed: 5 });
    expect(again.bootstrap).toEqual(b);
    expect(estimateOffPolicy(log, candidate, { confidence: 0.95, minEss: 200, maxSupportGap: 0.01, bootstrap: 0 }).bootstrap).toBeUndefined();
  });
});
