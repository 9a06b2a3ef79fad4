/**
 * The task tier's prior on predicted quality (model/task-prior.ts): everyday prompts bring the
 * models together, hard ones keep a published gap between a flagship and its smaller sibling
 * wider than a policy's quality margin.
 */
import { describe, expect, it } from 'vitest';
import { applyTierPrior } from '../../services/router/model/task-prior.js';
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
