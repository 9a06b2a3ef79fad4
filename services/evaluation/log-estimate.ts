/**
 * What a candidate router would have achieved on logged traffic: the quality and cost of its
 * choices, estimated by IPS, SNIPS and DR (evaluation/off-policy.ts) from decisions made with
 * known probabilities. Intervals are the normal approximation at 95% (SNIPS by the delta
 * method). The doubly robust estimate's value model is what the router predicted when it
 * decided: each candidate's predicted quality and expected cost, as logged.
 *
 * A decision counts when its answer came from the chosen model (a fallback's answer is not the
 * outcome of the choice) and, for quality, when feedback graded it. The report says plainly
 * when the log cannot support an estimate: too few decisions, a support gap (the candidate
 * chooses models the logging router never tried there), or too few effective samples.
 */
import { rankingQuality, withinMargin } from '../router/policy/operating-point.js';
import { lambdaForKnob, utility } from '../router/policy/tradeoff.js';
import { estimateOffPolicy, OFF_POLICY_DEFAULTS, type LoggedDecision, type OffPolicyEstimate, type OffPolicyOptions } from './off-policy.js';
import type { LoggedRow } from './logged-traffic.js';

/** A candidate router: the model it would choose for a logged decision. */
export type CandidateChooser = (row: LoggedRow) => string;

export interface CandidatePolicy {
  /** cost_quality_tradeoff, in [0, 1]. */
  knob: number;
  /** quality_margin. */
  margin: number;
  latencyWeight: number;
}

/** The choice Decide would make under `p` among the logged eligible candidates (decide.ts's ranking). */
export function policyChooser(p: CandidatePolicy): CandidateChooser {
  const lambda = lambdaForKnob(p.knob);
  return (row) => {
    let best = 0;
    for (const c of row.candidates) if (c.predictedQuality > best) best = c.predictedQuality;
    let top: { model: string; below: boolean; u: number; cost: number } | undefined;
    for (const c of row.candidates) {
      const x = {
        model: c.model,
        below: !withinMargin(c.predictedQuality, best, p.margin),
        u: utility(rankingQuality(c.predictedQuality, best, p.margin), c.costUsd, c.latencyMs / 1000, lambda, p.latencyWeight),
        cost: c.costUsd,
      };
      if (!top || Number(x.below) - Number(top.below) < 0 || (x.below === top.below && (x.u > top.u || (x.u === top.u && x.cost < top.cost)))) top = x;
    }
    return top?.model ?? row.chosen;
  };
}

export interface LogEstimateOptions extends OffPolicyOptions {
  /** Fewer usable decisions than this cannot support an estimate. */
  minDecisions: number;
}

export const LOG_ESTIMATE_DEFAULTS: LogEstimateOptions = { ...OFF_POLICY_DEFAULTS, minDecisions: 100 };

export interface LogEstimate {
  decisions: number;
  /** Decisions left out, by why. */
  skipped: { fallback_answered: number; no_quality: number; no_candidates: number };
  /** The logging router's own mean quality and cost on the usable decisions. */
  logged: { quality: number; cost_usd: number };
  quality: OffPolicyEstimate;
  cost_usd: OffPolicyEstimate;
  /** Share of decisions where the candidate chooses what the log chose. */
  agreement: number;
  /** Share of decisions logged with a non-deterministic choice. */
  explored_share: number;
  supported: boolean;
  reasons: string[];
  interval: string;
}

/**
 * `predict` is the doubly robust estimate's value model for quality: by default what the logging
 * router predicted; a candidate router model passes its own predictions (model-chooser.ts).
 */
export function estimateFromLog(
  rows: readonly LoggedRow[],
  choose: CandidateChooser,
  o: LogEstimateOptions = LOG_ESTIMATE_DEFAULTS,
  predict: (row: LoggedRow) => Readonly<Record<string, number>> = (row) => Object.fromEntries(row.candidates.map((c) => [c.model, c.predictedQuality])),
): LogEstimate {
  const skipped = { fallback_answered: 0, no_quality: 0, no_candidates: 0 };
  const quality: LoggedDecision[] = [];
  const cost: LoggedDecision[] = [];
  const pickOf = new Map<LoggedDecision, string>();
  let agree = 0;
  let explored = 0;
  for (const row of rows) {
    if (row.candidates.length === 0) skipped.no_candidates++;
    else if (row.answered !== row.chosen) skipped.fallback_answered++;
    else if (row.quality === undefined) skipped.no_quality++;
    else {
      const predictedQ = predict(row);
      const predictedC = Object.fromEntries(row.candidates.map((c) => [c.model, c.costUsd]));
      const pick = choose(row);
      const qd: LoggedDecision = { propensities: row.propensities, action: row.chosen, value: row.quality, predicted: predictedQ };
      const cd: LoggedDecision = { propensities: row.propensities, action: row.chosen, value: row.costUsd, predicted: predictedC };
      quality.push(qd);
      cost.push(cd);
      pickOf.set(qd, pick);
      pickOf.set(cd, pick);
      if (pick === row.chosen) agree++;
      if ((row.propensities[row.chosen] ?? 0) < 1) explored++;
    }
  }
  const candidate = (d: LoggedDecision) => ({ [pickOf.get(d)!]: 1 });
  const q = estimateOffPolicy(quality, candidate, o);
  const c = estimateOffPolicy(cost, candidate, o);
  const n = quality.length;
  const reasons: string[] = [];
  if (n < o.minDecisions) reasons.push(`only ${n} usable decisions (at least ${o.minDecisions} needed)`);
  if (q.reason) reasons.push(q.reason);
  const mean = (xs: LoggedDecision[]) => xs.reduce((a, d) => a + d.value, 0) / Math.max(1, xs.length);
  return {
    decisions: n,
    skipped,
    logged: { quality: mean(quality), cost_usd: mean(cost) },
    quality: q,
    cost_usd: c,
    agreement: n > 0 ? agree / n : 0,
    explored_share: n > 0 ? explored / n : 0,
    supported: reasons.length === 0,
    reasons,
    interval: `normal approximation, ${(o.confidence * 100).toFixed(0)}% (SNIPS by the delta method)${(o.bootstrap ?? 0) > 0 ? `; percentile bootstrap of SNIPS and DR, ${o.bootstrap} resamples` : ''}`,
  };
}
