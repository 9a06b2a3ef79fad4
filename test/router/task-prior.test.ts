/**
 * The task tier's prior on predicted quality (model/task-prior.ts): everyday prompts bring the
 * models together, hard ones keep a published gap between a flagship and its smaller sibling
 * wider than a policy's quality margin.
 */
import { describe, expect, it } from 'vitest';
import { applyTierPrior, qualityAfterPrior, TIER_PRIORS } from '../../services/router/model/task-prior.js';
import { correctedQuality } from '../../services/router/model/segment-corrections.js';
import type { TaskTier } from '../../services/router/core/task-family.js';
import { withinMargin } from '../../services/router/policy/operating-point.js';

describe('task prior - how the tier reshapes predicted quality', () => {
  it('general leaves a prediction as it is', () => {
    expect(applyTierPrior(0.73, 'general')).toBe(0.73);
  });

  it('everyday prompts raise every model and shrink the gaps between them', () => {
    const strong = applyTierPrior(0.87, 'everyday');
    const small = applyTierPrior(0.8, 'everyday');
    expect(strong).toBeGreaterThan(0.87);
    expect(small).toBeGreaterThan(0.8);
    expect(strong - small).toBeLessThan(0.87 - 0.8);
    expect(withinMargin(small, strong, 0.03)).toBe(true);
  });

  it('hard prompts put a frontier model at its hard-benchmark level and keep a 0.87 / 0.83 gap outside a 3% margin', () => {
    const flagship = applyTierPrior(0.87, 'hard');
    const sibling = applyTierPrior(0.83, 'hard');
    expect(flagship).toBeCloseTo(0.84, 2);
    expect(sibling).toBeLessThan(flagship);
    expect(withinMargin(sibling, flagship, 0.03)).toBe(false);
    // Models equal before the prior stay equal after it.
    expect(applyTierPrior(0.87, 'hard')).toBe(flagship);
  });
});

describe('task prior - from the logit, as Decide takes it', () => {
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  const logits = [-30, -16, -13.9, -13.8, -8, -2.5, -0.4, 0, 0.3, 1.7, 5, 9.2, 13.8, 13.9, 16, 30];
  const offsets = [0, -8, -1.25, 0.5, 8];

  it.each(['everyday', 'hard', 'general'] as TaskTier[])('%s: equals the prior and the correction taken through the quality, within 1e-9', (tier) => {
    let compared = 0;
    for (const x of logits) {
      for (const offset of offsets) {
        const q = sigmoid(x);
        const fast = qualityAfterPrior(q, x, TIER_PRIORS[tier], offset);
        const slow = correctedQuality(applyTierPrior(q, tier), offset);
        expect(Math.abs(fast - slow), `x ${x}, offset ${offset}`).toBeLessThanOrEqual(1e-9);
        compared++;
      }
    }
    expect(compared).toBe(logits.length * offsets.length);
  });

  it('general without a correction returns the prediction itself', () => {
    expect(qualityAfterPrior(0.73, 0.99, TIER_PRIORS.general, 0)).toBe(0.73);
  });
});
