import { describe, expect, it } from 'vitest';
import { retry, type AttemptRecord } from '../../services/executor/resilience/retry.js';
import { ManualClock, badRequest, serverError } from './support/fakes.js';

describe('retry - records every attempt', () => {
  it('reports outcome, error, latency and what follows, in order', async () => {
    const clock = new ManualClock({ autoAdvance: true, startMs: 0 });
    const records: AttemptRecord[] = [];
    const first = serverError();
    const latencies = [30, 70, 20];
    await retry(
      async (attempt) => {
        await clock.sleep(latencies[attempt - 1] ?? 0); // the call takes this long
        if (attempt === 1) throw first;
        if (attempt === 2) throw serverError(500);
        return attempt;
      },
      {
        backoff: { baseMs: 100, capMs: 1_000, maxAttempts: 5, jitter: 'none' },
        clock,
        onAttempt: (record) => records.push(record),
      },
    );
    expect(records).toEqual([
      { attempt: 1, outcome: 'retryable_error', error: first, startedAtMs: 0, latencyMs: 30, nextDelayMs: 100 },
      { attempt: 2, outcome: 'retryable_error', error: expect.objectContaining({ retryAfterMs: 500 }), startedAtMs: 130, latencyMs: 70, nextDelayMs: 500 },
      { attempt: 3, outcome: 'success', startedAtMs: 700, latencyMs: 20 },
    ]);
  });

  it('marks the last failed attempt with the reason retrying stopped', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const records: AttemptRecord[] = [];
    const backoff = { baseMs: 10, capMs: 10, maxAttempts: 2, jitter: 'none' as const };
    await expect(retry(async () => Promise.reject(serverError()), { backoff, clock, onAttempt: (r) => records.push(r) })).rejects.toThrow();
    expect(records.map(({ outcome, stop, nextDelayMs }) => ({ outcome, stop, nextDelayMs }))).toEqual([
      { outcome: 'retryable_error', stop: undefined, nextDelayMs: 10 },
      { outcome: 'retryable_error', stop: 'attempts_exhausted', nextDelayMs: undefined },
    ]);

    records.length = 0;
    await expect(retry(async () => Promise.reject(badRequest()), { backoff, clock, onAttempt: (r) => records.push(r) })).rejects.toThrow();
    expect(records).toEqual([expect.objectContaining({ attempt: 1, outcome: 'fatal_error', stop: 'not_retryable' })]);
  });
});

describe('retry - a failing recorder is not a failed attempt', () => {
  it('does not retry a successful call when onAttempt throws', async () => {
    let calls = 0;
    const fn = async (): Promise<string> => {
      calls++;
      return 'ok';
    };
    const onAttempt = (): void => {
      throw new Error('recorder broke');
    };
    await expect(
      retry(fn, { backoff: { baseMs: 1, capMs: 1, maxAttempts: 3, jitter: 'none' }, clock: new ManualClock({ autoAdvance: true }), isRetryable: () => true, onAttempt }),
    ).rejects.toThrow('recorder broke');
    expect(calls).toBe(1);
  });
});
