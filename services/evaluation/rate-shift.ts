/**
 * Watches a stream of outcomes in [0, 1] (a grade, or 1/0 for "an error happened") for a shift
 * of its rate, with a likelihood-ratio CUSUM that respects what the outcomes are: each one is
 * scored as evidence for "the rate moved by `minShift`" against "the rate is as usual",
 *   llr = y·ln(p1/p0) + (1 − y)·ln((1 − p1)/(1 − p0)),
 * where p0 is the usual rate for this observation (its `expected` value plus the stream's
 * baseline offset) and p1 = p0 ∓ minShift. S = max(0, S + llr); an alarm when S > ln(arl0).
 * Lorden's bound makes that threshold's in-control average run length at least `arl0`
 * observations: the stated false-alarm rate holds however skewed the outcomes are.
 *
 * The baseline offset (the stream's mean of y − expected) is learned from the first `warmup`
 * observations and then from every observation once it is `lag` observations old, so a recent
 * shift is compared with what came before it rather than averaged into it.
 */

export interface RateShiftOptions {
  warmup: number;
  /** Smallest shift of the rate worth an alarm, e.g. 0.15. */
  minShift: number;
  /** Observations per false alarm, on average, at the least. */
  arl0: number;
  direction: 'down' | 'up';
  /** How old an observation must be before it joins the baseline (default 600). */
  lag?: number;
}

export interface RateShift {
  direction: 'down' | 'up';
  /** The usual rate (mean of y) before the change, and the mean since it began. */
  baseline: number;
  current: number;
  sinceMs: number;
  raisedAtMs: number;
}

const EDGE = 0.005;
/** Standard errors the baseline is moved by, against the watched direction. */
const BASELINE_DOUBT = 1;
const clamp = (p: number): number => Math.min(1 - EDGE, Math.max(EDGE, p));

export class RateShiftMonitor {
  private readonly threshold: number;
  private readonly lag: number;
  private warm = 0;
  /** Baseline sums (of y − expected, and of y) over the observations learned. */
  private n = 0;
  private offsetSum = 0;
  private offsetSq = 0;
  private ySum = 0;
  private readonly recent: Array<{ y: number; expected: number }> = [];
  private s = 0;
  private run = { ySum: 0, count: 0, startMs: 0 };

  constructor(private readonly o: RateShiftOptions) {
    if (!(o.warmup >= 1)) throw new RangeError('rate shift: warmup must be at least 1');
    if (!(o.minShift > 0 && o.minShift < 1)) throw new RangeError('rate shift: minShift must be in (0, 1)');
    if (!(o.arl0 > 1)) throw new RangeError('rate shift: arl0 must be more than 1');
    this.threshold = Math.log(o.arl0);
    this.lag = o.lag ?? 600;
  }

  get ready(): boolean {
    return this.warm >= this.o.warmup;
  }

  /** Takes one outcome y in [0, 1] whose usual value, absent any shift, is `expected` plus the baseline offset. */
  push(y: number, atMs: number, expected = 0): RateShift | undefined {
    if (!Number.isFinite(y) || !Number.isFinite(expected)) return undefined;
    if (!this.ready) {
      this.warm++;
      this.learn(y, expected);
      return undefined;
    }
    // The usual rate, moved against the watched direction by its own uncertainty (a standard
    // error times BASELINE_DOUBT): an early, noisy baseline must not turn variation into alarms.
    const mean = this.offsetSum / this.n;
    const se = Math.sqrt(Math.max(this.offsetSq / this.n - mean * mean, 0.01) / this.n);
    const doubt = BASELINE_DOUBT * se;
    const p0 = clamp(expected + mean + (this.o.direction === 'down' ? -doubt : doubt));
    const p1 = clamp(this.o.direction === 'down' ? p0 - this.o.minShift : p0 + this.o.minShift);
    const llr = y * Math.log(p1 / p0) + (1 - y) * Math.log((1 - p1) / (1 - p0));
    if (this.s === 0) this.run = { ySum: 0, count: 0, startMs: atMs };
    this.s = Math.max(0, this.s + llr);
    if (this.s > 0) {
      this.run.ySum += y;
      this.run.count++;
    }
    if (this.s > this.threshold) {
      const shift: RateShift = {
        direction: this.o.direction,
        baseline: this.ySum / this.n,
        current: this.run.ySum / Math.max(1, this.run.count),
        sinceMs: this.run.startMs,
        raisedAtMs: atMs,
      };
      this.restart();
      return shift;
    }
    this.recent.push({ y, expected });
    if (this.recent.length > this.lag) {
      const old = this.recent.shift()!;
      this.learn(old.y, old.expected);
    }
    return undefined;
  }

  private learn(y: number, expected: number): void {
    this.n++;
    this.offsetSum += y - expected;
    this.offsetSq += (y - expected) ** 2;
    this.ySum += y;
  }

  private restart(): void {
    this.warm = 0;
    this.n = 0;
    this.offsetSum = 0;
    this.offsetSq = 0;
    this.ySum = 0;
    this.recent.length = 0;
    this.s = 0;
  }
}
