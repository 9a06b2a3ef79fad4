/** What a strategy produces, and the context every strategy runs in. */
import { status } from '@grpc/grpc-js';
import { SwitchyardError } from '../../shared/errors.js';
import type { Catalog } from '../../shared/catalog.js';
import type { Config } from '../../shared/config/schema.js';
import type { AttemptInfo, ExecutorClient, InvokeErrorInfo, InvokeInput } from '../../shared/contracts/invoke.js';
import type { FinishReason, ToolCall, Usage } from '../../shared/contracts/provider.js';
import type { Decision } from '../decide/decide.js';

export interface ExecuteResult {
  decision: Decision;
  /** The model whose answer is returned. */
  model: string;
  message: { text: string; toolCalls: ToolCall[] };
  finishReason: FinishReason;
  usage: Usage;
  costUsd: number;
  attempts: AttemptInfo[];
  /** Cascade: whether the returned answer passed the checks, and why not when it did not. */
  check?: { status: 'passed' | 'failed'; reason: string };
  /** The provider's id of the model that answered, and its system fingerprint, when given. */
  responseModel?: string;
  systemFingerprint?: string;
}

export interface StrategyContext {
  decision: Decision;
  executor: ExecutorClient;
  config: Config;
  catalog: Catalog;
  signal: AbortSignal;
  /** Epoch ms by which the whole call must end. */
  deadline: number;
}

/** The provider's own model id and fingerprint of an answer, for ExecuteResult. */
export function provenance(r: { responseModel: string; systemFingerprint?: string }): Pick<ExecuteResult, 'responseModel' | 'systemFingerprint'> {
  return { responseModel: r.responseModel, ...(r.systemFingerprint ? { systemFingerprint: r.systemFingerprint } : {}) };
}

/** The invocation of `model` for this request and step. */
export function invokeInput(ctx: StrategyContext, model: string, step: string, overrides: Partial<InvokeInput['request']> = {}): InvokeInput {
  const req = ctx.decision.request;
  return {
    model,
    request: {
      messages: req.messages,
      ...(req.tools.length ? { tools: req.tools } : {}),
      responseFormat: req.responseFormat,
      ...(req.maxOutputTokens ? { maxOutputTokens: req.maxOutputTokens } : {}),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...overrides,
    },
    allowedRegions: req.regions,
    decisionId: ctx.decision.response.decisionId!,
    step,
    deadline: ctx.deadline,
  };
}

/** The gRPC status a failed execution answers with, by the last error's kind. */
const STATUS_BY_KIND: Record<string, status> = {
  rate_limit: status.RESOURCE_EXHAUSTED,
  bad_request: status.INVALID_ARGUMENT,
  context_length: status.INVALID_ARGUMENT,
  content_filter: status.FAILED_PRECONDITION,
  auth: status.FAILED_PRECONDITION,
  permission: status.FAILED_PRECONDITION,
  not_found: status.FAILED_PRECONDITION,
  aborted: status.CANCELLED,
  excluded: status.FAILED_PRECONDITION,
  invalid_request: status.INVALID_ARGUMENT,
  check_failed: status.FAILED_PRECONDITION,
  // Every executor tried was at its bound on calls in flight: load, as server.max_in_flight answers it.
  executor_busy: status.RESOURCE_EXHAUSTED,
};

function describe(error: InvokeErrorInfo, attempts: readonly AttemptInfo[], partial: boolean): string {
  const trail = attempts.map((a) => `${a.model}${a.deployment ? `@${a.deployment}` : ''} [${a.step}] ${a.outcome}${a.error ? `: ${a.error}` : ''}`).join('; ');
  const head = partial
    ? `the answer stream failed after it began, so the output sent is partial: ${error.message}`
    : error.kind === 'check_failed'
      ? `the last cascade stage's answer failed its check and the policy returns no failing answer (on_final_check_failure: error): ${error.message}`
      : error.kind === 'context_length'
      ? `the request does not fit the context window of any model the plan allows: ${error.message}`
      : `no model could answer: ${error.kind}: ${error.message}`;
  return `${head} (attempts: ${trail || 'none'})`;
}

/** Thrown when every model the plan allows has failed; carries the trail. */
export class ExecuteFailedError extends SwitchyardError {
  readonly code: status;
  /** The decision whose plan failed, once the engine knows it (for logs and metrics). */
  decision?: Decision;
  constructor(
    readonly error: InvokeErrorInfo,
    readonly attempts: AttemptInfo[],
    readonly partial = false,
  ) {
    super(describe(error, attempts, partial));
    this.code = partial ? status.UNAVAILABLE : (STATUS_BY_KIND[error.kind] ?? (error.kind === 'timeout' ? status.DEADLINE_EXCEEDED : status.UNAVAILABLE));
  }
}
