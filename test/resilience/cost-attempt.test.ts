import { describe, expect, it } from 'vitest';
import type { Usage } from '../../services/shared/contracts/provider.js';
import { attemptCostUsd, type PriceTable } from '../../services/executor/resilience/cost.js';

const sonnet: PriceTable = { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75 };

const usage = (overrides: Partial<Usage>): Usage => ({
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  ...overrides,
});

describe('cost - one attempt from usage and prices', () => {
  it('bills input and output at their prices', () => {
    // 1,000 × $3 + 200 × $15 = $6,000 per million = $0.006
    expect(attemptCostUsd(usage({ inputTokens: 1_000, outputTokens: 200 }), sonnet)).toBe(0.006);
  });

  it('bills cached input at the cached price and cache writes at theirs, both counted in inputTokens', () => {
    // uncached 2,000 × 3 = 6,000; cached 6,000 × 0.3 = 1,800; written 2,000 × 3.75 = 7,500; output 500 × 15 = 7,500
    const u = usage({ inputTokens: 10_000, cachedInputTokens: 6_000, cacheWriteTokens: 2_000, outputTokens: 500 });
    expect(attemptCostUsd(u, sonnet)).toBe(0.0228);
  });

  it('a fully cached prompt costs only the cached rate', () => {
    expect(attemptCostUsd(usage({ inputTokens: 1_234, cachedInputTokens: 1_234 }), sonnet)).toBe(0.0003702);
  });

  it('without cache prices, cached and written tokens cost the input price', () => {
    const plain: PriceTable = { inputPerMTok: 2.5, outputPerMTok: 10 };
    const u = usage({ inputTokens: 4_000, cachedInputTokens: 3_000, cacheWriteTokens: 1_000, outputTokens: 100 });
    expect(attemptCostUsd(u, plain)).toBe(0.011); // 4,000 × 2.5 + 100 × 10 = 11,000 per million
  });

  it('an attempt without reported usage costs nothing', () => {
    expect(attemptCostUsd(undefined, sonnet)).toBe(0);
  });

  it('never bills negative uncached input when a report is inconsistent', () => {
    const u = usage({ inputTokens: 100, cachedInputTokens: 100, cacheWriteTokens: 50 });
    // 100 × 0.3 + 50 × 3.75 = 217.5 per million
    expect(attemptCostUsd(u, sonnet)).toBe(0.0002175);
  });
});
