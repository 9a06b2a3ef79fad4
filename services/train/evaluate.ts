/**
 * Evaluation of the learned router on routing data (the `eval` command's library side).
 *
 * Predictions and expected costs come from routing-table.ts (shared with calibrate-knob.ts): a
 * given router model (the shipped one, say), or with `folds: K` the held-out predictions of K
 * models each trained on the other K − 1 folds.
 *
 * Metrics (eval-metrics.ts, definitions in ../shared/data/README.md) are computed on the
 * prompts that have an outcome for every pool model (the others are counted in
 * `dropped_incomplete`), so every model and the router are compared on the same prompts.
 * Cross-entropy and calibration use every observed (prompt, model) pair.
 */
import type { RoutingData } from '../shared/routing-data.js';
import { calibrationReport, type CalibrationReport } from './calibration.js';
import type { CostModelKind } from './cost-model.js';
import {
  aiq,
  bestWithinFlagshipCost,
  cheapestOf,
  flagshipOf,
  matchFlagship,
  oracle,
  randomMixAiq,
  segmentResults,
  singleModels,
  twoModelMetrics,
  type ModelSummary,
  type SegmentResult,
} from './eval-metrics.js';
import { choicesByMargin } from './margin-points.js';
import { choicesAt, sweepOperatingPoints, type OperatingPoint } from './operating-points.js';
import { meanCrossEntropy } from './predict.js';
import { DEFAULT_COST_MODEL, routerOnData, trainedOn, type RoutingTableOptions } from './routing-table.js';

export { DEFAULT_COST_MODEL } from './routing-table.js';

export interface EvalOptions extends RoutingTableOptions {
  /**
   * The operating point to report segments and savings at: the cheapest point whose mean
   * quality is at least this share of the flagship's (default 1: matching the flagship).
   */
  flagshipShare?: number;
  /**
   * Also report the routing at this quality margin (in (0, 0.5]): what a policy with
   * `quality_margin` M chooses, the cheapest model within M of the best expected quality.
   */
  margin?: number;
}

/** The routing at a policy's quality margin (margin-points.ts), overall and per segment. */
export interface MarginPointSummary {
  quality_margin: number;
  quality: number;
  cost_ratio: number;
  /** 1 − cost_ratio: what the router saves against always calling the flagship. */
  savings: number;
  segments: Record<string, SegmentResult>;
}

export interface OperatingPointSummary {
  lambda: number;
  knob: number;
  quality: number;
  cost_ratio: number;
  /** 1 − cost_ratio: what the router saves against always calling the flagship. */
  savings: number;
  /** The share of the flagship's quality the point was chosen for (1 = matching it). */
  target_share: number;
  matches_flagship: boolean;
}

export interface EvalReport {
  n: number;
  dropped_incomplete: number;
  folds: number | null;
  /** Without folds: whether the evaluated data is (by content hash) part of the model's training data. */
  in_sample: boolean;
  models: string[];
  cost_model: CostModelKind;
  flagship: ModelSummary;
  match_flagship_cost_ratio: number | null;
  best_quality_within_flagship_cost: number | null;
  aiq: number;
  oracle: { quality: number; cost_ratio: number; cost_usd: number };
  /**
   * The point the segments are reported at: the cheapest reaching the target share of the
   * flagship's quality (default: matching it), else the best within the flagship's cost.
   */
  operating_point: OperatingPointSummary | null;
  segments: Record<string, SegmentResult>;
  /** With `margin`: the routing at that quality margin. */
  margin_point?: MarginPointSummary;
  apgr?: number | null;
  cpt50?: number | null;
  cpt80?: number | null;
  baselines: {
    single_models: (ModelSummary & { cost_ratio: number })[];
    random_mix: { cheapest: string; flagship: string; aiq: number };
  };
  /** Mean cross-entropy of predicted vs observed quality (held-out with folds). */
  cross_entropy: number;
  calibration: CalibrationReport;
  /** Every operating point, cheapest λ first (not part of the JSON summary). */
  points: OperatingPoint[];
  /** PGR curve of the two-model metrics (not part of the JSON summary). */
  pgrCurve?: { f: number; pgr: number }[];
}

export function evaluate(all: RoutingData, opts: EvalOptions): EvalReport {
  const { table, models, dropped, outcomes: mx, predictions: pr, complete: ev } = routerOnData(all, opts, 'evaluate');
  const m = models.length;
  const costKind = opts.costModel ?? DEFAULT_COST_MODEL;
  const predicted = table.predicted;
  const sweep = sweepOperatingPoints(table);
  const points = sweep.points;

  const singles = singleModels(models, ev.quality, ev.cost);
  const fi = flagshipOf(singles);
  const flagship = singles[fi]!;
  const ci = cheapestOf(singles);
  const lo = singles[ci]!.cost_usd;
  const hi = Math.max(...singles.map((s) => s.cost_usd));
  const match = matchFlagship(points, flagship);
  const best = bestWithinFlagshipCost(points, flagship);
  const or = oracle(ev.quality, ev.cost, m);

  const share = opts.flagshipShare ?? 1;
  const target = share === 1 ? match : matchFlagship(points, { ...flagship, quality: share * flagship.quality });
  const opIndex = target.index >= 0 ? target.index : best.index;
  let operating: OperatingPointSummary | null = null;
  let segments: Record<string, SegmentResult> = {};
  if (opIndex >= 0) {
    const p = points[opIndex]!;
    const costRatio = p.cost / flagship.cost_usd;
    operating = { lambda: p.lambda, knob: p.knob, quality: p.quality, cost_ratio: costRatio, savings: 1 - costRatio, target_share: share, matches_flagship: match.index >= 0 && p.quality >= flagship.quality - 1e-12 };
    segments = segmentResults(ev.segments, choicesAt(sweep, opIndex), ev.quality, ev.cost, m, fi);
  }

  const report: EvalReport = {
    n: ev.n,
    dropped_incomplete: dropped,
    folds: opts.folds ?? null,
    in_sample: opts.folds === undefined && opts.model !== undefined && trainedOn(opts.model, all),
    models: [...models],
    cost_model: costKind,
    flagship,
    match_flagship_cost_ratio: match.ratio,
    best_quality_within_flagship_cost: best.quality,
    aiq: aiq(points, lo, hi),
    oracle: { quality: or.quality, cost_ratio: or.cost_usd / flagship.cost_usd, cost_usd: or.cost_usd },
    operating_point: operating,
    segments,
    baselines: {
      single_models: singles.map((s) => ({ ...s, cost_ratio: s.cost_usd / flagship.cost_usd })),
      random_mix: { cheapest: singles[ci]!.model, flagship: flagship.model, aiq: randomMixAiq(singles[ci]!, flagship, lo, hi) },
    },
    cross_entropy: meanCrossEntropy(pr.predicted, mx),
    calibration: calibrationReport(models, mx.segments, pr.predicted, mx.quality, mx.observed),
    points,
  };
  if (opts.margin !== undefined) {
    const choice = choicesByMargin(table, opts.margin);
    let q = 0, c = 0;
    choice.forEach((j, i) => {
      q += ev.quality[i * m + j]!;
      c += ev.cost[i * m + j]!;
    });
    const costRatio = c / ev.n / flagship.cost_usd;
    report.margin_point = {
      quality_margin: opts.margin,
      quality: q / ev.n,
      cost_ratio: costRatio,
      savings: 1 - costRatio,
      segments: segmentResults(ev.segments, choice, ev.quality, ev.cost, m, fi),
    };
  }

  if (m === 2) {
    const wi = 1 - fi;
    const strongQ = new Float64Array(ev.n), weakQ = new Float64Array(ev.n), gain = new Float64Array(ev.n);
    for (let i = 0; i < ev.n; i++) {
      strongQ[i] = ev.quality[i * m + fi]!;
      weakQ[i] = ev.quality[i * m + wi]!;
      gain[i] = predicted[i * m + fi]! - predicted[i * m + wi]!;
    }
    const two = twoModelMetrics(strongQ, weakQ, gain);
    report.apgr = two.apgr;
    report.cpt50 = two.cpt50;
    report.cpt80 = two.cpt80;
    report.pgrCurve = two.curve;
  }
  return report;
}

/** The report as the `eval --json` object: everything but the full point list and curves. */
export function reportSummary(r: EvalReport): Record<string, unknown> {
  const { points: _points, pgrCurve: _curve, ...rest } = r;
  return { ...rest, operating_points: _points.length };
}
