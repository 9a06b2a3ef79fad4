/**
 * What a router asks of an executor and what it gets back, in process or over gRPC
 * (ExecutorService). An executor calls one model: it balances over the model's deployments,
 * retries where retrying can help, and reports every call it made. Failing over to another
 * model is the router's decision, made from `InvokeFailure.error`.
 */
import type { ChatRequest, ChatResult, ToolCall, Usage } from './provider.js';

export type AttemptOutcomeName = 'success' | 'rejected' | 'retryable_error' | 'fatal_error' | 'skipped';

/** One call of a model (or a decision not to call it), for the attempt trail. */
export interface AttemptInfo {
  model: string;
  deployment: string;
  step: string;
  outcome: AttemptOutcomeName;
  error: string;
  latencyMs: number;
  /** Streams: from the attempt's start to its first text or tool call; absent otherwise. */
  ttftMs?: number;
  usage: Usage;
  costUsd: number;
  check: string;
}

export interface InvokeInput {
  /** Catalog id. */
  model: string;
  /** The request; `model` inside is ignored (the deployment's model name is used). */
  request: Omit<ChatRequest, 'model'>;
  allowedRegions: readonly string[];
  decisionId: string;
  step: string;
  /** Streams only: time to first event; 0 or absent = the executor's default. */
  ttftTimeoutMs?: number;
  /** The caller's deadline (epoch ms): retries do not wait past it. */
  deadline?: number;
}

/** Why an invocation failed, in terms a router can act on. */
export interface InvokeErrorInfo {
  /** A ProviderError kind, or 'unavailable' when no deployment could be tried. */
  kind: string;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
  httpStatus?: number;
}

export interface InvokeSuccess {
  ok: true;
  model: string;
  deployment: string;
  result: ChatResult;
  usage: Usage;
  costUsd: number;
  attempts: AttemptInfo[];
}

export interface InvokeFailure {
  ok: false;
  model: string;
  error: InvokeErrorInfo;
  usage: Usage;
  costUsd: number;
  attempts: AttemptInfo[];
}

export type InvokeOutcome = InvokeSuccess | InvokeFailure;

export type InvokeEvent =
  | { type: 'start'; deployment: string }
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; toolCall: ToolCall }
  | { type: 'done'; outcome: InvokeSuccess }
  /** `partial`: some text or tool calls were already sent. */
  | { type: 'error'; outcome: InvokeFailure; partial: boolean };

/** An executor, in process or remote. */
export interface ExecutorClient {
  invoke(input: InvokeInput, signal: AbortSignal): Promise<InvokeOutcome>;
  /** Never throws for provider failures: they arrive as the final 'error' event. */
  invokeStream(input: InvokeInput, signal: AbortSignal): AsyncIterable<InvokeEvent>;
}
