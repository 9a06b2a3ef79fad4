/** Seeded random RouterModels and catalogs for tests and benchmarks. */
import { BUCKETS, DENSE_FEATURES, FEATURE_VERSION } from '../router/core/feature-spec.js';
import type { CatalogEntry } from '../router/core/scoring-core.js';
import type { RouterModel } from '../router/model/router-model-file.js';

/** mulberry32: a small seeded PRNG; returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniform(n: number, scale: number, rand: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rand() * 2 - 1) * scale;
  return a;
}

/** A model of `dim` and `profiles` with weights uniform in ±0.5, the same for the same seed. */
export function randomModel(seed: number, dim: number, profiles: number): RouterModel {
  const rand = seededRandom(seed);
  return {
    header: {
      featureVersion: FEATURE_VERSION,
      buckets: BUCKETS,
      dim,
      dense: DENSE_FEATURES,
      profiles: Array.from({ length: profiles }, (_, i) => ({ id: `profile-${i}`, n: 100, meanQuality: 0.5 })),
      training: { seed },
    },
    hashed: uniform(BUCKETS * dim, 0.5, rand),
    denseProjection: uniform(dim * DENSE_FEATURES, 0.5, rand),
    bias: uniform(profiles, 0.5, rand),
    ability: uniform(profiles * dim, 0.5, rand),
    denseWeights: uniform(profiles * DENSE_FEATURES, 0.5, rand),
  };
}

/** `n` catalog models spread over `profiles` profiles, with shifts in ±1. */
export function randomCatalog(seed: number, n: number, profiles: number): CatalogEntry[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, () => ({ profile: Math.floor(rand() * profiles), shift: rand() * 2 - 1 }));
}
