/**
 * The router's operating points: every distinct routing of the evaluated prompts that some
 * λ ≥ 0 of the trade-off knob (policy/tradeoff.ts) produces.
 *
 * For prompt i the policy picks the model j of highest utility(q̂_ij, ĉ_ij, 0, λ, 0)
 * = q̂_ij − 1000 λ ĉ_ij (predicted quality, expected cost per request). As λ falls from ∞ to
 * 0 the pick walks the upper concave hull of that prompt's (ĉ, q̂) points, from the cheapest
 * model (ties: higher q̂, then lower index) to the best predicted one (ties: cheaper, then
 * lower index); it changes at λ = slope / 1000 of each hull edge. Sweeping all prompts'
 * changes in order of falling λ gives every operating point exactly, each one realised with
 * the chosen models' actual quality and cost_usd.
 */
import { knobForLambda, utility } from '../router/policy/tradeoff.js';

export interface RoutingTable {
  n: number;
  m: number;
  /** Actual graded quality and cost_usd, n × m, all observed. */
  quality: Float64Array;
  cost: Float64Array;
  /** What the router knows: predicted quality and expected cost per request, n × m. */
  predicted: Float64Array;
  expectedCost: Float64Array;
}

export interface OperatingPoint {
  /** A λ strictly inside the range of λ that gives this routing (0 for the last point). */
  lambda: number;
  /** tradeoff.ts knob for `lambda`. */
  knob: number;
  /** Mean actual quality and cost_usd per prompt. */
  quality: number;
  cost: number;
}

interface Change {
  lambda: number;
  prompt: number;
  to: number;
}

export interface Sweep {
  table: RoutingTable;
  points: OperatingPoint[];
  /** Each prompt's choice at λ = ∞. */
  start: Int32Array;
  /** Choice changes sorted by falling λ; point k holds after the first `applied[k]` changes. */
  changes: Change[];
  applied: number[];
}

/** Prompt i's hull of (expected cost, predicted quality), cheapest first. */
function promptHull(t: RoutingTable, i: number): number[] {
  const idx = Array.from({ length: t.m }, (_, j) => j);
  const c = (j: number) => t.expectedCost[i * t.m + j]!;
  const q = (j: number) => t.predicted[i * t.m + j]!;
  idx.sort((a, b) => c(a) - c(b) || q(b) - q(a) || a - b);
  const hull: number[] = [];
  let best = -Infinity;
  for (const j of idx) {
    if (!(q(j) > best)) continue; // no better than something at most as dear
    best = q(j);
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!, b = hull[hull.length - 1]!;
      // b stays only if strictly above the chord from a to j.
      const cross = (c(b) - c(a)) * (q(j) - q(a)) - (q(b) - q(a)) * (c(j) - c(a));
      if (cross >= 0) hull.pop();
      else break;
    }
    hull.push(j);
  }
  return hull;
}

export function sweepOperatingPoints(t: RoutingTable): Sweep {
  const start = new Int32Array(t.n);
  const changes: Change[] = [];
  for (let i = 0; i < t.n; i++) {
    const hull = promptHull(t, i);
    start[i] = hull[0]!;
    for (let k = 0; k + 1 < hull.length; k++) {
      const a = hull[k]!, b = hull[k + 1]!;
      const slope = (t.predicted[i * t.m + b]! - t.predicted[i * t.m + a]!) / (t.expectedCost[i * t.m + b]! - t.expectedCost[i * t.m + a]!);
      changes.push({ lambda: slope / 1000, prompt: i, to: b });
    }
  }
  changes.sort((x, y) => y.lambda - x.lambda || x.prompt - y.prompt);

  let qSum = 0, cSum = 0;
  const choice = Int32Array.from(start);
  for (let i = 0; i < t.n; i++) {
    qSum += t.quality[i * t.m + choice[i]!]!;
    cSum += t.cost[i * t.m + choice[i]!]!;
  }
  const points: OperatingPoint[] = [];
  const applied: number[] = [];
  const push = (lambda: number, k: number) => {
    points.push({ lambda, knob: knobForLambda(lambda), quality: qSum / t.n, cost: cSum / t.n });
    applied.push(k);
  };
  const first = changes.length > 0 ? changes[0]!.lambda * 2 : 1;
  push(first, 0);
  let k = 0;
  while (k < changes.length) {
    const lambda = changes[k]!.lambda;
    while (k < changes.length && changes[k]!.lambda === lambda) {
      const ch = changes[k]!;
      const from = choice[ch.prompt]!;
      qSum += t.quality[ch.prompt * t.m + ch.to]! - t.quality[ch.prompt * t.m + from]!;
      cSum += t.cost[ch.prompt * t.m + ch.to]! - t.cost[ch.prompt * t.m + from]!;
      choice[ch.prompt] = ch.to;
      k++;
    }
    const next = k < changes.length ? changes[k]!.lambda : 0;
    push(next > 0 ? Math.sqrt(lambda * next) : 0, k);
  }
  return { table: t, points, start, changes, applied };
}

/** Each prompt's chosen model at operating point `k` of a sweep. */
export function choicesAt(sweep: Sweep, k: number): Int32Array {
  const choice = Int32Array.from(sweep.start);
  const upTo = sweep.applied[k]!;
  for (let c = 0; c < upTo; c++) choice[sweep.changes[c]!.prompt] = sweep.changes[c]!.to;
  return choice;
}

/**
 * Each prompt's choice at one λ straight from tradeoff.ts's utility (μ = 0): the model of
 * highest utility; ties go to the lower expected cost, then the lower index. The sweep agrees
 * with it at every point's `lambda`; tests hold the two together.
 */
export function choicesByUtility(t: RoutingTable, lambda: number): Int32Array {
  const out = new Int32Array(t.n);
  for (let i = 0; i < t.n; i++) {
    let best = 0, bestU = -Infinity, bestC = Infinity;
    for (let j = 0; j < t.m; j++) {
      const u = utility(t.predicted[i * t.m + j]!, t.expectedCost[i * t.m + j]!, 0, lambda, 0);
      const c = t.expectedCost[i * t.m + j]!;
      if (u > bestU || (u === bestU && c < bestC)) {
        best = j;
        bestU = u;
        bestC = c;
      }
    }
    out[i] = best;
  }
  return out;
}
