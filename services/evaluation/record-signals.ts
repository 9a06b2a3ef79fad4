/**
 * What the drift detectors read from the decision log: pure functions from a decision record,
 * a reported outcome or feedback to the detectors' observations. Nothing here reads prompt or
 * answer text; the record's summary (sizes, script, labels, the reason's task family) is enough.
 *
 *  - Provider shift: every attempt that reached the provider is an answer or an error of its
 *    model; the answering attempt also says whether the answer was cut short (finish reason
 *    `length`), refused (a failed refusal check, or the provider's content filter) and how long
 *    it was (the call's output tokens).
 *  - Traffic mix: the task family the router read (the reason's `task: <family>`), the prompt's
 *    length bucket, its script (language) and its segment.
 *  - Quality: the model that answered, the record's segment and the quality the router
 *    predicted for that model; feedback later says what was observed.
 */
import type { RecordView } from '../router/record/record-view.js';
import type { ReportedOutcome } from '../generated/switchyard/v1/ReportedOutcome.js';
import type { AnswerObservation } from './provider-shift.js';
import { segmentKey } from '../shared/segment.js';

/** Attempt statuses that reached the provider: answers, and errors. */
const ANSWERED = new Set(['success', 'rejected']);
const FAILED = new Set(['retryable_error', 'fatal_error']);
const TASK = /(?:^|; )task: ([a-z][a-z-]*) \(/;

/** Upper bounds (estimated input tokens) of the length buckets. */
const LENGTH_BUCKETS: ReadonlyArray<[number, string]> = [
  [64, '<64'],
  [256, '64-256'],
  [1_024, '256-1k'],
  [4_096, '1k-4k'],
  [16_384, '4k-16k'],
];

export function lengthBucket(tokens: number): string {
  for (const [max, name] of LENGTH_BUCKETS) if (tokens < max) return name;
  return '16k+';
}

/** The routing-data segment of a record: its task label, else the prompt's script (as the decision log's filters read it). */
export function recordSegment(r: RecordView): string {
  return segmentKey(r.labels?.task, r.features?.script);
}

/** The task family the router read, from the decision's reason; `unknown` when it gave none. */
export function taskFamily(r: RecordView): string {
  return TASK.exec(r.reason ?? '')?.[1] ?? 'unknown';
}

export function trafficFeatures(r: RecordView, segment: string): Record<string, string> {
  return {
    task_family: taskFamily(r),
    length: lengthBucket(Number(r.features?.estimatedInputTokens ?? 0)),
    language: r.features?.script || 'unknown',
    segment,
  };
}

/** Each provider call of an Execute record, as provider-shift observations (none for Decide records). */
export function answerObservations(r: RecordView, atMs: number): AnswerObservation[] {
  const o = r.outcome;
  if (!o) return [];
  const out: AnswerObservation[] = [];
  const attempts = o.attempts ?? [];
  // The answering attempt is the last success of the model that answered.
  let answering = -1;
  for (let i = attempts.length - 1; i >= 0; i--) {
    if (attempts[i]!.model === o.answeredModel && attempts[i]!.status === 'success') {
      answering = i;
      break;
    }
  }
  attempts.forEach((a, i) => {
    const model = a.model ?? '';
    if (!model) return;
    if (FAILED.has(a.status ?? '')) {
      out.push({ model, error: true, refusal: false, truncated: false, atMs });
      return;
    }
    if (!ANSWERED.has(a.status ?? '')) return;
    const refusedByCheck = (o.checks ?? []).some((c) => c.model === model && !c.passed && (c.verdict ?? '').startsWith('refusal'));
    if (i !== answering) {
      out.push({ model, error: false, refusal: refusedByCheck, truncated: false, atMs });
      return;
    }
    const tokens = Number(a.usage?.outputTokens ?? 0);
    out.push({
      model,
      error: false,
      refusal: refusedByCheck || o.finishReason === 'FINISH_REASON_CONTENT_FILTER',
      truncated: o.finishReason === 'FINISH_REASON_LENGTH',
      ...(tokens > 0 ? { outputTokens: tokens } : {}),
      atMs,
    });
  });
  return out;
}

/** A call the client made itself after Decide, as a provider-shift observation. */
export function reportedObservation(o: ReportedOutcome, atMs: number): AnswerObservation | undefined {
  if (!o.model) return undefined;
  if (o.errorCode) return { model: o.model, error: true, refusal: false, truncated: false, atMs };
  const tokens = Number(o.usage?.outputTokens ?? 0);
  return {
    model: o.model,
    error: false,
    refusal: o.finishReason === 'FINISH_REASON_CONTENT_FILTER',
    truncated: o.finishReason === 'FINISH_REASON_LENGTH',
    ...(tokens > 0 ? { outputTokens: tokens } : {}),
    atMs,
  };
}

/** What feedback on this decision grades: the model that answered (or was chosen), and what the router predicted for it. */
export function qualityTarget(r: RecordView): { model: string; predicted: number } | undefined {
  const model = r.outcome ? r.outcome.answeredModel : r.model;
  if (!model) return undefined;
  const c = (r.candidates ?? []).find((x) => x.model === model);
  const predicted = Number(c?.predictedQuality ?? Number.NaN);
  return Number.isFinite(predicted) ? { model, predicted } : undefined;
}
