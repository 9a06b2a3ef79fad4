/**
 * Evaluation of the learned router on routing data (the `eval` command's library side).
 *
 * Predictions come either from a given router model (the shipped one, say), or, with
 * `folds: K`, from K models each trained on the other K − 1 folds (folds.ts) and applied to
 * its held-out fold. Expected costs (cost-model.ts) are fitted the same way: on the training
 * folds, or without folds on the evaluated data itself.
 *
 * Metrics (eval-metrics.ts, definitions in ../shared/data/README.md) are computed on the
 * prompts that have an outcome for every pool model (the others are counted in
 * `dropped_incomplete`), so every model and the router are compared on the same prompts.
 * Cross-entropy and calibration use every observed (prompt, model) pair.
 */
import type { RouterModel } from '../router/model/router-model-file.js';
import { calibrationReport, type CalibrationReport } from './calibration.js';
import { expectedCosts, fitCostModel, type CostModelKind } from './cost-model.js';
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
import { computeFeatureTable, selectRows, type FeatureTable } from './feature-table.js';
import { splitFolds } from './folds.js';
import { choicesAt, sweepOperatingPoints, type OperatingPoint } from './operating-points.js';
import { buildOutcomeMatrix, completeRows, selectOutcomeRows, type OutcomeMatrix } from './outcome-matrix.js';
import { meanCrossEntropy, predictQualities, profileIndices } from './predict.js';
import { filterPool, type RoutingData } from '../shared/routing-data.js';
import { trainRouterModel, type TrainOptions, type TrainProgress } from './trainer.js';

export const DEFAULT_COST_MODEL: CostModelKind = 'tokens';

export interface EvalOptions {
  /** The models routed among (default: every model of the data); see routing-data.ts filterPool. */
  pool?: readonly string[];
  /**
   * With folds: train on the outcomes of every model of the data, not only the pool's (more
   * observations of each prompt shape the shared prompt vector; the shipped model is trained
   * that way). Default true.
   */
  trainAllModels?: boolean;
  /** Cross-validation folds (>= 2). Without it, `model` is evaluated as it is. */
  folds?: number;
  model?: RouterModel;
  /** With `model`: the profile standing for each data model (default: by id) and logit shifts. */
  profileOf?: readonly number[];
  logitShift?: readonly number[];
  train?: Partial<TrainOptions>;
  costModel?: CostModelKind;
  /**
   * The operating point to report segments and savings at: the cheapest point whose mean
   * quality is at least this share of the flagship's (default 1: matching the flagship).
   */
  flagshipShare?: number;
  onProgress?: (fold: number, folds: number, p: TrainProgress) => void;
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

interface Predictions {
  predicted: Float64Array;
  expectedCost: Float64Array;
}

/** `mx` holds the pool's outcomes, `trainAll` the outcomes trained on (same prompts, same order). */
function crossValidate(ft: FeatureTable, mx: OutcomeMatrix, trainAll: OutcomeMatrix, k: number, opts: EvalOptions, costKind: CostModelKind): Predictions {
  const m = mx.models.length;
  const predicted = new Float64Array(mx.n * m);
  const expectedCost = new Float64Array(mx.n * m);
  splitFolds(mx.ids, k).forEach(({ train, test }, fold) => {
    if (test.length === 0) return;
    const model = trainRouterModel({ features: selectRows(ft, train), outcomes: selectOutcomeRows(trainAll, train) }, opts.train ?? {}, (p) =>
      opts.onProgress?.(fold + 1, k, p),
    );
    const testFt = selectRows(ft, test);
    const pred = predictQualities(model, testFt, profileIndices(model, mx.models));
    const cost = expectedCosts(fitCostModel(selectOutcomeRows(mx, train), costKind), testFt.estimatedTokens);
    test.forEach((row, i) => {
      predicted.set(pred.subarray(i * m, (i + 1) * m), row * m);
      expectedCost.set(cost.subarray(i * m, (i + 1) * m), row * m);
    });
  });
  return { predicted, expectedCost };
}

export function evaluate(all: RoutingData, opts: EvalOptions): EvalReport {
  const pool = opts.pool ?? all.models;
  const data = opts.pool === undefined ? all : filterPool(all, opts.pool);
  const models = data.models;
  const m = models.length;
  if (m === 0 || data.prompts.length === 0) throw new RangeError('no prompts to evaluate');
  const costKind = opts.costModel ?? DEFAULT_COST_MODEL;
  const mx = buildOutcomeMatrix(data.prompts, models);
  const ft = computeFeatureTable(data.prompts.map((p) => p.prompt));

  let pr: Predictions;
  if (opts.folds !== undefined) {
    // The same prompts as `data` (those with a pool outcome, in order), with every model's outcomes.
    const inPool = all.prompts.filter((p) => pool.some((name) => p.outcomes[name] !== undefined));
    const trainAll = opts.trainAllModels === false || opts.pool === undefined ? mx : buildOutcomeMatrix(inPool, all.models);
    pr = crossValidate(ft, mx, trainAll, opts.folds, opts, costKind);
  } else {
    if (opts.model === undefined) throw new RangeError('evaluate needs a model or folds');
    const profileOf = opts.profileOf ?? profileIndices(opts.model, models);
    pr = {
      predicted: predictQualities(opts.model, ft, profileOf, opts.logitShift),
      expectedCost: expectedCosts(fitCostModel(mx, costKind), ft.estimatedTokens),
    };
  }

  const rows = completeRows(mx);
  if (rows.length === 0) throw new RangeError('no prompt has an outcome for every pool model');
  const ev = selectOutcomeRows(mx, rows);
  const pick = (a: Float64Array) => {
    const out = new Float64Array(rows.length * m);
    rows.forEach((r, i) => out.set(a.subarray(r * m, (r + 1) * m), i * m));
    return out;
  };
  const predicted = pick(pr.predicted);
  const sweep = sweepOperatingPoints({ n: ev.n, m, quality: ev.quality, cost: ev.cost, predicted, expectedCost: pick(pr.expectedCost) });
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
    dropped_incomplete: mx.n - ev.n,
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

function trainedOn(model: RouterModel, data: RoutingData): boolean {
  const sources = model.header.training.data;
  if (!Array.isArray(sources)) return false;
  const hashes = new Set(sources.map((s) => (s as { sha256?: unknown }).sha256));
  return data.sources.some((s) => hashes.has(s.sha256));
}

/** The report as the `eval --json` object: everything but the full point list and curves. */
export function reportSummary(r: EvalReport): Record<string, unknown> {
  const { points: _points, pgrCurve: _curve, ...rest } = r;
  return { ...rest, operating_points: _points.length };
}
