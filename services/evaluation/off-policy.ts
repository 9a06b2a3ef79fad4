/**
 * Off-policy evaluation: what a candidate router model or policy would have achieved on past
 * traffic, from decisions logged with the probabilities they were made with.
 *
 * For each logged decision i: the logging distribution μ_i over eligible models (exploration
 * makes it non-deterministic), the model a_i it chose, the value v_i observed (quality, or cost),
 * and optionally a value model's prediction q̂_i(a) for every model. The candidate gives its own
 * distribution π_i (a deterministic candidate puts 1 on its choice). With w_i = π_i(a_i)/μ_i(a_i):
 *
 *   IPS   = (1/n) Σ w_i v_i
 *   SNIPS = Σ w_i v_i / Σ w_i
 *   DR    = (1/n) Σ [ Σ_a π_i(a) q̂_i(a) + w_i (v_i − q̂_i(a_i)) ]
 *
 * Each with a normal-approximation confidence interval (SNIPS by the delta method), and SNIPS
 * and DR also with a percentile bootstrap interval (`bootstrap` resamples of the decisions with
 * replacement, from a seeded source so a run repeats): it needs no normality of the weighted
 * terms, which heavy importance weights can break. The log
 * cannot support an estimate when the candidate puts weight on models the log never chose with
 * a positive probability (`supportGap`, the mean of that weight) or when the weights leave too
 * few effective samples (`ess` = (Σw)² / Σw²); then `supported` is false and `reason` says why.
 */
import { probit, quantileSorted } from 'simple-statistics';
import { Prng } from '../train/prng.js';

export interface LoggedDecision {
  /** The logging policy's probability for each eligible model (they sum to 1). */
  propensities: Readonly<Record<string, number>>;
  /** The model it chose. */
  action: string;
  /** What was observed for that choice (a quality in [0, 1], or a cost). */
  value: number;
  /** A value model's prediction for each model (for the doubly robust estimate). */
  predicted?: Readonly<Record<string, number>>;
}

/** The candidate's distribution over models for a logged decision. */
export type CandidatePolicy = (d: LoggedDecision) => Readonly<Record<string, number>>;

export interface Estimate {
  value: number;
  low: number;
  high: number;
}

export interface OffPolicyEstimate {
  n: number;
  ips: Estimate;
  snips: Estimate;
  /** Present when every decision carries predictions. */
  dr?: Estimate;
  /** Percentile bootstrap intervals of SNIPS and DR (when resampled; DR when present). */
  bootstrap?: { resamples: number; snips: { low: number; high: number }; dr?: { low: number; high: number } };
  /** Effective sample size of the importance weights. */
  ess: number;
  /** Mean weight the candidate puts on models the log gave no chance. */
  supportGap: number;
  supported: boolean;
  reason?: string;
}

export interface OffPolicyOptions {
  /** Two-sided confidence level of the intervals. */
  confidence: number;
  /** Below this effective sample size the log cannot support an estimate. */
  minEss: number;
  /** Above this support gap the log cannot support an estimate. */
  maxSupportGap: number;
  /** Bootstrap resamples for the percentile intervals of SNIPS and DR (0: none). */
  bootstrap?: number;
  /** Seed of the bootstrap's resampling. */
  bootstrapSeed?: number;
}

export const OFF_POLICY_DEFAULTS: OffPolicyOptions = { confidence: 0.95, minEss: 200, maxSupportGap: 0.01, bootstrap: 200, bootstrapSeed: 1 };

export function estimateOffPolicy(log: readonly LoggedDecision[], candidate: CandidatePolicy, o: OffPolicyOptions = OFF_POLICY_DEFAULTS): OffPolicyEstimate {
  const n = log.length;
  const z = probit(1 - (1 - o.confidence) / 2);
  const w: number[] = [];
  const wv: number[] = [];
  const dr: number[] = [];
  let gap = 0;
  let withPredictions = 0;
  for (const d of log) {
    const pi = candidate(d);
    const mu = d.propensities[d.action] ?? 0;
    for (const [a, p] of Object.entries(pi)) if (p > 0 && !((d.propensities[a] ?? 0) > 0)) gap += p;
    const wi = mu > 0 ? (pi[d.action] ?? 0) / mu : 0;
    w.push(wi);
    wv.push(wi * d.value);
    if (d.predicted) {
      withPredictions++;
      let direct = 0;
      for (const [a, p] of Object.entries(pi)) direct += p * (d.predicted[a] ?? 0);
      dr.push(direct + wi * (d.value - (d.predicted[d.action] ?? 0)));
    }
  }
  const sumW = w.reduce((a, b) => a + b, 0);
  const sumW2 = w.reduce((a, b) => a + b * b, 0);
  const ess = sumW2 > 0 ? (sumW * sumW) / sumW2 : 0;
  const ips = meanInterval(wv, z);
  const snipsValue = sumW > 0 ? wv.reduce((a, b) => a + b, 0) / sumW : Number.NaN;
  const meanW = sumW / Math.max(1, n);
  const snipsTerms = w.map((wi, i) => (wi * (log[i]!.value - snipsValue)) / (meanW || 1));
  const snipsSe = sd(snipsTerms) / Math.sqrt(Math.max(1, n));
  const snips = { value: snipsValue, low: snipsValue - z * snipsSe, high: snipsValue + z * snipsSe };
  const supportGap = n > 0 ? gap / n : 0;
  const out: OffPolicyEstimate = { n, ips, snips, ess, supportGap, supported: true };
  if (n > 0 && withPredictions === n) out.dr = meanInterval(dr, z);
  if (n > 0 && (o.bootstrap ?? 0) > 0) out.bootstrap = bootstrapIntervals(w, wv, withPredictions === n ? dr : undefined, o.bootstrap!, o.bootstrapSeed ?? 1, o.confidence);
  if (n === 0) return { ...out, supported: false, reason: 'the log is empty' };
  if (supportGap > o.maxSupportGap) {
    return { ...out, supported: false, reason: `the candidate sends ${(supportGap * 100).toFixed(1)}% of this traffic to models the logged router never tried on it (at most ${(o.maxSupportGap * 100).toFixed(1)}% can be estimated): turn exploration on, or evaluate on shadow traffic` };
  }
  if (ess < o.minEss) {
    return { ...out, supported: false, reason: `only ${ess.toFixed(0)} effective samples (at least ${o.minEss} needed): the candidate agrees with the logged choices too rarely` };
  }
  return out;
}

function meanInterval(xs: readonly number[], z: number): Estimate {
  const n = xs.length;
  if (n === 0) return { value: Number.NaN, low: Number.NaN, high: Number.NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const half = (z * sd(xs)) / Math.sqrt(n);
  return { value: mean, low: mean - half, high: mean + half };
}

function sd(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
}

/** Percentile intervals of SNIPS (Σwv / Σw) and DR (mean of its terms) over `b` resamples of the decisions. */
function bootstrapIntervals(w: readonly number[], wv: readonly number[], dr: readonly number[] | undefined, b: number, seed: number, confidence: number): NonNullable<OffPolicyEstimate['bootstrap']> {
  const n = w.length;
  const rng = new Prng(seed);
  const snips: number[] = [];
  const drs: number[] = [];
  for (let r = 0; r < b; r++) {
    let sw = 0;
    let swv = 0;
    let sdr = 0;
    for (let k = 0; k < n; k++) {
      const i = rng.int(n);
      sw += w[i]!;
      swv += wv[i]!;
      if (dr) sdr += dr[i]!;
    }
    if (sw > 0) snips.push(swv / sw);
    drs.push(sdr / n);
  }
  const tail = (1 - confidence) / 2;
  const interval = (xs: number[]) => {
    if (xs.length === 0) return { low: Number.NaN, high: Number.NaN };
    xs.sort((x, y) => x - y);
    return { low: quantileSorted(xs, tail), high: quantileSorted(xs, 1 - tail) };
  };
  return { resamples: b, snips: interval(snips), ...(dr ? { dr: interval(drs) } : {}) };
}
