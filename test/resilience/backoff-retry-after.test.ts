import { describe, expect, it } from 'vitest';
import { nextBackoff, type BackoffPolicy } from '../../services/executor/resilience/backoff.js';

const policy: BackoffPolicy = { baseMs: 100, capMs: 1_000, maxAttempts: 5, jitter: 'none' };

describe('backoff - honours Retry-After within the deadline', () => {
  it('waits at least Retry-After, beyond the cap if need be', () => {
    expect(nextBackoff(policy, { attempt: 1, retryAfterMs: 50 })).toEqual({ retry: true, delayMs: 100 });
    expect(nextBackoff(policy, { attempt: 1, retryAfterMs: 700 })).toEqual({ retry: true, delayMs: 700 });
    expect(nextBackoff(policy, { attempt: 1, retryAfterMs: 5_000 })).toEqual({ retry: true, delayMs: 5_000 });
  });

  it('does not wait when Retry-After is longer than the time left, and says so', () => {
    expect(nextBackoff(policy, { attempt: 1, retryAfterMs: 3_000, remainingMs: 2_000 })).toEqual({
      retry: false,
      reason: 'retry_after_exceeds_deadline',
    });
  });

  it('a Retry-After equal to the time left leaves no time for the attempt', () => {
    expect(nextBackoff(policy, { attempt: 1, retryAfterMs: 2_000, remainingMs: 2_000 })).toEqual({
      retry: false,
      reason: 'retry_after_exceeds_deadline',
    });
  });

  it('waits for a Retry-After that fits the time left', () => {
    expect(nextBackoff(policy, { attempt: 1, retryAfterMs: 1_500, remainingMs: 2_000 })).toEqual({
      retry: true,
      delayMs: 1_500,
    });
  });

  it('keeps minAttemptMs free for the attempt itself', () => {
    const p = { ...policy, minAttemptMs: 600 };
    expect(nextBackoff(p, { attempt: 1, retryAfterMs: 1_500, remainingMs: 2_000 })).toEqual({
      retry: false,
      reason: 'retry_after_exceeds_deadline',
    });
    expect(nextBackoff(p, { attempt: 1, retryAfterMs: 1_300, remainingMs: 2_000 })).toEqual({ retry: true, delayMs: 1_300 });
  });

  it('stops when the jittered delay itself does not fit or the deadline has passed', () => {
    expect(nextBackoff(policy, { attempt: 4, remainingMs: 500 })).toEqual({ retry: false, reason: 'deadline' });
    expect(nextBackoff(policy, { attempt: 1, remainingMs: 0 })).toEqual({ retry: false, reason: 'deadline' });
    expect(nextBackoff(policy, { attempt: 1, remainingMs: -10 })).toEqual({ retry: false, reason: 'deadline' });
  });

  it('refuses a Retry-After above maxRetryAfterMs even without a deadline', () => {
    const p = { ...policy, maxRetryAfterMs: 10_000 };
    expect(nextBackoff(p, { attempt: 1, retryAfterMs: 60_000 })).toEqual({ retry: false, reason: 'retry_after_too_long' });
    expect(nextBackoff(p, { attempt: 1, retryAfterMs: 10_000 })).toEqual({ retry: true, delayMs: 10_000 });
  });
});
