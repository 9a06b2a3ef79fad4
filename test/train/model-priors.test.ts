import { describe, expect, it } from 'vitest';
import type { RouterModelHeader } from '../../services/router/model/router-model-file.js';
import { logit, ModelPriorError, resolvePrior, type ModelPrior } from '../../services/train/model-priors.js';

const header: RouterModelHeader = {
  featureVersion: 1,
  buckets: 16384,
  dim: 4,
  dense: 16,
  profiles: [
    { id: 'big', n: 100, meanQuality: 0.75 },
    { id: 'mid', n: 100, meanQuality: 0.5 },
    { id: 'small', n: 100, meanQuality: 0.25 },
  ],
  training: {},
};

describe('model priors - resolution against a model header', () => {
  it('a profile as it is', () => {
    expect(resolvePrior({ profile: 'mid' }, header)).toEqual({ profileIndex: 1, logitShift: 0 });
  });

  it('like a profile, shifted', () => {
    expect(resolvePrior({ like: 'small', logitShift: -0.5 }, header)).toEqual({ profileIndex: 2, logitShift: -0.5 });
  });

  it('a benchmark score picks the nearest profile and shifts its logit to the score', () => {
    const r = resolvePrior({ benchmark: 0.625 }, header);
    // 0.625 is exactly as near 0.75 as 0.5: the first listed wins.
    expect(r.profileIndex).toBe(0);
    expect(r.logitShift).toBeCloseTo(Math.log(0.625 / 0.375) - Math.log(0.75 / 0.25), 12);
    const s = resolvePrior({ benchmark: 0.3 }, header);
    expect(s.profileIndex).toBe(2);
    expect(1 / (1 + Math.exp(-(logit(0.25) + s.logitShift)))).toBeCloseTo(0.3, 12);
  });

  it('clamps benchmark 0 and 1 to finite shifts', () => {
    expect(Number.isFinite(resolvePrior({ benchmark: 1 }, header).logitShift)).toBe(true);
    expect(Number.isFinite(resolvePrior({ benchmark: 0 }, header).logitShift)).toBe(true);
  });

  it('an unknown profile is an error naming it and the known ones', () => {
    expect(() => resolvePrior({ profile: 'gpt-9' }, header)).toThrow(ModelPriorError);
    expect(() => resolvePrior({ like: 'gpt-9', logitShift: 0 }, header)).toThrow(
      'like: unknown profile "gpt-9"; the router model has: big, mid, small',
    );
  });

  it('rejects malformed priors', () => {
    for (const bad of [{ benchmark: 1.5 }, { profile: 'big', logitShift: 1 }, { like: 'big' }, {}] as unknown as ModelPrior[]) {
      expect(() => resolvePrior(bad, header)).toThrow(ModelPriorError);
    }
  });
});
