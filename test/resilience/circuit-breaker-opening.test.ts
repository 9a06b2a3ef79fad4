import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitBreakerOptions } from '../../services/executor/resilience/circuit-breaker.js';
import { ManualClock, serverError } from './support/fakes.js';

function breaker(overrides: Partial<CircuitBreakerOptions> = {}): { clock: ManualClock; cb: CircuitBreaker } {
  const clock = new ManualClock({ startMs: 0 });
  const cb = new CircuitBreaker({
    windowMs: 30_000,
    buckets: 10,
    failureRateThreshold: 0.5,
    minCalls: 4,
    openMs: 10_000,
    clock,
    ...overrides,
  });
  return { clock, cb };
}

describe('circuit breaker - opens after error rate with min calls', () => {
  it('stays closed below minCalls even when every call fails', () => {
    const { cb } = breaker();
    for (let i = 0; i < 3; i++) cb.onFailure(serverError());
    expect(cb.state).toBe('closed');
    expect(cb.canPass()).toBe(true);
  });

  it('opens when the window holds minCalls calls and the failure rate reaches the threshold', () => {
    const { cb } = breaker();
    cb.onSuccess();
    cb.onSuccess();
    cb.onFailure(serverError());
    expect(cb.state).toBe('closed');
    cb.onFailure(serverError()); // 2 of 4 = 0.5
    expect(cb.state).toBe('open');
    expect(cb.canPass()).toBe(false);
    expect(cb.wouldPass()).toBe(false);
  });

  it('a success can complete minCalls with the rate at the threshold', () => {
    const { cb } = breaker();
    cb.onFailure(serverError());
    cb.onFailure(serverError());
    cb.onSuccess();
    expect(cb.state).toBe('closed');
    cb.onSuccess(); // 4 calls, 2 failures
    expect(cb.state).toBe('open');
  });

  it('stays closed while the failure rate is below the threshold', () => {
    const { cb } = breaker();
    for (let i = 0; i < 20; i++) {
      cb.onSuccess();
      cb.onSuccess();
      if (i % 2 === 0) cb.onFailure(serverError());
    }
    expect(cb.snapshot()).toMatchObject({ state: 'closed', calls: 50, failures: 10, failureRate: 0.2 });
  });

  it('forgets outcomes that slid out of the window', async () => {
    const { clock, cb } = breaker();
    cb.onFailure(serverError());
    cb.onFailure(serverError());
    cb.onFailure(serverError());
    await clock.advance(30_000);
    expect(cb.snapshot()).toMatchObject({ calls: 0, failures: 0 });
    cb.onFailure(serverError());
    expect(cb.state).toBe('closed');
  });

  it('the window moves a bucket at a time', async () => {
    const { clock, cb } = breaker();
    cb.onFailure(serverError()); // bucket [0, 3000)
    await clock.advance(2_999);
    cb.onFailure(serverError()); // same bucket
    await clock.advance(3_000);
    cb.onFailure(serverError()); // bucket [3000, 6000)
    await clock.advance(30_000 - 5_999 - 1); // t = 29_999: everything is still inside
    expect(cb.snapshot().calls).toBe(3);
    await clock.advance(1); // t = 30_000: the first bucket left
    expect(cb.snapshot().calls).toBe(1);
  });

  it('rejects options that cannot work', () => {
    expect(() => new CircuitBreaker({ failureRateThreshold: 0 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ minCalls: 0 })).toThrow(/minCalls/);
    expect(() => new CircuitBreaker({ buckets: 1.5 })).toThrow(/buckets/);
    expect(() => new CircuitBreaker({ openMs: 10_000, maxOpenMs: 5_000 })).toThrow(/maxOpenMs/);
  });
});
