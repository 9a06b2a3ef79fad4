/**
 * Calibration of the cost/quality knob (the `calibrate` command's library side): the knob
 * value that meets a target an operator states, measured on routing data, and its entry in a
 * configuration file.
 *
 * Targets, over the operating points of the router on the data (operating-points.ts; the
 * flagship is the pool's best single model, as in ../shared/data/README.md "Metrics"):
 *   match_flagship    the cheapest point whose mean quality is at least the flagship's, or
 *                     with `share` s at least s × the flagship's ("98% of it at least cost");
 *   strong_share S    the point whose share of calls to the flagship is closest to S
 *                     without exceeding it (ties: the better, then the cheaper);
 *   budget B          the best point whose mean cost per 1,000 requests is at most B USD
 *                     (ties: the cheaper).
 * When no point meets the target, the nearest one is given instead (`met` false): the best
 * quality for match_flagship, the smallest share for strong_share, the cheapest for budget.
 *
 * A configuration holds the knob with KNOB_DECIMALS decimals, and the knob's grid is coarser
 * than the sweep's points on large data, so only the points that some knob on that grid
 * produces are candidates: for each grid value k, λ = lambdaForKnob(k) (tradeoff.ts, the
 * mapping Decide uses) selects the point after every change of λ above it (at a tie the
 * cheaper model stays, as in choicesByUtility). Each candidate's knob is the middle of the
 * run of grid values that give it, so the written knob reproduces the reported point on the
 * data exactly and with the most room on either side.
 *
 * Predictions and expected costs are made as `eval` makes them (routing-table.ts, shared with
 * evaluate.ts): the given router model applied to every prompt, or with `folds` the held-out
 * predictions of models trained on the other folds; expected costs from the 'tokens' cost
 * model. Writing the knob into a configuration file is knob-in-config.ts.
 */
import { lambdaForKnob } from '../router/policy/tradeoff.js';
import type { RoutingData } from '../shared/routing-data.js';
import type { CostModelKind } from './cost-model.js';
import { flagshipOf, singleModels, type ModelSummary } from './eval-metrics.js';
import { KNOB_DECIMALS } from './knob-in-config.js';
import { marginPoints } from './margin-points.js';
import { choicesAt, sweepOperatingPoints, type RoutingTable, type Sweep } from './operating-points.js';
import { DEFAULT_COST_MODEL, routingTableOf, trainedOn, type RoutingTableOptions } from './routing-table.js';

// The configuration side and the shared routing table, under the names this module has always offered.
export { KNOB_DECIMALS, isBuiltInConfig, roundKnob, setPolicyKnob, setPolicyValue, writeFileAtomic, type KnobEdit } from './knob-in-config.js';
export { routingTableOf } from './routing-table.js';

const GRID = 10 ** KNOB_DECIMALS;

export type KnobTarget = { kind: 'match_flagship'; share?: number } | { kind: 'strong_share'; share: number } | { kind: 'budget'; usd_per_1000: number };

/** An operating point that a knob on the KNOB_DECIMALS grid produces. */
export interface KnobPoint {
  /** Index of the point in the sweep. */
  index: number;
  /** The middle of `knobRange`, on the grid. */
  knob: number;
  /** The first and last grid knob that give this point. */
  knobRange: [number, number];
  /** Mean actual quality and cost_usd per prompt. */
  quality: number;
  cost: number;
  /** Share of the prompts routed to the flagship. */
  flagshipShare: number;
}

/** What a calibration finds: the JSON form of the `calibrate` result. */
export interface KnobChoice {
  target: KnobTarget;
  /** False when no point meets the target; the point is then the nearest one. */
  met: boolean;
  knob: number;
  knob_range: [number, number];
  /** λ of `knob` (tradeoff.ts). */
  lambda: number;
  quality: number;
  cost_per_1000: number;
  /** Mean cost / the flagship's mean cost. */
  cost_ratio: number;
  flagship_share: number;
  /** Share of the prompts routed to each model at this point (models with none are left out). */
  calls: Record<string, number>;
  flagship: { model: string; quality: number; cost_per_1000: number };
  /** Distinct operating points a knob on the grid produces. */
  reachable_points: number;
}

export interface KnobCalibration extends KnobChoice {
  n: number;
  dropped_incomplete: number;
  models: string[];
  folds: number | null;
  /** Without folds: whether the data is (by content hash) part of the model's training data. */
  in_sample: boolean;
  cost_model: CostModelKind;
  /** With `margin`: the policy's quality margin for the same target, on the same predictions. */
  quality_margin?: MarginChoice;
}

const SLACK = 1e-12;
const atLeast = (a: number, b: number) => a >= b - SLACK * Math.max(1, Math.abs(b));
const atMost = (a: number, b: number) => a <= b + SLACK * Math.max(1, Math.abs(b));

/** Number of the sweep's change groups (distinct λ, falling) whose λ is above `lambda`. */
function pointAt(groups: readonly number[], lambda: number): number {
  let lo = 0, hi = groups.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (groups[mid]! > lambda) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The operating points of a sweep that a knob on the grid produces, cheapest λ first. */
export function knobPoints(sweep: Sweep, flagship: number): KnobPoint[] {
  const { table: t, points, changes, applied } = sweep;
  // λ of each change group, falling: point k holds after the first k groups.
  const groups: number[] = [];
  for (const c of changes) if (groups.length === 0 || groups[groups.length - 1] !== c.lambda) groups.push(c.lambda);

  // Share of the flagship at every point.
  const share = new Float64Array(points.length);
  const choice = Int32Array.from(sweep.start);
  let count = 0;
  for (let i = 0; i < t.n; i++) if (choice[i] === flagship) count++;
  let c = 0;
  points.forEach((_, k) => {
    for (; c < applied[k]!; c++) {
      const ch = changes[c]!;
      if (choice[ch.prompt] === flagship) count--;
      if (ch.to === flagship) count++;
      choice[ch.prompt] = ch.to;
    }
    share[k] = count / t.n;
  });

  const out: KnobPoint[] = [];
  let runStart = 0;
  let runPoint = pointAt(groups, lambdaForKnob(0));
  const close = (last: number) => {
    const p = points[runPoint]!;
    out.push({
      index: runPoint,
      knob: Math.round((runStart + last) / 2) / GRID,
      knobRange: [runStart / GRID, last / GRID],
      quality: p.quality,
      cost: p.cost,
      flagshipShare: share[runPoint]!,
    });
  };
  for (let g = 1; g <= GRID; g++) {
    const k = pointAt(groups, lambdaForKnob(g / GRID));
    if (k !== runPoint) {
      close(g - 1);
      runStart = g;
      runPoint = k;
    }
  }
  close(GRID);
  return out;
}

function better(a: Point, b: Point): boolean {
  return a.quality > b.quality || (a.quality === b.quality && a.cost < b.cost);
}

type Point = Pick<KnobPoint, 'quality' | 'cost' | 'flagshipShare'>;

/** The point that meets `target`, or the nearest one (met: false). `points` is not empty. */
export function chooseKnob<P extends Point>(points: readonly P[], flagship: ModelSummary, target: KnobTarget): { met: boolean; point: P } {
  if (points.length === 0) throw new RangeError('no operating points');
  let pick: P | undefined;
  let nearest = points[0]!;
  switch (target.kind) {
    case 'match_flagship':
      for (const p of points) {
        if (atLeast(p.quality, (target.share ?? 1) * flagship.quality) && (pick === undefined || p.cost < pick.cost || (p.cost === pick.cost && p.quality > pick.quality))) pick = p;
        if (better(p, nearest)) nearest = p;
      }
      break;
    case 'strong_share':
      for (const p of points) {
        if (atMost(p.flagshipShare, target.share) && (pick === undefined || p.flagshipShare > pick.flagshipShare || (p.flagshipShare === pick.flagshipShare && better(p, pick)))) pick = p;
        if (p.flagshipShare < nearest.flagshipShare || (p.flagshipShare === nearest.flagshipShare && better(p, nearest))) nearest = p;
      }
      break;
    case 'budget':
      for (const p of points) {
        if (atMost(p.cost * 1000, target.usd_per_1000) && (pick === undefined || better(p, pick))) pick = p;
        if (p.cost < nearest.cost || (p.cost === nearest.cost && p.quality > nearest.quality)) nearest = p;
      }
      break;
  }
  return pick !== undefined ? { met: true, point: pick } : { met: false, point: nearest };
}

/** Share of the prompts routed to each model, most first (models with none are left out). */
function callShares(models: readonly string[], counts: Float64Array, n: number): Record<string, number> {
  const calls: Record<string, number> = {};
  [...models.keys()].sort((a, b) => counts[b]! - counts[a]! || a - b).forEach((j) => {
    if (counts[j]! > 0) calls[models[j]!] = counts[j]! / n;
  });
  return calls;
}

/** What a calibration of a policy's quality margin finds (margin-points.ts). */
export interface MarginChoice {
  met: boolean;
  quality_margin: number;
  margin_range: [number, number];
  quality: number;
  cost_per_1000: number;
  cost_ratio: number;
  flagship_share: number;
  calls: Record<string, number>;
  /** Distinct routings a margin on the grid produces. */
  reachable_points: number;
}

/** The quality margin that meets `target` on a routing table of `models`, or the nearest one. */
export function calibrateMarginTable(table: RoutingTable, models: readonly string[], target: KnobTarget): MarginChoice {
  if (table.n === 0) throw new RangeError('no prompts to calibrate on');
  const singles = singleModels(models, table.quality, table.cost);
  const fi = flagshipOf(singles);
  const flagship = singles[fi]!;
  const points = marginPoints(table, fi);
  const { met, point } = chooseKnob(points, flagship, target);
  return {
    met,
    quality_margin: point.margin,
    margin_range: point.marginRange,
    quality: point.quality,
    cost_per_1000: point.cost * 1000,
    cost_ratio: flagship.cost_usd > 0 ? point.cost / flagship.cost_usd : NaN,
    flagship_share: point.flagshipShare,
    calls: callShares(models, point.counts, table.n),
    reachable_points: points.length,
  };
}

/** Calibrates on a routing table (every outcome observed) of `models`. */
export function calibrateTable(table: RoutingTable, models: readonly string[], target: KnobTarget): KnobChoice {
  if (models.length !== table.m) throw new RangeError(`${models.length} model names for a table of ${table.m} models`);
  if (table.n === 0) throw new RangeError('no prompts to calibrate on');
  const singles = singleModels(models, table.quality, table.cost);
  const fi = flagshipOf(singles);
  const flagship = singles[fi]!;
  const sweep = sweepOperatingPoints(table);
  const points = knobPoints(sweep, fi);
  const { met, point } = chooseKnob(points, flagship, target);
  const counts = new Float64Array(table.m);
  for (const j of choicesAt(sweep, point.index)) counts[j]!++;
  const calls = callShares(models, counts, table.n);
  return {
    target,
    met,
    knob: point.knob,
    knob_range: point.knobRange,
    lambda: lambdaForKnob(point.knob),
    quality: point.quality,
    cost_per_1000: point.cost * 1000,
    cost_ratio: flagship.cost_usd > 0 ? point.cost / flagship.cost_usd : NaN,
    flagship_share: point.flagshipShare,
    calls,
    flagship: { model: flagship.model, quality: flagship.quality, cost_per_1000: flagship.cost_usd * 1000 },
    reachable_points: points.length,
  };
}

/** The router whose predictions are calibrated: a router model (`model`), or held-out predictions with `folds`. */
export type CalibrateOptions = Omit<RoutingTableOptions, 'profileOf' | 'logitShift' | 'costModel'>;

/**
 * Evaluates the router on `all` and finds the knob for `target`; with `margin`, also the
 * quality margin (for a policy that operates by one).
 */
export function calibrateKnob(all: RoutingData, opts: CalibrateOptions, target: KnobTarget, margin = false): KnobCalibration {
  const { table, models, dropped } = routingTableOf(all, opts);
  return {
    ...(margin ? { quality_margin: calibrateMarginTable(table, models, target) } : {}),
    ...calibrateTable(table, models, target),
    n: table.n,
    dropped_incomplete: dropped,
    models,
    folds: opts.folds ?? null,
    in_sample: opts.folds === undefined && opts.model !== undefined && trainedOn(opts.model, all),
    cost_model: DEFAULT_COST_MODEL,
  };
}
