/**
 * Plain TypeScript reference of the WASM core's scoring: each profile's quality logit for a
 * prompt's features (see router-model-file.ts for the formula). Agrees with the core within
 * 1e-4 on logits (the core sums in f32 lanes).
 */
import { DENSE_FEATURES } from './feature-spec.js';
import type { Features } from './features-reference.js';
import type { RouterModel } from '../model/router-model-file.js';
import type { TierPrior } from './scoring-core.js';

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * The bounds of a quality's logit as model/segment-corrections.ts logitOf clamps it (the
 * logits of 1 − 1e-6 and 1e-6), written out as assembly/scoring.ts writes them.
 */
export const LOGIT_MAX = 13.815509557935018;
export const LOGIT_MIN = -13.815509557963773;

/** A catalog model's logit `x` after a task tier's prior (scoring-core.ts TierPrior): x itself without one. */
export function priorLogit(x: number, prior: TierPrior): number {
  if (prior.gapScale === 1 && prior.lift === 0) return x;
  return prior.gapScale * Math.min(LOGIT_MAX, Math.max(LOGIT_MIN, x)) + prior.lift;
}

/** Writes each profile's logit into `logits` (length >= profiles). `z` is scratch of length dim. */
export function scoreProfiles(model: RouterModel, f: Features, z: Float64Array, logits: Float64Array): void {
  const dim = model.header.dim;
  const d = f.dense;
  for (let k = 0; k < dim; k++) {
    let s = 0;
    for (let j = 0; j < DENSE_FEATURES; j++) s += model.denseProjection[k * DENSE_FEATURES + j]! * d[j]!;
    z[k] = s;
  }
  const w = f.tokenWeight;
  for (let t = 0; t < f.tokenCount; t++) {
    const row = f.tokens[t]! * dim;
    for (let k = 0; k < dim; k++) z[k] = z[k]! + w * model.hashed[row + k]!;
  }
  const profiles = model.header.profiles.length;
  for (let p = 0; p < profiles; p++) {
    let s = model.bias[p]!;
    for (let k = 0; k < dim; k++) s += model.ability[p * dim + k]! * z[k]!;
    for (let j = 0; j < DENSE_FEATURES; j++) s += model.denseWeights[p * DENSE_FEATURES + j]! * d[j]!;
    logits[p] = s;
  }
}
