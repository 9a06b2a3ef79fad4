/**
 * Jittered exponential backoff with Retry-After and a total deadline.
 *
 * `nextBackoff` answers one question after a failed attempt: wait how long before the next
 * one, or stop and why. It is pure (the randomness is passed in), so the executor, retry.ts
 * and tests share one rule:
 *
 *  - no more attempts after `maxAttempts` (which counts the first);
 *  - the jittered delay grows from `baseMs` towards `capMs` (see Jitter);
 *  - a Retry-After raises the delay to at least that much, above `capMs` if it must: the
 *    provider said when it will answer, and asking earlier only earns another 429;
 *  - a wait that would not leave `minAttemptMs` before the deadline is not taken. When it is
 *    Retry-After that does not fit, the answer says so ('retry_after_exceeds_deadline'), so the
 *    caller fails over instead of retrying something that cannot succeed in time.
 */
import type { Random } from './random.js';

/**
 * - 'full': uniform in [0, min(cap, base · 2^(n−1))] before retry n (AWS "full jitter").
 * - 'decorrelated': uniform in [base, previous · 3], at most cap (AWS "decorrelated jitter");
 *   spreads retries of many callers well and does not depend on the attempt count.
 * - 'none': exactly min(cap, base · 2^(n−1)); for tests and for callers that add their own.
 */
export type Jitter = 'full' | 'decorrelated' | 'none';

export interface BackoffPolicy {
  /** First delay (or its upper bound, with full jitter). */
  baseMs: number;
  /** Largest jittered delay. A Retry-After may exceed it. */
  capMs: number;
  /** Attempts in all, the first included; 1 means never retry. */
  maxAttempts: number;
  jitter: Jitter;
  /** A Retry-After longer than this is not waited for ('retry_after_too_long'). Default: none. */
  maxRetryAfterMs?: number;
  /** Time an attempt needs at least: a wait that leaves less before the deadline is not taken. Default 0. */
  minAttemptMs?: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({
  baseMs: 250,
  capMs: 8_000,
  maxAttempts: 3,
  jitter: 'full',
});

export interface BackoffInput {
  /** Attempts made so far (1 after the first failure). */
  attempt: number;
  /** The delay waited before the previous attempt; decorrelated jitter grows from it. */
  previousDelayMs?: number;
  /** The failed attempt's Retry-After, in milliseconds. */
  retryAfterMs?: number;
  /** Time left until the overall deadline; absent when there is none. */
  remainingMs?: number;
}

export type BackoffStopReason =
  /** `maxAttempts` attempts were made. */
  | 'attempts_exhausted'
  /** The provider asks for a wait longer than the time left. */
  | 'retry_after_exceeds_deadline'
  /** The provider asks for a wait longer than `maxRetryAfterMs`. */
  | 'retry_after_too_long'
  /** The jittered wait (or the deadline itself) leaves no time for another attempt. */
  | 'deadline';

export type BackoffDecision =
  | { retry: true; delayMs: number }
  | { retry: false; reason: BackoffStopReason };

/** Throws RangeError for a policy that cannot work; call it when the config loads. */
export function validateBackoffPolicy(policy: BackoffPolicy): void {
  if (!(policy.baseMs >= 0 && Number.isFinite(policy.baseMs))) throw new RangeError('backoff baseMs must be a finite number >= 0');
  if (!(policy.capMs >= policy.baseMs)) throw new RangeError('backoff capMs must be >= baseMs');
  if (!(Number.isInteger(policy.maxAttempts) && policy.maxAttempts >= 1)) {
    throw new RangeError('backoff maxAttempts must be an integer >= 1');
  }
  if (policy.maxRetryAfterMs !== undefined && !(policy.maxRetryAfterMs >= 0)) {
    throw new RangeError('backoff maxRetryAfterMs must be >= 0');
  }
  if (policy.minAttemptMs !== undefined && !(policy.minAttemptMs >= 0)) {
    throw new RangeError('backoff minAttemptMs must be >= 0');
  }
}

/** Whether to retry after attempt `input.attempt` failed, and after how long. */
export function nextBackoff(policy: BackoffPolicy, input: BackoffInput, random: Random = Math.random): BackoffDecision {
  if (input.attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts_exhausted' };
  const minAttemptMs = policy.minAttemptMs ?? 0;
  const remainingMs = input.remainingMs ?? Number.POSITIVE_INFINITY;
  if (remainingMs <= minAttemptMs) return { retry: false, reason: 'deadline' };

  const retryAfterMs = input.retryAfterMs;
  if (retryAfterMs !== undefined) {
    if (policy.maxRetryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) {
      return { retry: false, reason: 'retry_after_too_long' };
    }
    if (retryAfterMs + minAttemptMs >= remainingMs) return { retry: false, reason: 'retry_after_exceeds_deadline' };
  }

  const delayMs = Math.max(jitteredDelay(policy, input, random), retryAfterMs ?? 0);
  if (delayMs + minAttemptMs >= remainingMs) return { retry: false, reason: 'deadline' };
  return { retry: true, delayMs };
}

/** The delay from the jitter rule alone, before Retry-After and the deadline. */
export function jitteredDelay(policy: BackoffPolicy, input: BackoffInput, random: Random = Math.random): number {
  const { baseMs, capMs } = policy;
  switch (policy.jitter) {
    case 'none':
      return exponential(baseMs, capMs, input.attempt);
    case 'full':
      return random() * exponential(baseMs, capMs, input.attempt);
    case 'decorrelated': {
      const previous = Math.max(baseMs, input.previousDelayMs ?? baseMs);
      const high = Math.min(capMs, previous * 3);
      return Math.min(capMs, baseMs + random() * Math.max(0, high - baseMs));
    }
    default:
      throw new RangeError(`unknown jitter ${String(policy.jitter satisfies never)}`);
  }
}

/** min(cap, base · 2^(attempt − 1)), safe from overflow for any attempt count. */
function exponential(baseMs: number, capMs: number, attempt: number): number {
  const exponent = Math.max(0, attempt - 1);
  if (exponent >= 52) return capMs;
  return Math.min(capMs, baseMs * 2 ** exponent);
}
