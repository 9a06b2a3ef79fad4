/**
 * Retrying one call against one deployment.
 *
 * `retry(fn, options)` calls `fn` until it resolves or until retrying cannot help:
 *
 *  - only errors that `isRetryable` accepts are retried (default: the error's own `retryable`
 *    flag, see failure.ts); any other error is rethrown at once;
 *  - the wait between attempts comes from backoff.ts, which honours the error's Retry-After
 *    and the overall `deadline`; when it says stop, the last error is rethrown;
 *  - nothing starts after `signal` aborts: an abort during a wait rejects with
 *    `signal.reason`, an attempt that fails while the signal is aborted is not retried and its
 *    error is rethrown;
 *  - every attempt is reported to `onAttempt` as it ends (outcome, error, latency, and what
 *    happens next), in order, before the next attempt starts.
 *
 * Retry does not time attempts out: pass `fn` a signal with its own timeout for that.
 */
import { nextBackoff, type BackoffPolicy, type BackoffStopReason } from './backoff.js';
import { systemClock, type Clock } from './clock.js';
import { asFailure } from '../../shared/contracts/failure.js';
import type { Random } from './random.js';

/**
 * How one attempt ended, as ExecuteResponse's AttemptOutcome names it: a failure is
 * 'retryable_error' when `isRetryable` accepts its error (whether or not a retry followed) and
 * 'fatal_error' otherwise.
 */
export type AttemptOutcome = 'success' | 'retryable_error' | 'fatal_error';

/** Why no further attempt follows a failed one. */
export type RetryStopReason = BackoffStopReason | 'not_retryable' | 'aborted';

export interface AttemptRecord {
  /** 1 for the first attempt. */
  attempt: number;
  outcome: AttemptOutcome;
  /** What the attempt threw, unless it succeeded. */
  error?: unknown;
  startedAtMs: number;
  latencyMs: number;
  /** Set when another attempt follows: the wait before it. */
  nextDelayMs?: number;
  /** Set on a failed attempt that is the last one: why. */
  stop?: RetryStopReason;
}

export interface RetryOptions {
  backoff: BackoffPolicy;
  /** Attempts in all, the first included; defaults to `backoff.maxAttempts`. */
  attempts?: number;
  /** Absolute time (on `clock`'s scale) by which the whole call must be done. */
  deadline?: number;
  signal?: AbortSignal;
  /** Whether an error is worth another attempt. Default: `asFailure(error)?.retryable === true`. */
  isRetryable?: (error: unknown) => boolean;
  /** Retry-After of an error, in ms. Default: `asFailure(error)?.retryAfterMs`. */
  retryAfterMs?: (error: unknown) => number | undefined;
  onAttempt?: (record: AttemptRecord) => void;
  clock?: Clock;
  random?: Random;
}

export function defaultIsRetryable(error: unknown): boolean {
  return asFailure(error)?.retryable === true;
}

/** Calls `fn(attempt)` (attempt counts from 1) until it succeeds or retrying cannot help. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const isRetryable = options.isRetryable ?? defaultIsRetryable;
  const retryAfterOf = options.retryAfterMs ?? ((error: unknown) => asFailure(error)?.retryAfterMs);
  const policy: BackoffPolicy =
    options.attempts === undefined ? options.backoff : { ...options.backoff, maxAttempts: options.attempts };
  const { signal, deadline, onAttempt } = options;

  let previousDelayMs: number | undefined;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    const startedAtMs = clock.now();
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await fn(attempt) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    if (outcome.ok) {
      onAttempt?.({ attempt, outcome: 'success', startedAtMs, latencyMs: clock.now() - startedAtMs });
      return outcome.value;
    }

    const { error } = outcome;
    const endedAtMs = clock.now();
    const retryable = isRetryable(error);
    const failed = {
      attempt,
      outcome: retryable ? ('retryable_error' as const) : ('fatal_error' as const),
      error,
      startedAtMs,
      latencyMs: endedAtMs - startedAtMs,
    };
    if (signal?.aborted) {
      onAttempt?.({ ...failed, stop: 'aborted' });
      throw error;
    }
    if (!retryable) {
      onAttempt?.({ ...failed, stop: 'not_retryable' });
      throw error;
    }
    const retryAfterMs = retryAfterOf(error);
    const decision = nextBackoff(
      policy,
      {
        attempt,
        ...(previousDelayMs !== undefined ? { previousDelayMs } : {}),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        ...(deadline !== undefined ? { remainingMs: deadline - endedAtMs } : {}),
      },
      random,
    );
    if (!decision.retry) {
      onAttempt?.({ ...failed, stop: decision.reason });
      throw error;
    }
    onAttempt?.({ ...failed, nextDelayMs: decision.delayMs });
    previousDelayMs = decision.delayMs;
    await clock.sleep(decision.delayMs, signal);
  }
}
