import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../services/executor/resilience/rate-limiter.js';
import { ManualClock } from './support/fakes.js';

describe('rate limiter - backs off before the provider limit', () => {
  it('stops at the headroom of reported remaining requests until the reset', async () => {
    const clock = new ManualClock({ startMs: 0 });
    const limiter = new RateLimiter({ headroom: 0.05, clock });
    limiter.observe({ limitRequests: 100, remainingRequests: 7, resetRequestsMs: 12_000 });
    expect(limiter.tryAcquire(0).ok).toBe(true); // 6 left
    expect(limiter.tryAcquire(0).ok).toBe(true); // 5 left = 5 %
    expect(limiter.tryAcquire(0)).toEqual({ ok: false, reason: 'provider_requests', retryInMs: 12_000 });
    await clock.advance(11_999);
    expect(limiter.tryAcquire(0)).toEqual({ ok: false, reason: 'provider_requests', retryInMs: 1 });
    await clock.advance(1);
    expect(limiter.tryAcquire(0).ok).toBe(true); // the report expired with its reset
  });

  it('refuses a call whose estimate would take the reported tokens below the headroom', () => {
    const clock = new ManualClock({ startMs: 0 });
    const limiter = new RateLimiter({ headroom: 0.05, clock });
    limiter.observe({ limitTokens: 100_000, remainingTokens: 20_000, resetTokensMs: 3_000 });
    expect(limiter.check(15_000)).toEqual({ ok: true }); // leaves 5,000 = 5 %
    expect(limiter.check(15_001)).toEqual({ ok: false, reason: 'provider_tokens', retryInMs: 3_000 });
  });

  it('uses the configured budget as the limit when the provider sends none', () => {
    const limiter = new RateLimiter({ rpm: 200, headroom: 0.1, clock: new ManualClock() });
    limiter.observe({ remainingRequests: 20, resetRequestsMs: 1_000 });
    expect(limiter.check(0)).toMatchObject({ ok: false, reason: 'provider_requests' }); // 19 < 20 = 10 % of 200
  });

  it('with no limit known anywhere, stops only when nothing remains', () => {
    const limiter = new RateLimiter({ clock: new ManualClock() });
    limiter.observe({ remainingRequests: 1, resetRequestsMs: 1_000 });
    expect(limiter.tryAcquire(0).ok).toBe(true);
    expect(limiter.tryAcquire(0)).toMatchObject({ ok: false, reason: 'provider_requests' });
  });

  it('a report without a reset time holds for observationTtlMs', async () => {
    const clock = new ManualClock({ startMs: 0 });
    const limiter = new RateLimiter({ observationTtlMs: 30_000, clock });
    limiter.observe({ limitRequests: 10, remainingRequests: 0 });
    expect(limiter.check(0)).toEqual({ ok: false, reason: 'provider_requests', retryInMs: 30_000 });
    await clock.advance(30_000);
    expect(limiter.check(0)).toEqual({ ok: true });
  });

  it('a fresh report replaces the old one', () => {
    const limiter = new RateLimiter({ clock: new ManualClock() });
    limiter.observe({ limitRequests: 100, remainingRequests: 1, resetRequestsMs: 60_000 });
    expect(limiter.check(0).ok).toBe(false);
    limiter.observe({ limitRequests: 100, remainingRequests: 90, resetRequestsMs: 60_000 });
    expect(limiter.check(0).ok).toBe(true);
  });
});
