/**
 * What the resilience blocks need to know about a failed call, as a structural type:
 * ProviderError (providers/errors.ts) satisfies it, and so can any error the executor raises
 * itself. Nothing here depends on the error classes.
 */
export interface FailureLike {
  /** Provider-neutral kind, e.g. 'rate_limit', 'server', 'context_length', 'bad_request'. */
  kind: string;
  /** Whether sending the same request again (here or to another deployment) can help. */
  retryable: boolean;
  /** The provider's Retry-After, in milliseconds. */
  retryAfterMs?: number;
}

/** The kind a provider error has when the prompt does not fit the model's context window. */
export const CONTEXT_LENGTH_KIND = 'context_length';
/** The kind of a 429 (or a provider's equivalent). */
export const RATE_LIMIT_KIND = 'rate_limit';
/**
 * The kind of a call no executor would take because each was at its bound on calls in flight
 * (executor.max_in_flight): the executors are loaded, no provider or deployment failed.
 */
export const EXECUTOR_BUSY_KIND = 'executor_busy';
/** The kind of a call cancelled by its caller. */
export const ABORTED_KIND = 'aborted';
/** Kinds of failures that arise before or outside the provider call: never an endpoint's fault. */
export const LOCAL_KINDS: ReadonlySet<string> = new Set(['invalid_request', 'internal']);

/** The error as a FailureLike when it carries `kind` and `retryable`; otherwise undefined. */
export function asFailure(error: unknown): FailureLike | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { kind, retryable, retryAfterMs } = error as Record<string, unknown>;
  if (typeof kind !== 'string' || typeof retryable !== 'boolean') return undefined;
  return typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0
    ? { kind, retryable, retryAfterMs }
    : { kind, retryable };
}
