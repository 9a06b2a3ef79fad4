/**
 * Decision records as the drift monitor reads them, on a clock of 10 requests a second: the
 * drift tests' shared builder.
 */
import type { DecisionRecord } from '../../services/generated/switchyard/v1/DecisionRecord.js';

/** 10 requests a second on an injected clock. */
export const STEP_MS = 100;

export function uuid(i: number): string {
  const hex = i.toString(16).padStart(12, '0');
  return `01900000-0000-7000-8000-${hex}`;
}

export interface Rec {
  i: number;
  model: string;
  segment: string;
  predicted: number;
  reason?: string;
  tokens?: number;
  attempts?: NonNullable<DecisionRecord['outcome']>['attempts'];
  finish?: string;
}

export function record(r: Rec): DecisionRecord {
  return {
    decisionId: uuid(r.i),
    timeUnixMs: r.i * STEP_MS,
    labels: { task: r.segment },
    reason: r.reason ?? `${r.model}: best utility; task: lookup (everyday)`,
    features: { estimatedInputTokens: r.tokens ?? 40, script: 'latin' },
    model: r.model,
    candidates: [{ model: r.model, predictedQuality: r.predicted }],
    outcome: {
      answeredModel: r.model,
      attempts: r.attempts ?? [{ model: r.model, status: 'success', usage: { outputTokens: 200 } }],
      finishReason: (r.finish ?? 'FINISH_REASON_STOP') as 'FINISH_REASON_STOP',
    },
  };
}
