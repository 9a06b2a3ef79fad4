import { describe, expect, it } from 'vitest';
import { CircuitBreaker, classifyFailure } from '../../services/executor/resilience/circuit-breaker.js';
import { ManualClock, aborted, badRequest, contextLength, rateLimited, serverError, FakeFailure } from './support/fakes.js';

describe('circuit breaker - counts only failures the endpoint is to blame for', () => {
  it('classifies errors: retryable ones fail, client errors are successes, 429 and aborts are ignored', () => {
    expect(classifyFailure(serverError())).toBe('failure');
    expect(classifyFailure(new FakeFailure('timeout', true))).toBe('failure');
    expect(classifyFailure(new FakeFailure('connection', true))).toBe('failure');
    expect(classifyFailure(badRequest())).toBe('success');
    expect(classifyFailure(contextLength())).toBe('success');
    expect(classifyFailure(rateLimited())).toBe('ignore');
    expect(classifyFailure(aborted())).toBe('ignore');
  });

  it('400s from the client never open the breaker', () => {
    const cb = new CircuitBreaker({ minCalls: 2, clock: new ManualClock() });
    for (let i = 0; i < 50; i++) expect(cb.onFailure(badRequest())).toBe('success');
    expect(cb.snapshot()).toMatchObject({ state: 'closed', calls: 50, failures: 0 });
  });

  it('429s and cancelled calls leave the window untouched', () => {
    const cb = new CircuitBreaker({ minCalls: 2, clock: new ManualClock() });
    for (let i = 0; i < 10; i++) {
      cb.onFailure(rateLimited(1_000));
      cb.onFailure(aborted());
    }
    expect(cb.snapshot()).toMatchObject({ state: 'closed', calls: 0 });
  });

  it('errors that are not classified, or none at all, count as failures', () => {
    const cb = new CircuitBreaker({ minCalls: 2, clock: new ManualClock() });
    expect(cb.onFailure(new Error('socket hang up'))).toBe('failure');
    expect(cb.onFailure()).toBe('failure');
    expect(cb.state).toBe('open');
  });

  it('an ignored outcome gives back a probe slot without deciding anything', async () => {
    const clock = new ManualClock({ startMs: 0 });
    const cb = new CircuitBreaker({ minCalls: 1, openMs: 1_000, clock });
    cb.onFailure(serverError());
    await clock.advance(1_000);
    expect(cb.canPass()).toBe(true);
    cb.onFailure(aborted());
    expect(cb.state).toBe('half_open');
    expect(cb.canPass()).toBe(true);
  });

  it('takes a custom classification', () => {
    const cb = new CircuitBreaker({ minCalls: 1, clock: new ManualClock(), classify: () => 'failure' });
    cb.onFailure(badRequest());
    expect(cb.state).toBe('open');
  });
});
