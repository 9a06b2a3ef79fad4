/**
 * Watches one stream of numbers for a shift of its mean: the first `warmup` observations set
 * the baseline (mean and standard deviation), then a CUSUM (cusum.ts) per watched direction
 * flags a shift of at least `minShift` (in the observations' own units). The baseline keeps
 * learning from observations once they are `lag` observations old. After an alarm the stream
 * takes a new baseline, so a lasting change is reported once, not on every observation.
 */
import { Cusum } from './cusum.js';

const CLIP = 3;

export type ShiftDirection = 'down' | 'up' | 'both';

export interface MeanShiftOptions {
  warmup: number;
  /** Smallest shift of the mean worth flagging, in the observations' units. */
  minShift: number;
  /** In-control average run length (observations per false alarm, on average), per direction. */
  arl0: number;
  direction: ShiftDirection;
  /** Floor of the baseline's standard deviation, so a near-constant stream is not over-sensitive. */
  minSigma?: number;
  /** How old (in observations) an observation must be before it joins the baseline (default 500). */
  lag?: number;
}

export interface MeanShift {
  direction: 'down' | 'up';
  baseline: number;
  /** Mean of the observations since the change began (the CUSUM's change-point estimate). */
  current: number;
  /** Time of the first observation after the estimated change point. */
  sinceMs: number;
  statistic: number;
  threshold: number;
  observations: number;
}

interface Side {
  dir: 'down' | 'up';
  cusum: Cusum;
  /** Observations since the statistic last stood at zero: the run that led to an alarm. */
  runSum: number;
  runCount: number;
  runStartMs: number;
}

export class MeanShiftMonitor {
  private readonly warm: number[] = [];
  private n = 0;
  private mean = 0;
  private m2 = 0;
  private sigma = 1;
  private sides: Side[] = [];
  private readonly recent: number[] = [];
  private readonly lag: number;

  constructor(private readonly o: MeanShiftOptions) {
    if (!(o.warmup >= 2)) throw new RangeError('mean shift: warmup must be at least 2');
    this.lag = o.lag ?? 500;
  }

  get ready(): boolean {
    return this.sides.length > 0;
  }

  get baseline(): { mean: number; sigma: number } | undefined {
    return this.ready ? { mean: this.mean, sigma: this.sigma } : undefined;
  }

  /** Takes one observation; returns the shift it completes, if any. */
  push(x: number, atMs: number): MeanShift | undefined {
    if (!Number.isFinite(x)) return undefined;
    if (!this.ready) {
      this.warm.push(x);
      if (this.warm.length >= this.o.warmup) this.start();
      return undefined;
    }
    // The baseline's own uncertainty (one standard error) widens the allowance, so an early,
    // noisy baseline does not turn ordinary variation into alarms.
    const slack = 1 / Math.sqrt(this.n);
    let shift: MeanShift | undefined;
    for (const side of this.sides) {
      // Standardised and clipped at ±CLIP sigmas, so one outlier cannot carry a run by itself.
      const z = Math.max(-CLIP, Math.min(CLIP, (side.dir === 'down' ? this.mean - x : x - this.mean) / this.sigma));
      if (side.cusum.statistic === 0) {
        side.runSum = 0;
        side.runCount = 0;
        side.runStartMs = atMs;
      }
      const alarm = side.cusum.push(z - slack);
      if (side.cusum.statistic > 0) {
        side.runSum += x;
        side.runCount++;
      }
      if (alarm && shift === undefined) {
        shift = {
          direction: side.dir,
          baseline: this.mean,
          current: side.runSum / Math.max(1, side.runCount),
          sinceMs: side.runStartMs,
          statistic: side.cusum.statistic,
          threshold: side.cusum.h,
          observations: side.cusum.observations,
        };
      }
    }
    if (shift) {
      this.rebaseline();
      return shift;
    }
    // Observations join the baseline (Welford) only once they are `lag` observations old: the
    // baseline settles as data comes in, yet a recent shift is compared with what came before
    // it instead of being averaged into it.
    this.recent.push(x);
    if (this.recent.length > this.lag) this.learn(this.recent.shift()!);
    return undefined;
  }

  private learn(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
    this.sigma = Math.max(Math.sqrt(this.m2 / (this.n - 1)), this.o.minSigma ?? 1e-6);
  }

  private start(): void {
    this.n = 0;
    this.mean = 0;
    this.m2 = 0;
    for (const x of this.warm) this.learn(x);
    const shiftSigmas = this.o.minShift / this.sigma;
    const dirs: Array<'down' | 'up'> = this.o.direction === 'both' ? ['down', 'up'] : [this.o.direction];
    this.sides = dirs.map((dir) => ({ dir, cusum: new Cusum({ shiftSigmas, arl0: this.o.arl0 }), runSum: 0, runCount: 0, runStartMs: 0 }));
  }

  private rebaseline(): void {
    this.warm.length = 0;
    this.recent.length = 0;
    this.sides = [];
  }
}
