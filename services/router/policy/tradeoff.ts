/**
 * The cost/quality trade-off knob and the objective it sets.
 *
 * A candidate's utility is   predicted quality − λ · expected cost in USD per 1,000 requests
 *                                              − μ · expected latency in seconds,
 * and the policy picks the candidate of highest utility. The knob `k` in [0, 1] sets λ on a
 * log scale: k = 1 is quality at any price (λ = 0), k = 0 is the cheapest model that does the
 * job (λ = 10), and every step of 0.2 in between divides λ by 10. Training, evaluation,
 * calibration and Decide all go through this one mapping, so a knob value means the same
 * everywhere.
 */
export const LAMBDA_AT_ZERO = 10;
export const DECADES = 5;

/** λ, in quality per USD per 1,000 requests, for knob `k` in [0, 1]. */
export function lambdaForKnob(k: number): number {
  if (!(k >= 0 && k <= 1)) throw new RangeError(`trade-off knob must be in [0, 1], got ${k}`);
  if (k === 1) return 0;
  return LAMBDA_AT_ZERO * Math.pow(10, -DECADES * k);
}

/** The knob for λ (inverse of lambdaForKnob), clamped to [0, 1]. */
export function knobForLambda(lambda: number): number {
  if (lambda <= 0) return 1;
  const k = Math.log10(LAMBDA_AT_ZERO / lambda) / DECADES;
  return Math.min(1, Math.max(0, k));
}

/** Utility of one candidate. `costUsd` is per request; it is scaled to per 1,000 requests. */
export function utility(quality: number, costUsd: number, latencyS: number, lambda: number, mu: number): number {
  return quality - lambda * costUsd * 1000 - mu * latencyS;
}
