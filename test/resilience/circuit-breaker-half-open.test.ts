import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitBreakerOptions } from '../../services/executor/resilience/circuit-breaker.js';
import { ManualClock, serverError } from './support/fakes.js';

function openBreaker(overrides: Partial<CircuitBreakerOptions> = {}): { clock: ManualClock; cb: CircuitBreaker } {
  const clock = new ManualClock({ startMs: 0 });
  const cb = new CircuitBreaker({ minCalls: 2, failureRateThreshold: 0.5, openMs: 10_000, clock, ...overrides });
  cb.onFailure(serverError());
  cb.onFailure(serverError());
  expect(cb.state).toBe('open');
  return { clock, cb };
}

describe('circuit breaker - half-open probes', () => {
  it('turns half-open once the open period is over', async () => {
    const { clock, cb } = openBreaker();
    await clock.advance(9_999);
    expect(cb.state).toBe('open');
    await clock.advance(1);
    expect(cb.state).toBe('half_open');
  });

  it('lets only halfOpenProbes calls through at a time', async () => {
    const { clock, cb } = openBreaker({ halfOpenProbes: 2 });
    await clock.advance(10_000);
    expect(cb.canPass()).toBe(true);
    expect(cb.canPass()).toBe(true);
    expect(cb.wouldPass()).toBe(false);
    expect(cb.canPass()).toBe(false);
    expect(cb.snapshot().probesInFlight).toBe(2);
  });

  it('release() gives back a probe slot that was not used', async () => {
    const { clock, cb } = openBreaker();
    await clock.advance(10_000);
    expect(cb.canPass()).toBe(true);
    expect(cb.canPass()).toBe(false);
    cb.release();
    expect(cb.canPass()).toBe(true);
  });

  it('closes after probeSuccesses successful probes, with an empty window', async () => {
    const { clock, cb } = openBreaker({ probeSuccesses: 2 });
    await clock.advance(10_000);
    expect(cb.canPass()).toBe(true);
    cb.onSuccess();
    expect(cb.state).toBe('half_open');
    expect(cb.canPass()).toBe(true);
    cb.onSuccess();
    expect(cb.state).toBe('closed');
    expect(cb.snapshot()).toMatchObject({ calls: 0, failures: 0 });
    cb.onFailure(serverError()); // the old failures no longer count
    expect(cb.state).toBe('closed');
  });

  it('a failed probe opens the breaker again', async () => {
    const { clock, cb } = openBreaker({ probeSuccesses: 2 });
    await clock.advance(10_000);
    expect(cb.canPass()).toBe(true);
    cb.onSuccess();
    expect(cb.canPass()).toBe(true);
    cb.onFailure(serverError());
    expect(cb.state).toBe('open');
    expect(cb.snapshot().openUntilMs).toBe(20_000);
    await clock.advance(10_000);
    expect(cb.state).toBe('half_open');
    expect(cb.canPass()).toBe(true); // probe slots and successes start afresh
  });

  it('the open period grows with every reopening in a row, up to maxOpenMs, and resets on close', async () => {
    const { clock, cb } = openBreaker({ openGrowthFactor: 2, maxOpenMs: 35_000 });
    const openPeriods: number[] = [];
    for (let i = 0; i < 3; i++) {
      const until = cb.snapshot().openUntilMs as number;
      openPeriods.push(until - clock.now());
      await clock.advance(until - clock.now());
      expect(cb.canPass()).toBe(true);
      cb.onFailure(serverError());
    }
    openPeriods.push((cb.snapshot().openUntilMs as number) - clock.now());
    expect(openPeriods).toEqual([10_000, 20_000, 35_000, 35_000]);

    await clock.advance(35_000);
    expect(cb.canPass()).toBe(true);
    cb.onSuccess();
    expect(cb.state).toBe('closed');
    cb.onFailure(serverError());
    cb.onFailure(serverError());
    expect((cb.snapshot().openUntilMs as number) - clock.now()).toBe(10_000);
  });

  it('outcomes of calls that started before the breaker opened are ignored while open', () => {
    const { cb } = openBreaker();
    const before = cb.snapshot();
    cb.onSuccess();
    cb.onFailure(serverError());
    expect(cb.snapshot()).toEqual(before);
  });
});
