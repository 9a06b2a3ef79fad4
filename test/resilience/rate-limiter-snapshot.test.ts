import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../services/executor/resilience/rate-limiter.js';
import { ManualClock } from './support/fakes.js';

describe('rate limiter - snapshot', () => {
  it('reports the tighter headroom of configuration and provider, cool-down and blocks', () => {
    const clock = new ManualClock({ startMs: 0 });
    const limiter = new RateLimiter({ rpm: 100, tpm: 100_000, headroom: 0.05, clock });
    limiter.tryAcquire(10_000); // config: 99 % of requests, 90 % of tokens
    limiter.observe({ limitRequests: 500, remainingRequests: 20, resetRequestsMs: 8_000, limitTokens: 1_000_000, remainingTokens: 950_000 });
    limiter.coolDown(2_000);
    const snapshot = limiter.snapshot();
    expect(snapshot).toEqual({
      atMs: 0,
      requestHeadroom: 0.04, // provider: 20 of 500
      tokenHeadroom: 0.9, // config
      coolingUntilMs: 2_000,
      blockedUntilMs: 8_000, // 20 remaining is below 5 % of 500
      inFlight: 1,
    });
    expect(Object.isFrozen(snapshot)).toBe(true);
  });

  it('is almost empty when nothing is known', () => {
    expect(new RateLimiter({ clock: new ManualClock({ startMs: 5 }) }).snapshot()).toEqual({ atMs: 5, inFlight: 0 });
  });

  it('refills the configured budgets over time', async () => {
    const clock = new ManualClock({ startMs: 0 });
    const limiter = new RateLimiter({ rpm: 10, clock });
    for (let i = 0; i < 10; i++) limiter.tryAcquire(0);
    expect(limiter.snapshot().requestHeadroom).toBe(0);
    await clock.advance(30_000);
    expect(limiter.snapshot().requestHeadroom).toBe(0.5);
    await clock.advance(60_000);
    expect(limiter.snapshot().requestHeadroom).toBe(1);
  });
});
