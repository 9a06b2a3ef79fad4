/**
 * What Switchyard counts, as one small interface every part calls: the router for decisions
 * and executions, the decision log for feedback and its queue, the executor for its circuits.
 *
 * Contract for every method:
 *  - it never throws and never awaits; it is safe on the Decide hot path;
 *  - label values are bounded: model ids, policy names, check names and feedback metric names
 *    are checked against the configuration the recorder was built from, and anything else is
 *    counted under `other` (so a client-supplied string can never become a label value);
 *  - no prompt text, answer text or key is ever passed in.
 *
 * `NOOP_METRICS` is the recorder when metrics are off: every method returns at once.
 */

/** Why a decision chose its model, as a small fixed set (never free text). */
export const REASON_KINDS = ['best_utility', 'rule_pin', 'session_affinity', 'only_eligible'] as const;
export type ReasonKind = (typeof REASON_KINDS)[number];

/** Why an attempt was skipped without calling the provider. */
export type SkipKind = 'rate_limit' | 'circuit_open';

export type CircuitStateName = 'closed' | 'open' | 'half_open';
export const CIRCUIT_STATES: readonly CircuitStateName[] = ['closed', 'open', 'half_open'];

export const DRIFT_KINDS = ['quality', 'provider', 'traffic'] as const;
export type DriftKindName = (typeof DRIFT_KINDS)[number];
/** What a drift alarm measured: quality, a provider measure, or a traffic feature. */
export const DRIFT_MEASURES = ['quality', 'error_rate', 'refusal_rate', 'truncation_rate', 'answer_length', 'task_family', 'length', 'language', 'segment'] as const;

export interface CircuitReading {
  model: string;
  deployment: string;
  state: CircuitStateName;
}

/** One Execute or ExecuteStream that ended, answered or not. */
export interface OperationFacts {
  /** What the client asked for: a model it required, or the routed name `switchyard/<policy>`. */
  requestModel: string;
  policy: string;
  /** The catalog model that answered; absent when none did. */
  responseModel?: string;
  /** Provider kind of the answering model (config `provider`). */
  provider?: string;
  /** Set when the operation failed: the last error's kind. */
  errorType?: string;
  seconds: number;
  inputTokens: number;
  outputTokens: number;
}

/** Why a sampled request was not graded by shadow evaluation (services/router/shadow/). */
export const SHADOW_SKIP_REASONS = [
  'answered_by_reference',
  'reference_not_allowed',
  'judge_not_allowed',
  'queue_full',
  'budget',
  'budget_unavailable',
  'reference_failed',
  'judge_failed',
  'unparsable_verdict',
] as const;
export type ShadowSkipReason = (typeof SHADOW_SKIP_REASONS)[number];

/** One thing shadow evaluation did: a reference or judge call (with its cost), a grade, or a skip. */
export type ShadowFact =
  | { kind: 'call'; role: 'reference' | 'judge'; model: string; ok: boolean; costUsd: number; policy: string }
  | { kind: 'grade'; policy: string; grade: 'win' | 'tie' | 'loss' }
  | { kind: 'skip'; reason: ShadowSkipReason };

export interface MetricsRecorder {
  readonly enabled: boolean;
  /** One decision (Decide, or the decision an Execute starts with). */
  decision(model: string, policy: string, strategy: string, reason: ReasonKind, seconds: number): void;
  /** GenAI operation duration and token usage. */
  operation(facts: OperationFacts): void;
  /** A stream's first chunk reached the client `seconds` after the call began. */
  firstChunk(requestModel: string, responseModel: string, provider: string, seconds: number): void;
  /** Money spent on `model`'s calls for a request decided under `policy`. */
  cost(model: string, policy: string, usd: number): void;
  /** What the policy's reference model would have cost for the same answer, and the saving. */
  reference(policy: string, referenceUsd: number, savedUsd: number): void;
  /** The request moved from its chosen model to a fallback (counted per move). */
  fallback(policy: string, toModel: string): void;
  /** An answer failed a check; `escalated` when a later stage was tried because of it. */
  checkFailed(check: string, model: string, escalated: boolean): void;
  /** An attempt was skipped without a provider call. */
  skipped(model: string, why: SkipKind): void;
  /** An answer read part of its prompt from the provider's cache. */
  promptCacheHit(model: string, cachedTokens: number): void;
  /** A feedback value arrived for a configured feedback metric. */
  feedback(metric: string, value: number): void;
  /** The decision log's queue: its depth now, and how many records it has dropped in total. */
  recordQueue(depth: number, droppedTotal: number): void;
  /** Registers a source of circuit-breaker states, read at each collection. */
  observeCircuits(read: () => Iterable<CircuitReading>): void;
  /** Shadow evaluation: calls and their spend, grades, skips by reason. */
  shadow(fact: ShadowFact): void;

  /** A drift alarm was raised; `model` and `segment` are empty for traffic alarms. */
  driftAlarm(kind: DriftKindName, model: string, segment: string, measure: string): void;
  /** Registers the source of the number of active drift alarms per kind, read at each collection. */
  observeDriftAlarms(read: () => Readonly<Record<DriftKindName, number>>): void;
}

export const NOOP_METRICS: MetricsRecorder = Object.freeze({
  enabled: false,
  decision() {},
  operation() {},
  firstChunk() {},
  cost() {},
  reference() {},
  fallback() {},
  checkFailed() {},
  skipped() {},
  promptCacheHit() {},
  feedback() {},
  recordQueue() {},
  observeCircuits() {},
  shadow() {},

  driftAlarm() {},
  observeDriftAlarms() {},
});
