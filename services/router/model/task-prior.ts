/**
 * How the task's tier (core/task-family.ts) reshapes the learned quality predictions.
 *
 * The router model is trained on exam questions and graded math, so it tells one hard
 * question from another but has never seen a greeting: on everyday prompts it predicts the
 * gaps of an exam. Everyday tasks are ones that every current model answers well, and hard
 * ones are where the measured gaps between models are largest (MMLU-Pro's math, law and
 * engineering segments, GSM8K's multi-step problems). The tier moves each model's logit:
 *     logit' = gapScale · logit + lift,
 * so on everyday prompts every model's predicted quality rises and the gaps between models
 * shrink (cost decides), and on hard prompts the gaps widen. `general` leaves the prediction
 * as the model made it. These are stated priors, not fitted values.
 *
 * The hard lift puts predictions where public hard-reasoning results put them: frontier
 * models whose MMLU-Pro accuracy is about 0.87 score about 0.84 on GPQA Diamond (GPT-5 0.857
 * and GPT-5 mini 0.823, OpenAI "Introducing GPT-5 for developers", 2025-08; Claude Sonnet 4.5
 * 0.834, Anthropic, 2025-09; Claude Opus 4.1 0.809, Anthropic, 2025-08; Gemini 2.5 Pro 0.864,
 * Google model card, 2025-06), so lift = logit(0.84) − gapScale · logit(0.87) ≈ −1.19. At
 * predictions near 0.93 (the lift it replaced, −0.5) a 4–5% gap between a flagship and its
 * smaller sibling (GPT-5 mini's is 4–6% on GPQA Diamond, AIME 2025, HMMT and SWE-bench
 * Verified in the same OpenAI table) shrank below a policy's 3% quality margin, and balanced
 * sent proofs to GPT-5 mini; at the hard-benchmark level the gap stays as wide as published.
 */
import type { TaskTier } from '../core/task-family.js';
import type { TierPrior } from '../core/scoring-core.js';
import { logitOf } from './segment-corrections.js';

export type { TierPrior } from '../core/scoring-core.js';

export const TIER_PRIORS: Readonly<Record<TaskTier, TierPrior>> = {
  everyday: { gapScale: 0.35, lift: 2 },
  hard: { gapScale: 1.5, lift: -1.19 }, // logit(0.84) − 1.5 · logit(0.87): see above
  general: { gapScale: 1, lift: 0 },
};

/**
 * Predicted quality `q` (in [0, 1]) after the tier's prior. The scoring core applies the same
 * prior to its logits when Decide passes it to `run` (core/scoring-core.ts TierPrior), which
 * takes no log: the two agree within 1e-9.
 */
export function applyTierPrior(q: number, tier: TaskTier): number {
  const p = TIER_PRIORS[tier];
  if (p.gapScale === 1 && p.lift === 0) return q;
  return 1 / (1 + Math.exp(-(p.gapScale * logitOf(q) + p.lift)));
}
