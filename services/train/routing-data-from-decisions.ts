/**
 * Decision records as routing data (DESIGN.md "Routing data"; services/shared/routing-data.ts),
 * so `switchyard eval` and `train` read the router's own traffic. One line per record that has
 * an answer (from Execute or ReportOutcome) and a value of the chosen feedback metric:
 *
 *   {"id": <prompt hash>, "prompt": <last user message, or "" without prompt logging>,
 *    "segment": <task label, else script>, "outcomes": {<answering model>: {"quality",
 *    "input_tokens", "output_tokens", "cost_usd"}}, "decision_id", "feedback": {metric: mean},
 *    "policy", "chosen": <chosen model>, "propensities": {<eligible model>: <choice probability>},
 *    "candidates": {<eligible model>: {"predicted_quality", "estimated_cost_usd", "estimated_latency_ms"}}}
 *
 * The last four let `switchyard eval --from-log` weigh each decision by the probability it was
 * made with (evaluation/off-policy.ts).
 *
 * Quality is the metric's mean value mapped from [min, max] onto [0, 1] (flipped when lower is
 * better). The id is the prompt hash, so decisions on one prompt share a cross-validation fold.
 */
import type { DecisionView__Output } from '../generated/switchyard/v1/DecisionView.js';
import { segmentOf } from '../router/record/decision-views.js';

export interface QualityMapping {
  /** The feedback metric that grades an answer; default: the first one a record has. */
  metric?: string;
  min: number;
  max: number;
  lowerIsBetter: boolean;
}

export interface RoutingDataLine {
  id: string;
  prompt: string;
  segment: string;
  outcomes: Record<string, { quality: number; input_tokens: number; output_tokens: number; cost_usd: number }>;
  decision_id: string;
  feedback: Record<string, number>;
  policy: string;
  chosen: string;
  propensities: Record<string, number>;
  candidates: Record<string, { predicted_quality: number; estimated_cost_usd: number; estimated_latency_ms: number }>;
}

export type ExportSkip = 'no answer' | 'no feedback';

export function routingDataLine(v: DecisionView__Output, q: QualityMapping): RoutingDataLine | ExportSkip {
  const r = v.record!;
  const sums = new Map<string, { sum: number; n: number }>();
  for (const f of v.feedback) {
    const s = sums.get(f.metric) ?? { sum: 0, n: 0 };
    s.sum += f.value;
    s.n++;
    sums.set(f.metric, s);
  }
  const feedback = Object.fromEntries([...sums].map(([m, s]) => [m, s.sum / s.n]));
  let model = '';
  let usage = { inputTokens: 0, outputTokens: 0 };
  let cost = 0;
  const o = r.outcome;
  if (o?.answeredModel) {
    model = o.answeredModel;
    const a = [...o.attempts].reverse().find((x) => x.model === model && x.status === 'success');
    usage = { inputTokens: a?.usage?.inputTokens ?? 0, outputTokens: a?.usage?.outputTokens ?? 0 };
    cost = a?.costUsd ?? 0;
  } else if (v.reportedOutcome && !v.reportedOutcome.errorCode) {
    model = v.reportedOutcome.model;
    usage = { inputTokens: v.reportedOutcome.usage?.inputTokens ?? 0, outputTokens: v.reportedOutcome.usage?.outputTokens ?? 0 };
    cost = v.reportedOutcome.costUsd;
  }
  if (!model) return 'no answer';
  const metric = q.metric ?? v.feedback[0]?.metric;
  const value = metric === undefined ? undefined : feedback[metric];
  if (value === undefined) return 'no feedback';
  const scaled = Math.min(1, Math.max(0, (value - q.min) / (q.max - q.min || 1)));
  const prompt = [...r.prompt].reverse().find((m) => m.role === 'ROLE_USER')?.text ?? '';
  return {
    id: r.promptHash,
    prompt,
    segment: segmentOf(r),
    outcomes: { [model]: { quality: q.lowerIsBetter ? 1 - scaled : scaled, input_tokens: usage.inputTokens, output_tokens: usage.outputTokens, cost_usd: cost } },
    decision_id: r.decisionId,
    feedback,
    policy: r.policy,
    chosen: r.model,
    propensities: Object.fromEntries(r.candidates.filter((c) => c.eligible).map((c) => [c.model, c.choiceProbability])),
    candidates: Object.fromEntries(
      r.candidates.filter((c) => c.eligible).map((c) => [c.model, { predicted_quality: c.predictedQuality, estimated_cost_usd: c.estimatedCostUsd, estimated_latency_ms: c.estimatedLatencyMs }]),
    ),
  };
}
