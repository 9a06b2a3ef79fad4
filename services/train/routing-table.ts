/**
 * The router on routing data, as `eval` and `calibrate` both measure it: every prompt's
 * predicted quality and expected cost per pool model, and the routing table (operating-points.ts)
 * of the prompts that have an outcome for every pool model.
 *
 * Predictions come either from a given router model (the shipped one, say), or, with
 * `folds: K`, from K models each trained on the other K − 1 folds (folds.ts) and applied to
 * its held-out fold. Expected costs (cost-model.ts) are fitted the same way: on the training
 * folds, or without folds on the evaluated data itself.
 */
import type { RouterModel } from '../router/model/router-model-file.js';
import { filterPool, modelsOf, type RoutingData } from '../shared/routing-data.js';
import { expectedCosts, fitCostModel, type CostModelKind } from './cost-model.js';
import { computeFeatureTable, selectRows, type FeatureTable } from './feature-table.js';
import { splitFolds } from './folds.js';
import type { RoutingTable } from './operating-points.js';
import { buildOutcomeMatrix, completeRows, selectOutcomeRows, type OutcomeMatrix } from './outcome-matrix.js';
import { predictQualities, profileIndices } from './predict.js';
import { withoutSharedStems } from './question-stem.js';
import { trainRouterModel, type TrainOptions, type TrainProgress } from './trainer.js';

export const DEFAULT_COST_MODEL: CostModelKind = 'tokens';

export interface RoutingTableOptions {
  /** The models routed among (default: every model of the data); see routing-data.ts filterPool. */
  pool?: readonly string[];
  /**
   * With folds: train on the outcomes of every model of the data, not only the pool's (more
   * observations of each prompt shape the shared prompt vector; the shipped model is trained
   * that way). Default true.
   */
  trainAllModels?: boolean;
  /** Cross-validation folds (>= 2). Without it, `model` is applied as it is. */
  folds?: number;
  model?: RouterModel;
  /** With `model`: the profile standing for each data model (default: by id) and logit shifts. */
  profileOf?: readonly number[];
  logitShift?: readonly number[];
  train?: Partial<TrainOptions>;
  costModel?: CostModelKind;
  /**
   * With folds: more routing data added to every fold's training set (other data sets pooled
   * with the evaluated one). Its prompts whose question stem (question-stem.ts) is among the
   * evaluated prompts' are left out, so no held-out question is trained on.
   */
  extraTraining?: RoutingData;
  onProgress?: (fold: number, folds: number, p: TrainProgress) => void;
}

/** n × m predicted qualities and expected costs, one row per prompt. */
export interface RouterPredictions {
  predicted: Float64Array;
  expectedCost: Float64Array;
}

export interface RouterOnData {
  /** The complete prompts' outcomes, predictions and expected costs. */
  table: RoutingTable;
  models: string[];
  /** Prompts left out for lacking a pool model's outcome. */
  dropped: number;
  /** Every prompt with a pool outcome (complete or not), and the predictions for all of them. */
  outcomes: OutcomeMatrix;
  predictions: RouterPredictions;
  /** The complete prompts' outcomes (the table's rows), with their segments. */
  complete: OutcomeMatrix;
}

/**
 * `mx` holds the pool's outcomes of the evaluated prompts; `ft` and `trainAll` hold those
 * prompts first, in the same order, then `extra` more prompts that every fold trains on.
 */
function crossValidate(ft: FeatureTable, mx: OutcomeMatrix, trainAll: OutcomeMatrix, extra: number, k: number, opts: RoutingTableOptions, costKind: CostModelKind): RouterPredictions {
  const m = mx.models.length;
  const predicted = new Float64Array(mx.n * m);
  const expectedCost = new Float64Array(mx.n * m);
  const extraRows = Array.from({ length: extra }, (_, i) => mx.n + i);
  splitFolds(mx.ids, k).forEach(({ train, test }, fold) => {
    if (test.length === 0) return;
    const rows = extra > 0 ? [...train, ...extraRows] : train;
    const model = trainRouterModel({ features: selectRows(ft, rows), outcomes: selectOutcomeRows(trainAll, rows) }, opts.train ?? {}, (p) =>
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

/** What the caller does, for its error messages. */
const MESSAGES = {
  evaluate: { empty: 'no prompts to evaluate', noModel: 'evaluate needs a model or folds' },
  calibrate: { empty: 'no prompts to calibrate on', noModel: 'calibration needs a router model or folds' },
} as const;

/** The router applied to `all` (restricted to the pool). */
export function routerOnData(all: RoutingData, opts: RoutingTableOptions, purpose: keyof typeof MESSAGES): RouterOnData {
  const pool = opts.pool ?? all.models;
  const data = opts.pool === undefined ? all : filterPool(all, opts.pool);
  const models = data.models;
  const m = models.length;
  if (m === 0 || data.prompts.length === 0) throw new RangeError(MESSAGES[purpose].empty);
  const costKind = opts.costModel ?? DEFAULT_COST_MODEL;
  const mx = buildOutcomeMatrix(data.prompts, models);
  const extra = opts.folds !== undefined && opts.extraTraining !== undefined ? withoutSharedStems(opts.extraTraining.prompts, all.prompts) : [];
  const ft = computeFeatureTable([...data.prompts, ...extra].map((p) => p.prompt));

  let pr: RouterPredictions;
  if (opts.folds !== undefined) {
    // The same prompts as `data` (those with a pool outcome, in order), with every model's outcomes.
    const inPool = all.prompts.filter((p) => pool.some((name) => p.outcomes[name] !== undefined));
    let trainAll = opts.trainAllModels === false || opts.pool === undefined ? mx : buildOutcomeMatrix(inPool, all.models);
    if (extra.length > 0) {
      const rows = [...(opts.trainAllModels === false ? data.prompts : inPool), ...extra];
      trainAll = buildOutcomeMatrix(rows, modelsOf(rows));
    }
    pr = crossValidate(ft, mx, trainAll, extra.length, opts.folds, opts, costKind);
  } else {
    if (opts.model === undefined) throw new RangeError(MESSAGES[purpose].noModel);
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
  return {
    table: { n: ev.n, m, quality: ev.quality, cost: ev.cost, predicted: pick(pr.predicted), expectedCost: pick(pr.expectedCost) },
    models,
    dropped: mx.n - ev.n,
    outcomes: mx,
    predictions: pr,
    complete: ev,
  };
}

/** The routing table of the complete prompts (what `calibrate` sweeps). */
export function routingTableOf(all: RoutingData, opts: RoutingTableOptions): { table: RoutingTable; models: string[]; dropped: number } {
  const { table, models, dropped } = routerOnData(all, opts, 'calibrate');
  return { table, models, dropped };
}

/** Whether the data is (by content hash) part of the model's training data. */
export function trainedOn(model: RouterModel, data: RoutingData): boolean {
  const sources = model.header.training.data;
  if (!Array.isArray(sources)) return false;
  const hashes = new Set(sources.map((s) => (s as { sha256?: unknown }).sha256));
  return data.sources.some((s) => hashes.has(s.sha256));
}
