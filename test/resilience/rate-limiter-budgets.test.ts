import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../services/executor/resilience/rate-limiter.js';
import { ManualClock } from './support/fakes.js';

describe('rate limiter - configured RPM and TPM budgets', () => {
  it('admits rpm requests, then refuses with the time until one more fits', async () => {
    const clock = new ManualClock({ startMs: 0 });
    const limiter = new RateLimiter({ rpm: 3, clock });
    for (let i = 0; i < 3; i++) expect(limiter.tryAcquire(0).ok).toBe(true);
    expect(limiter.tryAcquire(0)).toEqual({ ok: false, reason: 'rpm', retryInMs: 20_000 });
    await clock.advance(19_999);
    expect(limiter.tryAcquire(0).ok).toBe(false);
    await clock.advance(1);
    expect(limiter.tryAcquire(0).ok).toBe(true);
  });

  it('admits calls while their estimated tokens fit the TPM budget', async () => {
    const clock = new ManualClock({ startMs: 0 });
    const limiter = new RateLimiter({ tpm: 60_000, clock });
    expect(limiter.tryAcquire(50_000).ok).toBe(true);
    expect(limiter.tryAcquire(10_000).ok).toBe(true);
    // Empty: 5,000 tokens come back in 5 s (1,000 per second).
    expect(limiter.tryAcquire(5_000)).toEqual({ ok: false, reason: 'tpm', retryInMs: 5_000 });
    await clock.advance(5_000);
    expect(limiter.tryAcquire(5_000).ok).toBe(true);
  });

  it('never admits a call whose estimate exceeds the whole TPM budget', () => {
    const limiter = new RateLimiter({ tpm: 1_000, clock: new ManualClock() });
    expect(limiter.tryAcquire(1_001)).toEqual({ ok: false, reason: 'request_exceeds_tpm', retryInMs: Number.POSITIVE_INFINITY });
    expect(limiter.tryAcquire(1_000).ok).toBe(true);
  });

  it('reports the longest wait when several budgets refuse', () => {
    const clock = new ManualClock({ startMs: 0 });
    const limiter = new RateLimiter({ rpm: 1, tpm: 600, clock });
    expect(limiter.tryAcquire(600).ok).toBe(true);
    // RPM needs 60 s for one request; TPM needs 10 s for 100 tokens.
    expect(limiter.tryAcquire(100)).toEqual({ ok: false, reason: 'rpm', retryInMs: 60_000 });
  });

  it('check() answers without taking anything', () => {
    const limiter = new RateLimiter({ rpm: 1, clock: new ManualClock() });
    expect(limiter.check(0)).toEqual({ ok: true });
    expect(limiter.check(0)).toEqual({ ok: true });
    expect(limiter.tryAcquire(0).ok).toBe(true);
    expect(limiter.check(0).ok).toBe(false);
  });

  it('without budgets or reports everything passes', () => {
    const limiter = new RateLimiter({ clock: new ManualClock() });
    for (let i = 0; i < 1_000; i++) expect(limiter.tryAcquire(1_000_000).ok).toBe(true);
  });

  it('rejects bad options and token counts', () => {
    expect(() => new RateLimiter({ rpm: 0 })).toThrow(/rpm/);
    expect(() => new RateLimiter({ headroom: 1 })).toThrow(/headroom/);
    const limiter = new RateLimiter({ clock: new ManualClock() });
    expect(() => limiter.tryAcquire(-1)).toThrow(RangeError);
    expect(() => limiter.tryAcquire(Number.NaN)).toThrow(RangeError);
  });
});
