/**
 * The routing metadata an answer carries in its headers: the decision, the model that answered,
 * the policy, and the estimated and actual cost. A streamed answer's actual cost is known only at
 * its end, so it travels as a trailer (declared in the headers). And the one routing header a
 * request may send: how many candidate rows the decision explains.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Decision } from '../router/decide/decide.js';
import { badField } from './http-error.js';

export const COST_HEADER = 'x-switchyard-cost-usd';
/** As DecideRequest.explain_top_k; unset: as over gRPC. */
export const EXPLAIN_TOP_K_HEADER = 'x-switchyard-explain-top-k';

export function decisionHeaders(requestId: string, decision: Decision, answeringModel: string): Record<string, string> {
  const r = decision.response;
  // The plan's costs name every model that can answer; the candidate rows may be cut to the top k.
  const estimate = decision.plannedCostUsd.get(answeringModel) ?? r.candidates!.find((c) => c.model === answeringModel)?.estimatedCostUsd ?? 0;
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

/** The explain_top_k a request's headers ask for; undefined when they do not; a 400 naming the header when it is not a count. */
export function explainTopKOf(headers: IncomingHttpHeaders): number | undefined {
  const raw = headers[EXPLAIN_TOP_K_HEADER];
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? raw.join(',') : raw.trim();
  if (!/^\d{1,9}$/.test(text)) throw badField(EXPLAIN_TOP_K_HEADER, `must be a whole number 0 or more (at most 9 digits), got "${text.slice(0, 32)}"`);
  return Number(text);
}
