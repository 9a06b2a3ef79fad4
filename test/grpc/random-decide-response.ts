/** Random DecideResponses for the direct encoders' tests: empty and long strings, non-ASCII text, odd numbers. */
import type { DecideResponse__Output as DecideResponse } from '../../services/generated/switchyard/v1/DecideResponse.js';

const STRATEGIES = ['STRATEGY_UNSPECIFIED', 'STRATEGY_SINGLE', 'STRATEGY_CASCADE', 'STRATEGY_SPECULATIVE'] as const;

/** Random responses: empty and long strings (past one length byte), non-ASCII text, zero, negative zero and huge numbers. */
export function randomDecideResponse(rand: () => number): DecideResponse {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const word = () => pick(['', 'gpt-4o', 'claude-sonnet-4-5', 'modèle-é', '中文模型', 'x'.repeat(200), `m${Math.floor(rand() * 1e6)}`]);
  const num = () => pick([0, -0, 1, 0.5, rand(), -rand() * 1e3, 1e-12, 123456.789, Number.MAX_VALUE]);
  const count = () => Math.floor(rand() * 4);
  const strings = () => Array.from({ length: count() }, word);
  return {
    decisionId: pick(['', '0190f5c2-7f3a-7c1e-8a2b-9f0e1d2c3b4a']),
    model: word(),
    fallbacks: strings(),
    candidates: Array.from({ length: Math.floor(rand() * 40) }, () => ({
      model: word(),
      provider: word(),
      eligible: rand() < 0.5,
      excludedReason: pick(['', 'context window: 8,192 tokens, the request needs about 9,000', 'r'.repeat(300)]),
      predictedQuality: num(),
      estimatedCostUsd: num(),
      estimatedLatencyMs: num(),
      score: num(),
      rank: pick([0, 1, 2, 127, 128, 300]),
    })),
    reason: pick(['', 'cheap: the best expected quality (0.812) at about $0.00012; policy balanced', 'é'.repeat(500)]),
    plan: rand() < 0.15 ? null : { strategy: pick(STRATEGIES), models: strings(), checks: strings() },
    policy: word(),
    matchedRules: strings(),
    features: rand() < 0.15 ? null : { estimatedInputTokens: pick([0, 1, 300, 1 << 20]), script: pick(['', 'latin', 'cjk']), promptChars: pick([0, 5, 70_000]) },
    decisionTimeNs: pick([0, 1, 65_000, 2 ** 32 + 5, 2 ** 45]),
    routerModel: word(),
  };
}
