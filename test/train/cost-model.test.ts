import { describe, expect, it } from 'vitest';
import { expectedCosts, fitCostModel } from '../../services/train/cost-model.js';
import { buildOutcomeMatrix } from '../../services/train/outcome-matrix.js';
import type { RoutingPrompt } from '../../services/shared/routing-data.js';

// Model x costs $2 / $6 per million input / output tokens.
const priced = (inp: number, out: number) => ({ quality: 1, input_tokens: inp, output_tokens: out, cost_usd: (2 * inp + 6 * out) / 1e6 });
const prompts: RoutingPrompt[] = [
  { id: 'a', prompt: '', segment: 's', outcomes: { x: priced(100, 10) } },
  { id: 'b', prompt: '', segment: 's', outcomes: { x: priced(50, 40) } },
  { id: 'c', prompt: '', segment: 's', outcomes: { x: priced(300, 70) } },
];

describe('cost model - expected cost per request', () => {
  const mx = buildOutcomeMatrix(prompts, ['x']);

  it('recovers per-token prices from priced outcomes', () => {
    const cm = fitCostModel(mx, 'tokens');
    expect(cm.models[0]!.inPrice).toBeCloseTo(2e-6, 15);
    expect(cm.models[0]!.outPrice).toBeCloseTo(6e-6, 15);
    expect(cm.models[0]!.meanOutputTokens).toBe(40);
    // 1,000 prompt tokens and the mean 40 output tokens.
    expect(expectedCosts(cm, [1000])[0]).toBeCloseTo((2 * 1000 + 6 * 40) / 1e6, 15);
  });

  it("'mean' is the model's mean cost whatever the prompt", () => {
    const cm = fitCostModel(mx, 'mean');
    const mean = (priced(100, 10).cost_usd + priced(50, 40).cost_usd + priced(300, 70).cost_usd) / 3;
    expect(Array.from(expectedCosts(cm, [1, 1e6]))).toEqual([mean, mean]);
  });
});
