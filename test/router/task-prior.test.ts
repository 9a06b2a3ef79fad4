/**
 * The task tier's prior on predicted quality (model/task-prior.ts): everyday prompts bring the
 * models together, hard ones keep a published gap between a flagship and its smaller sibling
 * wider than a policy's quality margin.
 */
import { describe, expect, it } from 'vitest';
import { applyTierPrior, TIER_PRIORS } from '../../services/router/model/task-prior.js';
import { logitOf } from '../../services/router/model/segment-corrections.js';
import { LOGIT_MAX, LOGIT_MIN, priorLogit, sigmoid } from '../../services/router/core/scorer-reference.js';
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

describe('task prior - on the logit, as the scoring core applies it', () => {
  const logits = [-30, -16, -13.9, -13.8, -8, -2.5, -0.4, 0, 0.3, 1.7, 5, 9.2, 13.8, 13.9, 16, 30];

  it('the clamp bounds are those of logitOf', () => {
    expect(LOGIT_MAX).toBe(logitOf(1));
    expect(LOGIT_MIN).toBe(logitOf(0));
  });

  it.each(['everyday', 'hard', 'general'] as TaskTier[])('%s: equals the prior taken through the quality, within 1e-9', (tier) => {
    for (const x of logits) {
      const fast = sigmoid(priorLogit(x, TIER_PRIORS[tier]));
      expect(Math.abs(fast - applyTierPrior(sigmoid(x), tier)), `x ${x}`).toBeLessThanOrEqual(1e-9);
    }
  });

  it('general leaves the logit as it is, unclamped', () => {
    for (const x of logits) expect(priorLogit(x, TIER_PRIORS.general)).toBe(x);
  });
});
