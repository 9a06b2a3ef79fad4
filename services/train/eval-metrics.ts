/**
 * The routing metrics of ../shared/data/README.md ("Metrics"), as pure functions of actual
 * outcomes and operating points. Qualities and costs are means per prompt over the evaluated
 * prompts; comparisons "at least" / "at most" allow a relative slack of 1e-12 so that a point
 * equal to the flagship, summed in another order, still counts as equal.
 */
import type { OperatingPoint } from './operating-points.js';

export interface ModelSummary {
  model: string;
  quality: number;
  cost_usd: number;
}

const SLACK = 1e-12;
const atLeast = (a: number, b: number) => a >= b - SLACK * Math.max(1, Math.abs(b));
const atMost = (a: number, b: number) => a <= b + SLACK * Math.max(1, Math.abs(b));

/** Mean quality and cost of each model over n prompts (n × m matrices, all observed). */
export function singleModels(models: readonly string[], quality: Float64Array, cost: Float64Array): ModelSummary[] {
  const m = models.length;
  const n = quality.length / m;
  return models.map((model, j) => {
    let q = 0, c = 0;
    for (let i = 0; i < n; i++) {
      q += quality[i * m + j]!;
      c += cost[i * m + j]!;
    }
    return { model, quality: q / n, cost_usd: c / n };
  });
}

/** The model of highest mean quality; a tie goes to the cheaper (then the first listed). */
export function flagshipOf(singles: readonly ModelSummary[]): number {
  let best = 0;
  singles.forEach((s, j) => {
    const b = singles[best]!;
    if (s.quality > b.quality || (s.quality === b.quality && s.cost_usd < b.cost_usd)) best = j;
  });
  return best;
}

/** The model of lowest mean cost; a tie goes to the better (then the first listed). */
export function cheapestOf(singles: readonly ModelSummary[]): number {
  let best = 0;
  singles.forEach((s, j) => {
    const b = singles[best]!;
    if (s.cost_usd < b.cost_usd || (s.cost_usd === b.cost_usd && s.quality > b.quality)) best = j;
  });
  return best;
}

/**
 * match_flagship_cost_ratio: the smallest mean cost / flagship cost among points whose mean
 * quality is at least the flagship's; null when no point reaches it. Also the point's index.
 */
export function matchFlagship(points: readonly OperatingPoint[], flagship: ModelSummary): { ratio: number | null; index: number } {
  let index = -1;
  points.forEach((p, k) => {
    if (atLeast(p.quality, flagship.quality) && (index < 0 || p.cost < points[index]!.cost)) index = k;
  });
  return { ratio: index < 0 ? null : points[index]!.cost / flagship.cost_usd, index };
}

/** best_quality_within_flagship_cost: the highest mean quality among points costing at most the flagship. */
export function bestWithinFlagshipCost(points: readonly OperatingPoint[], flagship: ModelSummary): { quality: number | null; index: number } {
  let index = -1;
  points.forEach((p, k) => {
    if (atMost(p.cost, flagship.cost_usd) && (index < 0 || p.quality > points[index]!.quality)) index = k;
  });
  return { quality: index < 0 ? null : points[index]!.quality, index };
}

/**
 * The non-decreasing upper convex hull of (cost, quality) points, cheapest first: what mixing
 * operating points at random can reach, where spending more never lowers quality.
 */
export function nonDecreasingHull(points: readonly { cost: number; quality: number }[]): { cost: number; quality: number }[] {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || b.quality - a.quality);
  const hull: { cost: number; quality: number }[] = [];
  for (const p of sorted) {
    if (hull.length > 0 && !(p.quality > hull[hull.length - 1]!.quality)) continue;
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!, b = hull[hull.length - 1]!;
      const cross = (b.cost - a.cost) * (p.quality - a.quality) - (b.quality - a.quality) * (p.cost - a.cost);
      if (cross >= 0) hull.pop();
      else break;
    }
    hull.push(p);
  }
  return hull;
}

/**
 * The hull's quality at cost c: linear between hull points, flat beyond the last, and below
 * the first point flat at the first point's quality.
 */
export function hullQualityAt(hull: readonly { cost: number; quality: number }[], c: number): number {
  if (hull.length === 0) return NaN;
  if (c <= hull[0]!.cost) return hull[0]!.quality;
  for (let k = 1; k < hull.length; k++) {
    const a = hull[k - 1]!, b = hull[k]!;
    if (c <= b.cost) return a.quality + ((b.quality - a.quality) * (c - a.cost)) / (b.cost - a.cost);
  }
  return hull[hull.length - 1]!.quality;
}

/**
 * aiq (RouterBench): the area under the router's non-decreasing convex-hull frontier between
 * `lo` (the cheapest single model's mean cost) and `hi` (the dearest's), divided by hi − lo.
 * The frontier is piecewise linear, so the integral is exact. When hi = lo, the frontier's
 * value there.
 */
export function aiq(points: readonly { cost: number; quality: number }[], lo: number, hi: number): number {
  const hull = nonDecreasingHull(points);
  if (!(hi > lo)) return hullQualityAt(hull, lo);
  const xs = [lo, ...hull.map((p) => p.cost).filter((c) => c > lo && c < hi), hi];
  let area = 0;
  for (let k = 1; k < xs.length; k++) {
    const a = xs[k - 1]!, b = xs[k]!;
    area += ((hullQualityAt(hull, a) + hullQualityAt(hull, b)) / 2) * (b - a);
  }
  return area / (hi - lo);
}

/** oracle: per prompt, the cheapest of the models of best quality. */
export function oracle(quality: Float64Array, cost: Float64Array, m: number): { quality: number; cost_usd: number } {
  const n = quality.length / m;
  let q = 0, c = 0;
  for (let i = 0; i < n; i++) {
    let bj = 0;
    for (let j = 1; j < m; j++) {
      const qj = quality[i * m + j]!, qb = quality[i * m + bj]!;
      if (qj > qb || (qj === qb && cost[i * m + j]! < cost[i * m + bj]!)) bj = j;
    }
    q += quality[i * m + bj]!;
    c += cost[i * m + bj]!;
  }
  return { quality: q / n, cost_usd: c / n };
}

export interface TwoModelMetrics {
  apgr: number | null;
  cpt50: number | null;
  cpt80: number | null;
  /** PGR at each breakpoint f (fractions sent to strong), for plotting. */
  curve: { f: number; pgr: number }[];
}

/**
 * RouteLLM's metrics for a strong and a weak model. Prompts are sent to the strong model in
 * order of falling `score` (the predicted gain of strong over weak); prompts of equal score
 * form one block whose order is random, so q(f) is linear across it (its expected value).
 * PGR(f) = (q(f) − q_weak) / (q_strong − q_weak) is therefore piecewise linear in f:
 * apgr = ∫₀¹ PGR(f) df is exact by the trapezoid rule, and cptX = 100 × the smallest f with
 * PGR(f) ≥ X. All null when q_strong = q_weak.
 */
export function twoModelMetrics(strongQ: ArrayLike<number>, weakQ: ArrayLike<number>, score: ArrayLike<number>): TwoModelMetrics {
  const n = strongQ.length;
  let qs = 0, qw = 0;
  for (let i = 0; i < n; i++) {
    qs += strongQ[i]!;
    qw += weakQ[i]!;
  }
  if (n === 0 || !(qs > qw)) return { apgr: null, cpt50: null, cpt80: null, curve: [] };
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b]! - score[a]!);
  const curve: { f: number; pgr: number }[] = [{ f: 0, pgr: 0 }];
  let gain = 0;
  let k = 0;
  while (k < n) {
    const s = score[order[k]!]!;
    while (k < n && score[order[k]!]! === s) {
      gain += strongQ[order[k]!]! - weakQ[order[k]!]!;
      k++;
    }
    curve.push({ f: k / n, pgr: gain / (qs - qw) });
  }
  let apgr = 0;
  for (let j = 1; j < curve.length; j++) apgr += ((curve[j - 1]!.pgr + curve[j]!.pgr) / 2) * (curve[j]!.f - curve[j - 1]!.f);
  const cpt = (x: number): number | null => {
    for (let j = 1; j < curve.length; j++) {
      const a = curve[j - 1]!, b = curve[j]!;
      if (b.pgr >= x - SLACK) {
        if (a.pgr >= x - SLACK) return 100 * a.f;
        return 100 * (a.f + ((x - a.pgr) * (b.f - a.f)) / (b.pgr - a.pgr));
      }
    }
    return null;
  };
  return { apgr, cpt50: cpt(0.5), cpt80: cpt(0.8), curve };
}

export interface SegmentResult {
  n: number;
  quality: number;
  cost_ratio: number;
  flagship_quality: number;
}

/** Per segment, for one routing (`choice` per prompt): n, quality, cost ratio to the flagship, flagship quality. */
export function segmentResults(
  segments: readonly string[],
  choice: Int32Array,
  quality: Float64Array,
  cost: Float64Array,
  m: number,
  flagship: number,
): Record<string, SegmentResult> {
  const acc = new Map<string, { n: number; q: number; c: number; fq: number; fc: number }>();
  segments.forEach((s, i) => {
    const a = acc.get(s) ?? { n: 0, q: 0, c: 0, fq: 0, fc: 0 };
    a.n++;
    a.q += quality[i * m + choice[i]!]!;
    a.c += cost[i * m + choice[i]!]!;
    a.fq += quality[i * m + flagship]!;
    a.fc += cost[i * m + flagship]!;
    acc.set(s, a);
  });
  const out: Record<string, SegmentResult> = {};
  for (const s of [...acc.keys()].sort()) {
    const a = acc.get(s)!;
    out[s] = { n: a.n, quality: a.q / a.n, cost_ratio: a.fc > 0 ? a.c / a.fc : NaN, flagship_quality: a.fq / a.n };
  }
  return out;
}

/**
 * Random mixing of the cheapest model and the flagship: the line between their (cost,
 * quality), flat beyond the flagship; its aiq over the same range as the router's.
 */
export function randomMixAiq(cheapest: ModelSummary, flagship: ModelSummary, lo: number, hi: number): number {
  return aiq(
    [
      { cost: cheapest.cost_usd, quality: cheapest.quality },
      { cost: flagship.cost_usd, quality: flagship.quality },
    ],
    lo,
    hi,
  );
}
