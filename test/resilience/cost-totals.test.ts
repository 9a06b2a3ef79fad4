import { describe, expect, it } from 'vitest';
import type { Usage } from '../../services/shared/contracts/provider.js';
import { roundUsd, totalCost, type PriceTable } from '../../services/executor/resilience/cost.js';
import { addUsage } from '../../services/shared/contracts/usage.js';

const sonnet: PriceTable = { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75 };
const mini: PriceTable = { inputPerMTok: 0.15, outputPerMTok: 0.6 };

const usage = (inputTokens: number, outputTokens: number, cachedInputTokens = 0, cacheWriteTokens = 0): Usage => ({
  inputTokens,
  outputTokens,
  cachedInputTokens,
  cacheWriteTokens,
});

describe('cost - totals over attempts', () => {
  it('adds what every attempt billed, failed ones included, and nothing for attempts without usage', () => {
    const totals = totalCost([
      { price: sonnet }, // connection refused: nothing billed
      { price: sonnet, usage: usage(10_000, 40, 6_000, 2_000) }, // stream broke after 40 tokens
      { price: mini, usage: usage(10_000, 500) },
    ]);
    // sonnet: 6,000 + 1,800 + 7,500 + 600 = 15,900; mini: 1,500 + 300 = 1,800 → 17,700 per million
    expect(totals.costUsd).toBe(0.0177);
    expect(totals.usage).toEqual(usage(20_000, 540, 6_000, 2_000));
  });

  it('keeps full precision: parts are summed before the one division', () => {
    const price: PriceTable = { inputPerMTok: 1, outputPerMTok: 1 };
    const totals = totalCost([
      { price, usage: usage(100_000, 0) }, // $0.1
      { price, usage: usage(200_000, 0) }, // $0.2
    ]);
    expect(totals.costUsd).toBe(0.3); // not 0.30000000000000004
  });

  it('no attempts cost nothing', () => {
    expect(totalCost([])).toEqual({ costUsd: 0, usage: usage(0, 0) });
  });

  it('addUsage adds field by field', () => {
    expect(addUsage(usage(1, 2, 3, 4), usage(10, 20, 30, 40))).toEqual(usage(11, 22, 33, 44));
  });
});

describe('cost - rounding for display', () => {
  it('rounds half away from zero on the decimal value', () => {
    expect(roundUsd(0.0000125)).toBe(0.000013);
    expect(roundUsd(1.0000005)).toBe(1.000001);
    expect(roundUsd(0.0228, 2)).toBe(0.02);
    expect(roundUsd(0.015, 2)).toBe(0.02);
    expect(roundUsd(-0.015, 2)).toBe(-0.02);
  });

  it('handles numbers printed in exponent form', () => {
    expect(roundUsd(5e-7)).toBe(0.000001);
    expect(roundUsd(4e-7)).toBe(0);
    expect(roundUsd(1.5e21, 2)).toBe(1.5e21);
  });

  it('rejects a silly number of decimals', () => {
    expect(() => roundUsd(1, -1)).toThrow(RangeError);
    expect(() => roundUsd(1, 2.5)).toThrow(RangeError);
  });
});
