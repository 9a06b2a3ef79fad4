import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../services/executor/resilience/rate-limiter.js';
import { ManualClock } from './support/fakes.js';

describe('rate limiter - 429 cool-down', () => {
  it('refuses everything until Retry-After has passed', async () => {
    const clock = new ManualClock({ startMs: 0 });
    const limiter = new RateLimiter({ clock });
    limiter.coolDown(4_000);
    expect(limiter.tryAcquire(0)).toEqual({ ok: false, reason: 'cooling_down', retryInMs: 4_000 });
    await clock.advance(3_000);
    expect(limiter.tryAcquire(0)).toEqual({ ok: false, reason: 'cooling_down', retryInMs: 1_000 });
    await clock.advance(1_000);
    expect(limiter.tryAcquire(0).ok).toBe(true);
    expect(limiter.snapshot().coolingUntilMs).toBeUndefined();
  });

  it('cools down for the default period without Retry-After', async () => {
    const clock = new ManualClock({ startMs: 0 });
    const limiter = new RateLimiter({ defaultCoolDownMs: 7_000, clock });
    limiter.coolDown();
    expect(limiter.snapshot().coolingUntilMs).toBe(7_000);
    await clock.advance(7_000);
    expect(limiter.check(0)).toEqual({ ok: true });
  });

  it('a shorter cool-down never cuts a running one short', () => {
    const clock = new ManualClock({ startMs: 0 });
    const limiter = new RateLimiter({ clock });
    limiter.coolDown(10_000);
    limiter.coolDown(1_000);
    expect(limiter.snapshot().coolingUntilMs).toBe(10_000);
    limiter.coolDown(20_000);
    expect(limiter.snapshot().coolingUntilMs).toBe(20_000);
  });
});
