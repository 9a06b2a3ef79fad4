/**
 * Traffic-mix drift against the training distribution: the population stability index (PSI)
 * of each categorical feature of the traffic (task family, length bucket, language, segment)
 * over a tumbling window, against the reference counts the router model was trained on.
 *
 *   PSI = Σ_bins (p_i − q_i) · ln(p_i / q_i)
 *
 * With no drift, PSI ≈ χ²_{B−1} · (1/n + 1/N) for a
 * window of n against a reference of N over B bins, so a window alarms when its PSI passes both
 * the χ² quantile at the stated false-alarm rate `alpha` (per window and feature) and the
 * conventional floor `minPsi` (0.2: a shift that matters, not merely one that is detectable).
 */
import { probit } from 'simple-statistics';

export interface TrafficMixOptions {
  /** Requests per window. */
  window: number;
  /** False-alarm probability per window and feature. */
  alpha: number;
  /** PSI below this never alarms. */
  minPsi: number;
}

export const TRAFFIC_MIX_DEFAULTS: TrafficMixOptions = { window: 1_000, alpha: 0.001, minPsi: 0.2 };

export interface TrafficMixAlarm {
  kind: 'traffic';
  feature: string;
  psi: number;
  threshold: number;
  /** Bins whose share moved most, with the reference and window shares. */
  moved: Array<{ bin: string; reference: number; window: number }>;
  sinceMs: number;
  raisedAtMs: number;
  message: string;
}

const FLOOR = 1e-4;

/** Traffic counts: feature → bin → requests. */
export type TrafficCounts = Record<string, Record<string, number>>;

/** Adds one request's features (feature → bin) to `counts`. */
export function countFeatures(counts: TrafficCounts, features: Readonly<Record<string, string>>): void {
  // for-in over the features' own keys: Object.entries made an array per feature per request.
  for (const f in features) {
    const bin = features[f]!;
    const c = counts[f] ?? {};
    counts[f] = c;
    c[bin] = (c[bin] ?? 0) + 1;
  }
}

/** PSI of `current` against `reference`, both as counts per bin; empty bins count as FLOOR. */
export function populationStabilityIndex(reference: Readonly<Record<string, number>>, current: Readonly<Record<string, number>>): number {
  const bins = new Set([...Object.keys(reference), ...Object.keys(current)]);
  const n = sum(current);
  const total = sum(reference);
  if (n === 0 || total === 0) return 0;
  let psi = 0;
  for (const b of bins) {
    const p = Math.max((current[b] ?? 0) / n, FLOOR);
    const q = Math.max((reference[b] ?? 0) / total, FLOOR);
    psi += (p - q) * Math.log(p / q);
  }
  return psi;
}

/** The χ²-based PSI threshold for a window of n against a reference of N over `bins` bins. */
export function psiThreshold(bins: number, n: number, N: number, alpha: number): number {
  const k = Math.max(1, bins - 1);
  // Wilson–Hilferty: χ²_k quantile from the normal one.
  const z = probit(1 - alpha);
  const chi2 = k * (1 - 2 / (9 * k) + z * Math.sqrt(2 / (9 * k))) ** 3;
  return chi2 * (1 / n + 1 / N);
}

export class TrafficMixDetector {
  private counts: TrafficCounts = {};
  private seen = 0;
  private startMs = 0;

  constructor(
    private readonly reference: Readonly<Record<string, Readonly<Record<string, number>>>>,
    private readonly o: TrafficMixOptions = TRAFFIC_MIX_DEFAULTS,
  ) {}

  /** Takes one request's features (feature → bin); at the end of each window, the alarms it raises. */
  observe(features: Readonly<Record<string, string>>, atMs: number): TrafficMixAlarm[] {
    if (this.seen === 0) this.startMs = atMs;
    this.seen++;
    countFeatures(this.counts, features);
    if (this.seen < this.o.window) return [];
    const alarms: TrafficMixAlarm[] = [];
    for (const [feature, ref] of Object.entries(this.reference)) {
      const cur = this.counts[feature] ?? {};
      const psi = populationStabilityIndex(ref, cur);
      const bins = new Set([...Object.keys(ref), ...Object.keys(cur)]).size;
      const threshold = Math.max(this.o.minPsi, psiThreshold(bins, sum(cur), sum(ref), this.o.alpha));
      if (psi > threshold) alarms.push(this.alarm(feature, psi, threshold, ref, cur, atMs));
    }
    this.counts = {};
    this.seen = 0;
    return alarms;
  }

  private alarm(feature: string, psi: number, threshold: number, ref: Readonly<Record<string, number>>, cur: Record<string, number>, atMs: number): TrafficMixAlarm {
    const n = sum(cur);
    const total = sum(ref);
    const moved = [...new Set([...Object.keys(ref), ...Object.keys(cur)])]
      .map((bin) => ({ bin, reference: (ref[bin] ?? 0) / total, window: (cur[bin] ?? 0) / n }))
      .sort((a, b) => Math.abs(b.window - b.reference) - Math.abs(a.window - a.reference))
      .slice(0, 3);
    const top = moved.map((m) => `${m.bin} ${(m.reference * 100).toFixed(0)}% → ${(m.window * 100).toFixed(0)}%`).join(', ');
    return { kind: 'traffic', feature, psi, threshold, moved, sinceMs: this.startMs, raisedAtMs: atMs, message: `traffic mix by ${feature} moved from the training distribution (PSI ${psi.toFixed(2)}): ${top}` };
  }
}

function sum(r: Readonly<Record<string, number>>): number {
  let s = 0;
  for (const v of Object.values(r)) s += v;
  return s;
}
