/**
 * Calibration of predicted quality against observed graded quality, for drift detection.
 *
 * Expected calibration error over a set of (predicted p, observed y) pairs: the pairs are put
 * into BINS equal-width bins of p over [0, 1] (p = 1 goes in the last), and
 *     ECE = Σ_b (n_b / N) · |mean p in b − mean y in b|.
 * Reported over every observed (prompt, model) pair, and per segment and per model.
 */
export const BINS = 10;

export interface CalibrationBin {
  lo: number;
  hi: number;
  n: number;
  predicted: number;
  observed: number;
}

export interface Calibration {
  ece: number;
  /** Observed pairs the ECE is over. */
  n: number;
  bins: CalibrationBin[];
}

export interface CalibrationReport extends Calibration {
  segments: Record<string, { n: number; ece: number }>;
  models: Record<string, { n: number; ece: number }>;
}

class Binner {
  readonly n = new Float64Array(BINS);
  readonly p = new Float64Array(BINS);
  readonly y = new Float64Array(BINS);
  add(p: number, y: number): void {
    const b = Math.min(BINS - 1, Math.max(0, Math.floor(p * BINS)));
    this.n[b]!++;
    this.p[b]! += p;
    this.y[b]! += y;
  }
  result(): Calibration {
    let total = 0;
    for (let b = 0; b < BINS; b++) total += this.n[b]!;
    let ece = 0;
    const bins: CalibrationBin[] = [];
    for (let b = 0; b < BINS; b++) {
      const n = this.n[b]!;
      const mp = n > 0 ? this.p[b]! / n : 0;
      const my = n > 0 ? this.y[b]! / n : 0;
      if (n > 0) ece += (n / total) * Math.abs(mp - my);
      bins.push({ lo: b / BINS, hi: (b + 1) / BINS, n, predicted: mp, observed: my });
    }
    return { ece: total > 0 ? ece : NaN, n: total, bins };
  }
}

/** ECE of pairs (predicted[k], observed[k]) where mask[k] is 1. */
export function expectedCalibrationError(predicted: ArrayLike<number>, observed: ArrayLike<number>, mask?: ArrayLike<number>): Calibration {
  const b = new Binner();
  for (let k = 0; k < predicted.length; k++) if (mask === undefined || mask[k] !== 0) b.add(predicted[k]!, observed[k]!);
  return b.result();
}

/** Overall, per segment and per model, over n × m matrices; `observed` marks the pairs that count. */
export function calibrationReport(
  models: readonly string[],
  segments: readonly string[],
  predicted: Float64Array,
  quality: Float64Array,
  observed: Uint8Array,
): CalibrationReport {
  const m = models.length;
  const all = new Binner();
  const bySeg = new Map<string, Binner>();
  const byModel = models.map(() => new Binner());
  segments.forEach((s, i) => {
    let sb = bySeg.get(s);
    if (sb === undefined) {
      sb = new Binner();
      bySeg.set(s, sb);
    }
    for (let j = 0; j < m; j++) {
      const k = i * m + j;
      if (observed[k] === 0) continue;
      all.add(predicted[k]!, quality[k]!);
      sb.add(predicted[k]!, quality[k]!);
      byModel[j]!.add(predicted[k]!, quality[k]!);
    }
  });
  const seg: Record<string, { n: number; ece: number }> = {};
  for (const s of [...bySeg.keys()].sort()) {
    const r = bySeg.get(s)!.result();
    seg[s] = { n: r.n, ece: r.ece };
  }
  const mod: Record<string, { n: number; ece: number }> = {};
  models.forEach((name, j) => {
    const r = byModel[j]!.result();
    mod[name] = { n: r.n, ece: r.ece };
  });
  return { ...all.result(), segments: seg, models: mod };
}

/**
 * The logit shift x that makes the mean of sigmoid(logit(p_k) + x) equal the mean observed
 * quality (Newton's method on a monotone function): what a catalog prior
 * { like: model, logitShift: x } would add to recalibrate a drifted profile. 0 when there
 * are no pairs; clamped to ±10 when the observed mean is 0 or 1.
 */
export function recalibrationShift(predicted: readonly number[], observed: readonly number[]): number {
  const n = predicted.length;
  if (n === 0) return 0;
  const target = observed.reduce((s, y) => s + y, 0) / n;
  const logits = predicted.map((p) => {
    const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
    return Math.log(q / (1 - q));
  });
  let x = 0;
  for (let it = 0; it < 50; it++) {
    let f = 0, df = 0;
    for (const l of logits) {
      const s = 1 / (1 + Math.exp(-(l + x)));
      f += s;
      df += s * (1 - s);
    }
    f = f / n - target;
    df /= n;
    if (Math.abs(f) < 1e-12 || df < 1e-15) break;
    x = Math.max(-10, Math.min(10, x - f / df));
  }
  return x;
}
