/**
 * The routing metadata an answer carries in its headers: the decision, the model that answered,
 * the policy, and the estimated and actual cost. A streamed answer's actual cost is known only at
 * its end, so it travels as a trailer (declared in the headers).
 */
import type { Decision } from '../router/decide/decide.js';

export const COST_HEADER = 'x-switchyard-cost-usd';

export function decisionHeaders(requestId: string, decision: Decision, answeringModel: string): Record<string, string> {
  const r = decision.response;
  const estimate = r.candidates!.find((c) => c.model === answeringModel)?.estimatedCostUsd ?? 0;
  return {
    'x-request-id': requestId,
    'x-switchyard-decision-id': r.decisionId!,
    'x-switchyard-model': answeringModel,
    'x-switchyard-policy': r.policy!,
    'x-switchyard-strategy': decision.plan.strategy,
    'x-switchyard-estimated-cost-usd': estimate.toFixed(8),
  };
}

export function costHeader(costUsd: number): Record<string, string> {
  return { [COST_HEADER]: costUsd.toFixed(8) };
}
