import { describe, expect, it } from 'vitest';
import {
  jitteredDelay,
  nextBackoff,
  validateBackoffPolicy,
  type BackoffPolicy,
} from '../../services/executor/resilience/backoff.js';
import { seededRandom } from '../../services/executor/resilience/random.js';

const policy = (overrides: Partial<BackoffPolicy> = {}): BackoffPolicy => ({
  baseMs: 100,
  capMs: 1_000,
  maxAttempts: 10,
  jitter: 'none',
  ...overrides,
});

describe('backoff - exponential growth, jitter and cap', () => {
  it('without jitter doubles from base and stops at the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((attempt) => jitteredDelay(policy(), { attempt }));
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('never overflows for large attempt counts', () => {
    expect(jitteredDelay(policy(), { attempt: 5_000 })).toBe(1_000);
  });

  it('full jitter draws uniformly below the exponential bound', () => {
    expect(jitteredDelay(policy({ jitter: 'full' }), { attempt: 3 }, () => 0.5)).toBe(200);
    expect(jitteredDelay(policy({ jitter: 'full' }), { attempt: 3 }, () => 0)).toBe(0);
    const random = seededRandom(7);
    for (let attempt = 1; attempt <= 12; attempt++) {
      const bound = Math.min(1_000, 100 * 2 ** (attempt - 1));
      for (let i = 0; i < 50; i++) {
        const delay = jitteredDelay(policy({ jitter: 'full' }), { attempt }, random);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(bound);
      }
    }
  });

  it('decorrelated jitter stays between base and three times the previous delay, at most the cap', () => {
    const p = policy({ jitter: 'decorrelated' });
    expect(jitteredDelay(p, { attempt: 1 }, () => 0)).toBe(100);
    expect(jitteredDelay(p, { attempt: 1 }, () => 0.5)).toBe(200); // between 100 and 300
    expect(jitteredDelay(p, { attempt: 2, previousDelayMs: 250 }, () => 0.5)).toBe(425); // between 100 and 750
    expect(jitteredDelay(p, { attempt: 3, previousDelayMs: 900 }, () => 0.999_999)).toBeLessThanOrEqual(1_000);

    const random = seededRandom(42);
    let previousDelayMs: number | undefined;
    for (let attempt = 1; attempt <= 40; attempt++) {
      const delay = jitteredDelay(p, { attempt, ...(previousDelayMs !== undefined ? { previousDelayMs } : {}) }, random);
      expect(delay).toBeGreaterThanOrEqual(100);
      expect(delay).toBeLessThanOrEqual(Math.min(1_000, 3 * (previousDelayMs ?? 100)));
      previousDelayMs = delay;
    }
  });

  it('the same seed gives the same delays', () => {
    const draw = (seed: number): number[] => {
      const random = seededRandom(seed);
      return [1, 2, 3, 4].map((attempt) => jitteredDelay(policy({ jitter: 'full' }), { attempt }, random));
    };
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
  });
});

describe('backoff - max attempts', () => {
  it('allows maxAttempts attempts in all, the first included', () => {
    const p = policy({ maxAttempts: 3 });
    expect(nextBackoff(p, { attempt: 1 })).toEqual({ retry: true, delayMs: 100 });
    expect(nextBackoff(p, { attempt: 2 })).toEqual({ retry: true, delayMs: 200 });
    expect(nextBackoff(p, { attempt: 3 })).toEqual({ retry: false, reason: 'attempts_exhausted' });
  });

  it('maxAttempts 1 never retries, even with a Retry-After', () => {
    expect(nextBackoff(policy({ maxAttempts: 1 }), { attempt: 1, retryAfterMs: 10 })).toEqual({
      retry: false,
      reason: 'attempts_exhausted',
    });
  });

  it('rejects policies that cannot work', () => {
    expect(() => validateBackoffPolicy(policy({ maxAttempts: 0 }))).toThrow(RangeError);
    expect(() => validateBackoffPolicy(policy({ capMs: 50 }))).toThrow(/capMs/);
    expect(() => validateBackoffPolicy(policy({ baseMs: Number.NaN }))).toThrow(/baseMs/);
    expect(() => validateBackoffPolicy(policy())).not.toThrow();
  });
});
