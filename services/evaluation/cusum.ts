/**
 * A one-sided CUSUM (Page's cumulative-sum test) for a shift of the mean of a stream of
 * observations, with its threshold derived from a stated false-alarm rate.
 *
 * Standardised form: each observation x becomes z = (x − μ0) / σ (sign-flipped for a downward
 * shift), and S_t = max(0, S_{t−1} + z_t − k) with allowance k = δ/2, where δ is the smallest
 * shift worth flagging in σ units. An alarm is raised when S_t > h.
 *
 * The false-alarm rate is stated as ARL0, the average number of in-control observations
 * between false alarms. Siegmund's approximation links it to h:
 *   ARL0 ≈ (exp(2k·b) − 2k·b − 1) / (2k²),   b = h + 1.166,
 * which is solved for h by bisection. The expected delay to detect a shift of δ is, likewise,
 *   ARL1 ≈ (exp(−2Δb) + 2Δb − 1) / (2Δ²),   Δ = δ − k.
 */

export interface CusumSpec {
  /** The smallest shift worth flagging, in standard deviations of one observation. */
  shiftSigmas: number;
  /** In-control average run length: one false alarm per this many observations, on average. */
  arl0: number;
}

const SIEGMUND = 1.166;

/** Siegmund's approximation of a standardised CUSUM's average run length at drift `delta` (k already subtracted). */
export function siegmundArl(drift: number, h: number): number {
  const b = h + SIEGMUND;
  if (Math.abs(drift) < 1e-9) return b * b;
  return (Math.exp(-2 * drift * b) + 2 * drift * b - 1) / (2 * drift * drift);
}

/** The threshold h whose in-control ARL is `arl0` for allowance k. */
export function cusumThreshold(k: number, arl0: number): number {
  if (!(k > 0)) throw new RangeError('cusum: the allowance k must be positive');
  if (!(arl0 > 1)) throw new RangeError('cusum: arl0 must be more than 1');
  let lo = 0;
  let hi = 1;
  while (siegmundArl(-k, hi) < arl0) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (siegmundArl(-k, mid) < arl0) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The expected number of observations before a shift of `spec.shiftSigmas` is flagged. */
export function expectedDetectionDelay(spec: CusumSpec): number {
  const k = spec.shiftSigmas / 2;
  return siegmundArl(spec.shiftSigmas - k, cusumThreshold(k, spec.arl0));
}

/** A one-sided CUSUM over standardised observations; `push` returns true when it alarms. */
export class Cusum {
  readonly k: number;
  readonly h: number;
  private s = 0;
  private n = 0;

  constructor(spec: CusumSpec) {
    if (!(spec.shiftSigmas > 0)) throw new RangeError('cusum: shiftSigmas must be positive');
    this.k = spec.shiftSigmas / 2;
    this.h = cusumThreshold(this.k, spec.arl0);
  }

  /** Takes one standardised observation (positive = in the direction watched). */
  push(z: number): boolean {
    this.n++;
    this.s = Math.max(0, this.s + z - this.k);
    return this.s > this.h;
  }

  get statistic(): number {
    return this.s;
  }

  get observations(): number {
    return this.n;
  }

  reset(): void {
    this.s = 0;
    this.n = 0;
  }
}
