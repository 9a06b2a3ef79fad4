import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../services/executor/resilience/rate-limiter.js';
import { ManualClock } from './support/fakes.js';

describe('rate limiter - Retry-After is the provider’s word, whatever the other headers say', () => {
  it('a 429 with Retry-After 2 s and remaining-requests 0 without a reset holds 2 s, not the minute a bare report holds', async () => {
    const clock = new ManualClock({ startMs: 0 });
    const limiter = new RateLimiter({ clock });
    limiter.observe({ remainingRequests: 0, retryAfterMs: 2_000 });
    expect(limiter.tryAcquire(0)).toEqual({ ok: false, reason: 'provider_requests', retryInMs: 2_000 });
    await clock.advance(2_000);
    expect(limiter.tryAcquire(0).ok).toBe(true);
  });

  it('bounds a longer reported reset, for tokens too', async () => {
    const clock = new ManualClock({ startMs: 0 });
    const limiter = new RateLimiter({ clock });
    limiter.observe({ remainingRequests: 0, resetRequestsMs: 60_000, remainingTokens: 0, resetTokensMs: 45_000, retryAfterMs: 3_000 });
    expect(limiter.check(10)).toMatchObject({ ok: false, retryInMs: 3_000 });
    await clock.advance(3_000);
    expect(limiter.check(10)).toEqual({ ok: true });
  });

  it('keeps a shorter reported reset', async () => {
    const clock = new ManualClock({ startMs: 0 });
    const limiter = new RateLimiter({ clock });
    limiter.observe({ remainingRequests: 0, resetRequestsMs: 500, retryAfterMs: 3_000 });
    await clock.advance(500);
    expect(limiter.check(0)).toEqual({ ok: true });
  });
});
