/**
 * An ensemble of router models as one router model. Averaging the logits of k models with
 * latent dims D_1..D_k is exactly one model of dim Σ D_r: each model's latent block sits side
 * by side in z (hashed rows and denseProjection rows concatenated), and each profile's
 * ability is its k abilities divided by k, its bias and denseWeights their means. The file
 * format does not change; only `dim` grows.
 */
import { DENSE_FEATURES } from '../router/core/feature-spec.js';
import type { RouterModel } from '../router/model/router-model-file.js';

export function mergeModels(models: readonly RouterModel[], training: Record<string, unknown> = {}): RouterModel {
  if (models.length === 0) throw new RangeError('no models to merge');
  const first = models[0]!;
  if (models.length === 1) return first;
  const ids = first.header.profiles.map((p) => p.id).join('\n');
  for (const m of models) {
    if (m.header.profiles.map((p) => p.id).join('\n') !== ids) throw new RangeError('models to merge must have the same profiles in the same order');
  }
  const k = models.length;
  const P = first.header.profiles.length;
  const B = first.header.buckets;
  const DN = DENSE_FEATURES;
  const dims = models.map((m) => m.header.dim);
  const D = dims.reduce((s, d) => s + d, 0);
  if (D > 256) throw new RangeError(`merged dim ${D} exceeds 256`);
  const hashed = new Float32Array(B * D);
  const denseProjection = new Float32Array(D * DN);
  const bias = new Float32Array(P);
  const ability = new Float32Array(P * D);
  const denseWeights = new Float32Array(P * DN);
  let off = 0;
  models.forEach((m, r) => {
    const d = dims[r]!;
    for (let b = 0; b < B; b++) hashed.set(m.hashed.subarray(b * d, (b + 1) * d), b * D + off);
    denseProjection.set(m.denseProjection, off * DN);
    for (let p = 0; p < P; p++) {
      for (let a = 0; a < d; a++) ability[p * D + off + a] = m.ability[p * d + a]! / k;
    }
    off += d;
  });
  for (let p = 0; p < P; p++) {
    let s = 0;
    for (const m of models) s += m.bias[p]!;
    bias[p] = s / k;
    for (let j = 0; j < DN; j++) {
      let t = 0;
      for (const m of models) t += m.denseWeights[p * DN + j]!;
      denseWeights[p * DN + j] = t / k;
    }
  }
  return {
    header: { ...first.header, dim: D, training: { ...first.header.training, ...training } },
    hashed,
    denseProjection,
    bias,
    ability,
    denseWeights,
  };
}
