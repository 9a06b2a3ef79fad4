import { describe, expect, it } from 'vitest';
import { RateLimiter, type Reservation } from '../../services/executor/resilience/rate-limiter.js';
import { ManualClock } from './support/fakes.js';

function acquire(limiter: RateLimiter, tokens: number): Reservation {
  const admission = limiter.tryAcquire(tokens);
  if (!admission.ok) throw new Error(`refused: ${admission.reason}`);
  return admission;
}

describe('rate limiter - TPM corrected with actual usage', () => {
  it('gives back the part of an estimate that was not used', () => {
    const limiter = new RateLimiter({ tpm: 10_000, clock: new ManualClock() });
    const reservation = acquire(limiter, 8_000);
    expect(limiter.tryAcquire(4_000).ok).toBe(false);
    reservation.release(2_000);
    expect(limiter.snapshot().tokenHeadroom).toBe(0.8);
    expect(limiter.tryAcquire(8_000).ok).toBe(true);
  });

  it('takes the rest of an underestimate, so later calls wait for it', () => {
    const clock = new ManualClock({ startMs: 0 });
    const limiter = new RateLimiter({ tpm: 60_000, clock });
    const reservation = acquire(limiter, 1_000);
    reservation.release(61_000); // 60,000 more than estimated: the bucket is now 1,000 below empty
    expect(limiter.tryAcquire(1_000)).toEqual({ ok: false, reason: 'tpm', retryInMs: 2_000 });
  });

  it('release() without a figure keeps the estimate', () => {
    const limiter = new RateLimiter({ tpm: 10_000, clock: new ManualClock() });
    acquire(limiter, 4_000).release();
    expect(limiter.snapshot().tokenHeadroom).toBe(0.6);
  });

  it('only the first release counts, and in-flight calls are tracked', () => {
    const limiter = new RateLimiter({ tpm: 10_000, clock: new ManualClock() });
    const a = acquire(limiter, 5_000);
    const b = acquire(limiter, 1_000);
    expect(limiter.inFlight).toBe(2);
    a.release(0);
    a.release(0);
    a.release(10_000);
    expect(limiter.inFlight).toBe(1);
    expect(limiter.snapshot().tokenHeadroom).toBe(0.9);
    b.release(1_000);
    expect(limiter.inFlight).toBe(0);
  });

  it('corrects the provider-reported token budget the estimate was taken from', () => {
    const limiter = new RateLimiter({ headroom: 0, clock: new ManualClock() });
    limiter.observe({ limitTokens: 10_000, remainingTokens: 10_000, resetTokensMs: 60_000 });
    const reservation = acquire(limiter, 9_000);
    expect(limiter.check(2_000)).toMatchObject({ ok: false, reason: 'provider_tokens' });
    reservation.release(3_000);
    expect(limiter.snapshot().tokenHeadroom).toBe(0.7);
    expect(limiter.check(2_000)).toEqual({ ok: true });
  });

  it('leaves a newer provider report alone', () => {
    const limiter = new RateLimiter({ headroom: 0, clock: new ManualClock() });
    limiter.observe({ limitTokens: 10_000, remainingTokens: 10_000, resetTokensMs: 60_000 });
    const reservation = acquire(limiter, 9_000);
    limiter.observe({ limitTokens: 10_000, remainingTokens: 4_000, resetTokensMs: 60_000 });
    reservation.release(1_000);
    expect(limiter.snapshot().tokenHeadroom).toBe(0.4);
  });
});
