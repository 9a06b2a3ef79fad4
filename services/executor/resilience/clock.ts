/**
 * Time, injected. Every resilience building block reads the time and waits through a Clock so
 * that tests drive time by hand and never really sleep.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale aligned with the Unix epoch. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds. Rejects with `signal.reason` as soon as `signal` aborts,
   * at once if it already has (the way `signal.throwIfAborted()` would).
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The real clock. `now()` is `performance.timeOrigin + performance.now()`: it reads like
 * `Date.now()` but does not jump when the wall clock is set.
 */
export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
