import type { Clock } from '../../../services/executor/resilience/clock.js';

interface Sleeper {
  wakeAtMs: number;
  resolve: () => void;
}

/**
 * A clock that moves only when told. With `autoAdvance`, `sleep(ms)` moves the time forward by
 * `ms` at once and resolves, so code that waits runs straight through; without it, sleepers
 * wait for `advance()`. Every requested sleep is logged in `sleeps`.
 */
export class ManualClock implements Clock {
  readonly sleeps: number[] = [];
  #now: number;
  readonly #autoAdvance: boolean;
  #sleepers: Sleeper[] = [];

  constructor(options: { startMs?: number; autoAdvance?: boolean } = {}) {
    this.#now = options.startMs ?? 1_000_000;
    this.#autoAdvance = options.autoAdvance ?? false;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#autoAdvance) {
      this.#now += Math.max(0, ms);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = { wakeAtMs: this.#now + Math.max(0, ms), resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Moves the time forward and wakes the sleepers that are due, then lets their code run. */
  async advance(ms: number): Promise<void> {
    this.#now += ms;
    const due = this.#sleepers.filter((s) => s.wakeAtMs <= this.#now);
    this.#sleepers = this.#sleepers.filter((s) => s.wakeAtMs > this.#now);
    for (const sleeper of due) sleeper.resolve();
    await flushMicrotasks();
  }

  get pendingSleeps(): number {
    return this.#sleepers.length;
  }
}

export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** A FailureLike error, shaped like ProviderError. */
export class FakeFailure extends Error {
  readonly kind: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;

  constructor(kind: string, retryable: boolean, retryAfterMs?: number) {
    super(`${kind} failure`);
    this.kind = kind;
    this.retryable = retryable;
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}

export const serverError = (retryAfterMs?: number): FakeFailure => new FakeFailure('server', true, retryAfterMs);
export const rateLimited = (retryAfterMs?: number): FakeFailure => new FakeFailure('rate_limit', true, retryAfterMs);
export const badRequest = (): FakeFailure => new FakeFailure('bad_request', false);
export const contextLength = (): FakeFailure => new FakeFailure('context_length', false);
export const aborted = (): FakeFailure => new FakeFailure('aborted', false);
