import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerStateChange } from '../../services/executor/resilience/circuit-breaker.js';
import { ManualClock, serverError } from './support/fakes.js';

describe('circuit breaker - state change listener', () => {
  it('hears every change, in order, with its time', async () => {
    const clock = new ManualClock({ startMs: 0 });
    const cb = new CircuitBreaker({ minCalls: 2, openMs: 5_000, clock });
    const changes: BreakerStateChange[] = [];
    cb.onStateChange((change) => changes.push(change));

    cb.onSuccess();
    cb.onFailure(serverError());
    await clock.advance(5_000);
    expect(cb.canPass()).toBe(true);
    cb.onFailure(serverError());
    await clock.advance(5_000);
    expect(cb.canPass()).toBe(true);
    cb.onSuccess();

    expect(changes).toEqual([
      { from: 'closed', to: 'open', atMs: 0, openUntilMs: 5_000, failureRate: 0.5 },
      { from: 'open', to: 'half_open', atMs: 5_000 },
      { from: 'half_open', to: 'open', atMs: 5_000, openUntilMs: 10_000 },
      { from: 'open', to: 'half_open', atMs: 10_000 },
      { from: 'half_open', to: 'closed', atMs: 10_000 },
    ]);
  });

  it('stops calling a listener once it is removed', () => {
    const cb = new CircuitBreaker({ minCalls: 1, clock: new ManualClock() });
    const changes: BreakerStateChange[] = [];
    const remove = cb.onStateChange((change) => changes.push(change));
    remove();
    cb.onFailure(serverError());
    expect(cb.state).toBe('open');
    expect(changes).toEqual([]);
  });
});
