import { describe, expect, it } from 'vitest';
import type { RouterModelHeader } from '../../services/router/model/router-model-file.js';
import { resolvePrior } from '../../services/router/model/quality-prior.js';

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
const logit = (p: number) => Math.log(p / (1 - p));

describe('quality prior - mapping a catalog model onto a profile', () => {
  it('a measured profile as it is', () => {
    expect(resolvePrior({ profile: 'mid' }, header)).toEqual({ profileIndex: 1, logitShift: 0 });
  });

  it('like a profile, shifted', () => {
    expect(resolvePrior({ like: 'small', logit_shift: -0.5 }, header)).toEqual({ profileIndex: 2, logitShift: -0.5 });
  });

  it('a benchmark score: the nearest profile, shifted so that its mean moves to the score', () => {
    const r = resolvePrior({ benchmark: 0.625 }, header);
    expect(r.profileIndex).toBe(0); // as near 0.75 as 0.5: the first listed wins
    expect(r.logitShift).toBeCloseTo(logit(0.625) - logit(0.75), 12);
    const s = resolvePrior({ benchmark: 0.3 }, header);
    expect(s.profileIndex).toBe(2);
    expect(1 / (1 + Math.exp(-(logit(0.25) + s.logitShift)))).toBeCloseTo(0.3, 12);
  });

  it('a benchmark score on a named profile: that profile, shifted to the score', () => {
    const r = resolvePrior({ benchmark: 0.9, like: 'mid', source: 'MMLU-Pro, 2025' }, header);
    expect(r.profileIndex).toBe(1);
    expect(r.logitShift).toBeCloseTo(logit(0.9) - logit(0.5), 12);
  });

  it('an unknown profile names it and the known ones', () => {
    expect(() => resolvePrior({ like: 'gpt-9', logit_shift: 0 }, header)).toThrow('the router model has no profile "gpt-9" (it has: big, mid, small)');
  });
});
