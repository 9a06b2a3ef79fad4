/**
 * Times a synchronous function in batches long enough for the clock, and keeps the ns per
 * call of every batch, so that a figure is a median over many batches with their quartiles.
 */
import { quartiles, type Spread } from './stats.js';

export interface TimerOptions {
  /** Untimed running before the batch size is chosen, for V8 to optimise the function. */
  warmupNs: number;
  /** Minimum length of one timed batch. */
  batchNs: number;
}

export class Timer {
  private batch = 1;
  private readonly times: number[] = [];

  constructor(private readonly fn: () => void) {}

  /** Runs untimed for `warmupNs`, then doubles the batch until it lasts `batchNs`. */
  prepare(o: TimerOptions): void {
    const warm = process.hrtime.bigint();
    while (Number(process.hrtime.bigint() - warm) < o.warmupNs) this.fn();
    while (this.timeBatch() < o.batchNs) this.batch *= 2;
  }

  sample(batches: number): void {
    for (let b = 0; b < batches; b++) this.times.push(this.timeBatch() / this.batch);
  }

  /** Median ns per call, with the quartiles of the batches. */
  spread(): Spread {
    return quartiles(this.times);
  }

  private timeBatch(): number {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < this.batch; i++) this.fn();
    return Number(process.hrtime.bigint() - t0);
  }
}
