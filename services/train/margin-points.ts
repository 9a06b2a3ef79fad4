/**
 * The operating points of a policy with a quality margin (policy/operating-point.ts): for a
 * margin m > 0 Decide chooses, per prompt, the cheapest model whose expected quality is at
 * least (1 − m) × the best model's (they all rank with the best's quality, so cost decides;
 * latency, which routing data does not measure, is left out here). As m grows, cheaper models
 * join that set and the choice moves to them; it changes only at each model's threshold
 * 1 − q̂_ij / max_j q̂_ij.
 *
 * A configuration holds the margin with MARGIN_DECIMALS decimals, between one grid step and
 * the schema's 0.5 (m = 0 means "the knob alone"), so the candidates are the routings some
 * margin on that grid produces, each with the run of grid margins that give it. Every grid
 * margin is tested with operating-point.ts's own withinMargin, so a written margin routes the
 * data as reported.
 */
import { withinMargin } from '../router/policy/operating-point.js';
import type { RoutingTable } from './operating-points.js';

export const MARGIN_DECIMALS = 4;
const GRID = 10 ** MARGIN_DECIMALS;
/** The schema's largest quality_margin, on the grid. */
const MAX_STEP = GRID / 2;

export interface MarginPoint {
  /** The middle of `marginRange`, on the grid. */
  margin: number;
  /** The first and last grid margin that give this routing. */
  marginRange: [number, number];
  /** Mean actual quality and cost_usd per prompt. */
  quality: number;
  cost: number;
  /** Share of the prompts routed to the flagship. */
  flagshipShare: number;
  /** Prompts routed to each model. */
  counts: Float64Array;
}

/** The first grid step (1..MAX_STEP) at which quality q is within the margin of best; MAX_STEP + 1 if none. */
function firstStep(q: number, best: number): number {
  if (!(best > 0)) return 1;
  let g = Math.max(1, Math.floor((1 - q / best) * GRID));
  while (g <= MAX_STEP && !withinMargin(q, best, g / GRID)) g++;
  return g;
}

/** Every routing a grid margin produces on the table, smallest margin first. */
export function marginPoints(t: RoutingTable, flagship: number): MarginPoint[] {
  const { n, m } = t;
  // Per step, the (prompt, model) changes that take effect there.
  const changes = new Map<number, [number, number][]>();
  const choice = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    for (let j = 0; j < m; j++) best = Math.max(best, t.predicted[i * m + j]!);
    const steps = Array.from({ length: m }, (_, j) => ({ j, g: firstStep(t.predicted[i * m + j]!, best) }));
    const c = (j: number) => t.expectedCost[i * m + j]!;
    const q = (j: number) => t.predicted[i * m + j]!;
    steps.sort((a, b) => a.g - b.g || c(a.j) - c(b.j) || q(b.j) - q(a.j) || a.j - b.j);
    let cur = -1;
    for (const { j, g } of steps) {
      if (g > MAX_STEP) break;
      if (cur >= 0 && !(c(j) < c(cur))) continue;
      if (cur < 0 || g === 1) choice[i] = j;
      else {
        const list = changes.get(g) ?? [];
        list.push([i, j]);
        changes.set(g, list);
      }
      cur = j;
    }
  }
  let qSum = 0, cSum = 0;
  const counts = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    qSum += t.quality[i * m + choice[i]!]!;
    cSum += t.cost[i * m + choice[i]!]!;
    counts[choice[i]!]!++;
  }
  const out: MarginPoint[] = [];
  let runStart = 1;
  const close = (last: number) =>
    out.push({
      margin: Math.round((runStart + last) / 2) / GRID,
      marginRange: [runStart / GRID, last / GRID],
      quality: qSum / n,
      cost: cSum / n,
      flagshipShare: counts[flagship]! / n,
      counts: Float64Array.from(counts),
    });
  for (const g of [...changes.keys()].sort((a, b) => a - b)) {
    close(g - 1);
    runStart = g;
    for (const [i, j] of changes.get(g)!) {
      const from = choice[i]!;
      qSum += t.quality[i * m + j]! - t.quality[i * m + from]!;
      cSum += t.cost[i * m + j]! - t.cost[i * m + from]!;
      counts[from]!--;
      counts[j]!++;
      choice[i] = j;
    }
  }
  close(MAX_STEP);
  return out;
}

/** Each prompt's choice at margin `margin` straight from withinMargin: the cheapest model within it (ties: the better, then the lower index). */
export function choicesByMargin(t: RoutingTable, margin: number): Int32Array {
  const out = new Int32Array(t.n);
  for (let i = 0; i < t.n; i++) {
    let best = -Infinity;
    for (let j = 0; j < t.m; j++) best = Math.max(best, t.predicted[i * t.m + j]!);
    let pick = -1;
    for (let j = 0; j < t.m; j++) {
      const q = t.predicted[i * t.m + j]!;
      if (!withinMargin(q, best, margin)) continue;
      const c = t.expectedCost[i * t.m + j]!;
      if (pick < 0 || c < t.expectedCost[i * t.m + pick]! || (c === t.expectedCost[i * t.m + pick]! && q > t.predicted[i * t.m + pick]!)) pick = j;
    }
    out[i] = pick;
  }
  return out;
}
