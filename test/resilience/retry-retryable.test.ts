import { describe, expect, it, vi } from 'vitest';
import type { BackoffPolicy } from '../../services/executor/resilience/backoff.js';
import { retry } from '../../services/executor/resilience/retry.js';
import { ManualClock, badRequest, serverError } from './support/fakes.js';

const backoff: BackoffPolicy = { baseMs: 100, capMs: 1_000, maxAttempts: 4, jitter: 'none' };

/** fn that fails with the given errors in turn, then answers 'ok'. */
function failingWith(...errors: unknown[]): ReturnType<typeof vi.fn<(attempt: number) => Promise<string>>> {
  const queue = [...errors];
  return vi.fn(async () => {
    const next = queue.shift();
    if (next !== undefined) throw next;
    return 'ok';
  });
}

describe('retry - retries only retryable errors', () => {
  it('retries retryable errors with the backoff delays until one attempt succeeds', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const fn = failingWith(serverError(), serverError());
    await expect(retry(fn, { backoff, clock })).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
    expect(fn.mock.calls.map(([attempt]) => attempt)).toEqual([1, 2, 3]);
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it('rethrows a non-retryable error at once', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const error = badRequest();
    const fn = failingWith(error);
    await expect(retry(fn, { backoff, clock })).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('stops after the attempts run out and rethrows the last error', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const last = serverError();
    const fn = failingWith(serverError(), serverError(), serverError(), last, serverError());
    await expect(retry(fn, { backoff, clock })).rejects.toBe(last);
    expect(fn).toHaveBeenCalledTimes(4);
  });

  it('`attempts` overrides the policy', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const fn = failingWith(serverError(), serverError());
    await expect(retry(fn, { backoff, attempts: 2, clock })).rejects.toMatchObject({ kind: 'server' });
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('treats errors without a retryable flag as not retryable by default', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const fn = failingWith(new TypeError('bug'));
    await expect(retry(fn, { backoff, clock })).rejects.toBeInstanceOf(TypeError);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('uses a custom isRetryable', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const fn = failingWith(new Error('flaky'), new Error('flaky'));
    await expect(retry(fn, { backoff, clock, isRetryable: (e) => (e as Error).message === 'flaky' })).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
  });
});
