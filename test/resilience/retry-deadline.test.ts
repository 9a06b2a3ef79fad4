import { describe, expect, it, vi } from 'vitest';
import { retry, type AttemptRecord } from '../../services/executor/resilience/retry.js';
import { ManualClock, rateLimited, serverError } from './support/fakes.js';

const backoff = { baseMs: 100, capMs: 1_000, maxAttempts: 5, jitter: 'none' as const };

describe('retry - deadline and Retry-After', () => {
  it('waits for the Retry-After the error carries', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    let calls = 0;
    const fn = async (): Promise<string> => {
      if (++calls === 1) throw rateLimited(2_500);
      return 'ok';
    };
    await expect(retry(fn, { backoff, clock })).resolves.toBe('ok');
    expect(clock.sleeps).toEqual([2_500]);
  });

  it('gives up at once when Retry-After is longer than the deadline allows', async () => {
    const clock = new ManualClock({ autoAdvance: true, startMs: 0 });
    const records: AttemptRecord[] = [];
    const error = rateLimited(30_000);
    const fn = vi.fn(async () => Promise.reject(error));
    await expect(retry(fn, { backoff, clock, deadline: 10_000, onAttempt: (r) => records.push(r) })).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(clock.sleeps).toEqual([]);
    expect(records).toEqual([expect.objectContaining({ stop: 'retry_after_exceeds_deadline' })]);
  });

  it('stops retrying when the next wait would pass the deadline', async () => {
    const clock = new ManualClock({ autoAdvance: true, startMs: 0 });
    const records: AttemptRecord[] = [];
    const fn = vi.fn(async () => {
      await clock.sleep(100); // each call takes 100 ms
      throw serverError();
    });
    // t=100 fail, wait 100; t=300 fail, wait 200; t=600 fail, 400 would end at 1000 = deadline: stop.
    await expect(retry(fn, { backoff, clock, deadline: 1_000, onAttempt: (r) => records.push(r) })).rejects.toMatchObject({
      kind: 'server',
    });
    expect(fn).toHaveBeenCalledTimes(3);
    expect(records.at(-1)).toMatchObject({ attempt: 3, stop: 'deadline' });
  });
});
