/**
 * The tier of a catalog model whose quality is a prior (a public benchmark score, no routing
 * data), set by that score and, only where the score cannot tell, by its price.
 *
 * The score is the model's published MMLU-Pro accuracy (the catalog's `quality.benchmark`).
 * Bands, from the Artificial Analysis MMLU-Pro leaderboard as of 2025: the frontier models
 * (GPT-5, Claude Opus and Sonnet 4.x, Gemini 2.5 Pro) score 0.85–0.88, their smaller siblings
 * and the previous generation (GPT-5 mini, GPT-4.1, Gemini 2.5 Flash, Claude Haiku 4.5)
 * 0.75–0.84, and the economy models (GPT-4o mini, Gemini 2.5 Flash-Lite) below 0.75:
 *     frontier  score ≥ 0.85      mid  0.75 ≤ score < 0.85      economy  score < 0.75
 * A score within SCORE_RESOLUTION of a band’s edge (inclusive) cannot tell the two bands apart (published
 * runs of one model differ by about that much), so there the model's output price decides: it
 * joins the band whose typical list price (TIER_PRICE) is nearer on a log scale. The typical
 * prices are fixed, not taken from the catalog at hand, so one model's tier never changes
 * because another model was added, removed or re-profiled. Price never moves a model whose score
 * is clear: a model priced like a frontier model with a mid-tier score is mid-tier, and its
 * quality is its score.
 */

import type { QualityPrior } from './config/schema.js';

export const PRIOR_TIERS = ['frontier', 'mid', 'economy'] as const;
export type PriorTier = (typeof PRIOR_TIERS)[number];

/** Lower score edge of each tier (economy: 0). */
export const TIER_FLOOR: Readonly<Record<PriorTier, number>> = { frontier: 0.85, mid: 0.75, economy: 0 };

/** How close to a band's edge a score is too close to tell the bands apart. */
export const SCORE_RESOLUTION = 0.01;

/**
 * Typical output list price of each band, USD per million tokens: the median of the 2025 list
 * prices of the models named above (frontier: GPT-5 10, Gemini 2.5 Pro 10, Claude Sonnet 4.5 15,
 * Claude Opus 4.1 75; mid: GPT-5 mini 2, Gemini 2.5 Flash 2.5, Claude Haiku 4.5 5, GPT-4.1 8;
 * economy: Gemini 2.5 Flash-Lite 0.4, GPT-4o mini 0.6).
 */
export const TIER_PRICE: Readonly<Record<PriorTier, number>> = { frontier: 12.5, mid: 3.75, economy: 0.5 };

export interface PricedScore {
  /** The public score in (0, 1). */
  score: number;
  /** Output price, USD per million tokens (as the catalog states it). */
  outputPrice: number;
}

export function tierOfScore(score: number): PriorTier {
  return score >= TIER_FLOOR.frontier ? 'frontier' : score >= TIER_FLOOR.mid ? 'mid' : 'economy';
}

/** The two tiers a score near an edge lies between, or undefined when the score is clear. */
function ambiguousTiers(score: number): [PriorTier, PriorTier] | undefined {
  const near = (edge: number) => Math.abs(score - edge) <= SCORE_RESOLUTION + 1e-9;
  if (near(TIER_FLOOR.frontier)) return ['frontier', 'mid'];
  if (near(TIER_FLOOR.mid)) return ['mid', 'economy'];
  return undefined;
}

/** The score lies too near a band's edge to set the tier alone: the price placed it. */
export function tierSetByPrice(score: number): boolean {
  return ambiguousTiers(score) !== undefined;
}

/** Each prior's tier, in input order (see the file comment for the rule). */
export function priorTiers(models: readonly PricedScore[]): PriorTier[] {
  return models.map((m) => {
    const near = ambiguousTiers(m.score);
    if (!near || !(m.outputPrice > 0)) return tierOfScore(m.score);
    const [upper, lower] = near;
    const d = (t: PriorTier) => Math.abs(Math.log(m.outputPrice) - Math.log(TIER_PRICE[t]));
    return d(upper) <= d(lower) ? upper : lower;
  });
}

/** The tier of each model of a catalog, in its order: undefined for a model the routing data measured. */
export function catalogPriorTiers(models: readonly { quality: QualityPrior; prices: { output: number } }[]): (PriorTier | undefined)[] {
  const at: number[] = [];
  const scored: PricedScore[] = [];
  models.forEach((m, i) => {
    if (!('benchmark' in m.quality)) return;
    at.push(i);
    scored.push({ score: m.quality.benchmark, outputPrice: m.prices.output });
  });
  const tiers = priorTiers(scored);
  const out: (PriorTier | undefined)[] = models.map(() => undefined);
  at.forEach((i, k) => {
    out[i] = tiers[k];
  });
  return out;
}
