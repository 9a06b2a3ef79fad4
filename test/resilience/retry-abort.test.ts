import { describe, expect, it, vi } from 'vitest';
import { retry, type AttemptRecord } from '../../services/executor/resilience/retry.js';
import { ManualClock, aborted, flushMicrotasks, serverError } from './support/fakes.js';

const backoff = { baseMs: 1_000, capMs: 1_000, maxAttempts: 5, jitter: 'none' as const };

describe('retry - never retries after abort', () => {
  it('does not call fn when the signal has already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('client went away'));
    const fn = vi.fn(async () => 'ok');
    await expect(retry(fn, { backoff, signal: controller.signal, clock: new ManualClock() })).rejects.toThrow('client went away');
    expect(fn).not.toHaveBeenCalled();
  });

  it('an abort during the wait rejects with the abort reason and starts no further attempt', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const fn = vi.fn(async () => Promise.reject(serverError()));
    const result = retry(fn, { backoff, signal: controller.signal, clock });
    const settled = result.catch((error: unknown) => error);
    await flushMicrotasks();
    expect(fn).toHaveBeenCalledTimes(1);
    expect(clock.pendingSleeps).toBe(1);

    const reason = new Error('deadline exceeded');
    controller.abort(reason);
    expect(await settled).toBe(reason);
    await clock.advance(10_000);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('an attempt that fails because of the abort is not retried, even if its error is retryable', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const controller = new AbortController();
    const records: AttemptRecord[] = [];
    const error = serverError();
    const fn = vi.fn(async () => {
      controller.abort();
      throw error;
    });
    await expect(retry(fn, { backoff, signal: controller.signal, clock, onAttempt: (r) => records.push(r) })).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(records).toEqual([expect.objectContaining({ outcome: 'retryable_error', stop: 'aborted' })]);
  });

  it("an adapter's 'aborted' error is reported as fatal with stop 'aborted'", async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const controller = new AbortController();
    const records: AttemptRecord[] = [];
    const error = aborted();
    const fn = async (): Promise<never> => {
      controller.abort();
      throw error;
    };
    await expect(retry(fn, { backoff, signal: controller.signal, clock, onAttempt: (r) => records.push(r) })).rejects.toBe(error);
    expect(records).toEqual([expect.objectContaining({ outcome: 'fatal_error', stop: 'aborted' })]);
  });
});
