import { describe, expect, it } from 'vitest';
import { systemClock } from '../../services/executor/resilience/clock.js';
import { seededRandom } from '../../services/executor/resilience/random.js';

describe('clock - system clock', () => {
  it('reads like Date.now()', () => {
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(1_000);
  });

  it('rejects with the abort reason when the signal has already aborted', async () => {
    const reason = new Error('gone');
    await expect(systemClock.sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('stops waiting as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    const reason = new Error('cancelled');
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
  });

  it('resolves a zero wait', async () => {
    await expect(systemClock.sleep(0)).resolves.toBeUndefined();
  });
});

describe('clock - seeded random', () => {
  it('is reproducible and stays in [0, 1)', () => {
    const a = seededRandom(123);
    const b = seededRandom(123);
    for (let i = 0; i < 1_000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
