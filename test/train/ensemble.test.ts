import { describe, expect, it } from 'vitest';
import { BUCKETS, DENSE_FEATURES, FEATURE_VERSION } from '../../services/router/core/feature-spec.js';
import { newFeatures } from '../../services/router/core/features-reference.js';
import { scoreProfiles } from '../../services/router/core/scorer-reference.js';
import type { RouterModel } from '../../services/router/model/router-model-file.js';
import { mergeModels } from '../../services/train/ensemble.js';
import { Prng } from '../../services/train/prng.js';

function randomModel(seed: number, dim: number, profiles: number): RouterModel {
  const r = new Prng(seed);
  const fill = (n: number) => Float32Array.from({ length: n }, () => r.normal());
  return {
    header: {
      featureVersion: FEATURE_VERSION,
      buckets: BUCKETS,
      dim,
      dense: DENSE_FEATURES,
      profiles: Array.from({ length: profiles }, (_, p) => ({ id: `m${p}`, n: 1, meanQuality: 0.5 })),
      training: {},
    },
    hashed: fill(BUCKETS * dim),
    denseProjection: fill(dim * DENSE_FEATURES),
    bias: fill(profiles),
    ability: fill(profiles * dim),
    denseWeights: fill(profiles * DENSE_FEATURES),
  };
}

describe('ensemble - merged model', () => {
  it("scores the mean of its members' logits", () => {
    const members = [randomModel(1, 3, 4), randomModel(2, 5, 4), randomModel(3, 2, 4)];
    const merged = mergeModels(members);
    expect(merged.header.dim).toBe(10);
    const r = new Prng(9);
    const f = newFeatures();
    for (let j = 0; j < DENSE_FEATURES; j++) f.dense[j] = r.next();
    f.tokenCount = 40;
    for (let t = 0; t < f.tokenCount; t++) f.tokens[t] = r.int(BUCKETS);
    f.tokenWeight = 1 / Math.sqrt(f.tokenCount);
    const logits = (m: RouterModel) => {
      const out = new Float64Array(4);
      scoreProfiles(m, f, new Float64Array(m.header.dim), out);
      return out;
    };
    const each = members.map(logits);
    const got = logits(merged);
    for (let p = 0; p < 4; p++) expect(got[p]).toBeCloseTo((each[0]![p]! + each[1]![p]! + each[2]![p]!) / 3, 4);
  });

  it('refuses members with different profiles', () => {
    expect(() => mergeModels([randomModel(1, 2, 3), randomModel(2, 2, 4)])).toThrow(/same profiles/);
  });
});
