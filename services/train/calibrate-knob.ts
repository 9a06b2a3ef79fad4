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
 * Predictions and expected costs are made as `eval` makes them (evaluate.ts): the given
 * router model applied to every prompt, or with `folds` the held-out predictions of models
 * trained on the other folds; expected costs from the 'tokens' cost model.
 */
import { randomBytes } from 'node:crypto';
import { open, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { CST, Composer, Parser, isMap, isScalar, parseDocument, type Document } from 'yaml';
import type { RouterModel } from '../router/model/router-model-file.js';
import { lambdaForKnob } from '../router/policy/tradeoff.js';
import { DEFAULT_CONFIG_PATH, parseConfig } from '../shared/config/load-config.js';
import { expectedCosts, fitCostModel, type CostModelKind } from './cost-model.js';
import { DEFAULT_COST_MODEL } from './evaluate.js';
import { flagshipOf, singleModels, type ModelSummary } from './eval-metrics.js';
import { computeFeatureTable, selectRows, type FeatureTable } from './feature-table.js';
import { splitFolds } from './folds.js';
import { choicesAt, sweepOperatingPoints, type RoutingTable, type Sweep } from './operating-points.js';
import { buildOutcomeMatrix, completeRows, selectOutcomeRows, type OutcomeMatrix } from './outcome-matrix.js';
import { predictQualities, profileIndices } from './predict.js';
import { filterPool, type RoutingData } from '../shared/routing-data.js';
import { trainRouterModel, type TrainOptions, type TrainProgress } from './trainer.js';

/** Decimals of the knob as written into a configuration. */
export const KNOB_DECIMALS = 4;
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

function better(a: KnobPoint, b: KnobPoint): boolean {
  return a.quality > b.quality || (a.quality === b.quality && a.cost < b.cost);
}

/** The point that meets `target`, or the nearest one (met: false). `points` is not empty. */
export function chooseKnob(points: readonly KnobPoint[], flagship: ModelSummary, target: KnobTarget): { met: boolean; point: KnobPoint } {
  if (points.length === 0) throw new RangeError('no operating points');
  let pick: KnobPoint | undefined;
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
  const calls: Record<string, number> = {};
  [...models.keys()].sort((a, b) => counts[b]! - counts[a]! || a - b).forEach((j) => {
    if (counts[j]! > 0) calls[models[j]!] = counts[j]! / table.n;
  });
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

export interface CalibrateOptions {
  /** The models routed among (default: every model of the data). */
  pool?: readonly string[];
  /** The router model whose predictions are calibrated (without `folds`). */
  model?: RouterModel;
  /** Cross-validation folds (>= 2): held-out predictions of models trained on the other folds. */
  folds?: number;
  train?: Partial<TrainOptions>;
  /** With folds and a pool: train on every model's outcomes, as eval does (default true). */
  trainAllModels?: boolean;
  onProgress?: (fold: number, folds: number, p: TrainProgress) => void;
}

/** `mx` holds the pool's outcomes, `trainAll` the outcomes trained on (same prompts, same order). */
function heldOut(ft: FeatureTable, mx: OutcomeMatrix, trainAll: OutcomeMatrix, opts: CalibrateOptions & { folds: number }) {
  const m = mx.models.length;
  const predicted = new Float64Array(mx.n * m);
  const expectedCost = new Float64Array(mx.n * m);
  splitFolds(mx.ids, opts.folds).forEach(({ train, test }, fold) => {
    if (test.length === 0) return;
    const model = trainRouterModel({ features: selectRows(ft, train), outcomes: selectOutcomeRows(trainAll, train) }, opts.train ?? {}, (p) =>
      opts.onProgress?.(fold + 1, opts.folds, p),
    );
    const testFt = selectRows(ft, test);
    const pred = predictQualities(model, testFt, profileIndices(model, mx.models));
    const cost = expectedCosts(fitCostModel(selectOutcomeRows(mx, train), DEFAULT_COST_MODEL), testFt.estimatedTokens);
    test.forEach((row, i) => {
      predicted.set(pred.subarray(i * m, (i + 1) * m), row * m);
      expectedCost.set(cost.subarray(i * m, (i + 1) * m), row * m);
    });
  });
  return { predicted, expectedCost };
}

function trainedOn(model: RouterModel, data: RoutingData): boolean {
  const sources = model.header.training.data;
  if (!Array.isArray(sources)) return false;
  const hashes = new Set(sources.map((s) => (s as { sha256?: unknown }).sha256));
  return data.sources.some((s) => hashes.has(s.sha256));
}

/**
 * The routing table `eval` sweeps: the prompts with an outcome for every pool model, their
 * outcomes and the router's predictions and expected costs for them.
 */
export function routingTableOf(all: RoutingData, opts: CalibrateOptions): { table: RoutingTable; models: string[]; dropped: number } {
  const pool = opts.pool ?? all.models;
  const data = opts.pool === undefined ? all : filterPool(all, opts.pool);
  const models = data.models;
  const m = models.length;
  if (m === 0 || data.prompts.length === 0) throw new RangeError('no prompts to calibrate on');
  const mx = buildOutcomeMatrix(data.prompts, models);
  const ft = computeFeatureTable(data.prompts.map((p) => p.prompt));
  let pr: { predicted: Float64Array; expectedCost: Float64Array };
  if (opts.folds !== undefined) {
    const inPool = all.prompts.filter((p) => pool.some((name) => p.outcomes[name] !== undefined));
    const trainAll = opts.trainAllModels === false || opts.pool === undefined ? mx : buildOutcomeMatrix(inPool, all.models);
    pr = heldOut(ft, mx, trainAll, { ...opts, folds: opts.folds });
  } else {
    if (opts.model === undefined) throw new RangeError('calibration needs a router model or folds');
    pr = {
      predicted: predictQualities(opts.model, ft, profileIndices(opts.model, models)),
      expectedCost: expectedCosts(fitCostModel(mx, DEFAULT_COST_MODEL), ft.estimatedTokens),
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
  };
}

/** Evaluates the router on `all` and finds the knob for `target`. */
export function calibrateKnob(all: RoutingData, opts: CalibrateOptions, target: KnobTarget): KnobCalibration {
  const { table, models, dropped } = routingTableOf(all, opts);
  return {
    ...calibrateTable(table, models, target),
    n: table.n,
    dropped_incomplete: dropped,
    models,
    folds: opts.folds ?? null,
    in_sample: opts.folds === undefined && opts.model !== undefined && trainedOn(opts.model, all),
    cost_model: DEFAULT_COST_MODEL,
  };
}

// ---- The knob in a configuration file --------------------------------------------------------

export interface KnobEdit {
  /** The edited configuration text. */
  text: string;
  policy: string;
  /** The policy's knob before the edit (its default when the file did not set it). */
  previous: number;
  /**
   * 'value': the existing value was replaced in place; 'key': the key was added as the
   * policy's first entry; 'document': the file was re-rendered from its YAML document
   * (comments kept, spacing may differ).
   */
  how: 'value' | 'key' | 'document';
}

const KNOB_KEY = 'cost_quality_tradeoff';

/** The knob rounded to KNOB_DECIMALS decimals, as a number whose shortest form has no more. */
export function roundKnob(k: number): number {
  if (!(k >= 0 && k <= 1)) throw new RangeError(`trade-off knob must be in [0, 1], got ${k}`);
  return Math.round(k * GRID) / GRID;
}

/** The text with one edit: `insert` replaces text[from, to). */
const splice = (text: string, from: number, to: number, insert: string) => text.slice(0, from) + insert + text.slice(to);

/** Edits in the source: the value in place, else the key before the policy's first key. */
function editSource(text: string, path: readonly string[], value: string): { text: string; how: 'value' | 'key' } | null {
  const tokens = Array.from(new Parser().parse(text));
  const docs: Document.Parsed[] = Array.from(new Composer({ keepSourceTokens: true }).compose(tokens));
  if (docs.length !== 1 || docs[0]!.errors.length > 0) return null;
  const doc = docs[0]!;
  const node = doc.getIn([...path, KNOB_KEY], true);
  if (isScalar(node) && node.srcToken !== undefined && node.srcToken.type === 'scalar') {
    CST.setScalarValue(node.srcToken, value);
    return { text: tokens.map((t) => CST.stringify(t)).join(''), how: 'value' };
  }
  if (node !== undefined) return null;
  const map = doc.getIn(path, true);
  if (!isMap(map) || map.items.length === 0) return null;
  const first = map.items[0]!.key;
  if (!isScalar(first) || first.range == null) return null;
  const at = first.range[0];
  if (map.flow) return { text: splice(text, at, at, `${KNOB_KEY}: ${value}, `), how: 'key' };
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const indent = text.slice(lineStart, at);
  if (!/^ *$/.test(indent)) return null;
  return { text: splice(text, at, at, `${KNOB_KEY}: ${value}\n${indent}`), how: 'key' };
}

/**
 * Sets `policies.<policy>.cost_quality_tradeoff` to `knob` (rounded to KNOB_DECIMALS) in
 * configuration text, keeping comments and layout. `policy` defaults to the configuration's
 * router.default_policy. The result is validated with parseConfig, and it is checked that
 * nothing but that one value changed; `source` names the file in errors.
 */
export function setPolicyKnob(text: string, source: string, knob: number, policy?: string): KnobEdit {
  const k = roundKnob(knob);
  const before = parseConfig(text, source);
  const name = policy ?? before.router.default_policy;
  const current = before.policies[name];
  if (current === undefined) throw new RangeError(`${source}: no policy named "${name}" (have: ${Object.keys(before.policies).join(', ')})`);
  const path = ['policies', name];
  const expected = parseDocument(text).toJS() ?? {};
  setPath(expected, [...path, KNOB_KEY], k);

  const candidates: (() => { text: string; how: KnobEdit['how'] } | null)[] = [
    () => editSource(text, path, String(k)),
    () => {
      const doc = parseDocument(text);
      doc.setIn([...path, KNOB_KEY], k);
      return { text: doc.toString({ lineWidth: 0 }), how: 'document' };
    },
  ];
  for (const make of candidates) {
    const edit = make();
    if (edit === null || !isDeepStrictEqual(parseDocument(edit.text).toJS() ?? {}, expected)) continue;
    const after = parseConfig(edit.text, source);
    if (after.policies[name]?.cost_quality_tradeoff !== k) continue;
    return { text: edit.text, policy: name, previous: current.cost_quality_tradeoff, how: edit.how };
  }
  throw new Error(`${source}: could not set policies.${name}.${KNOB_KEY} without changing anything else`);
}

function setPath(obj: unknown, path: readonly string[], value: unknown): void {
  let o = obj as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    if (typeof o[key] !== 'object' || o[key] === null) o[key] = {};
    o = o[key] as Record<string, unknown>;
  }
  o[path[path.length - 1]!] = value;
}

/** Writes `text` to `file` atomically: a temporary file beside it (same mode), synced, then renamed over it. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const target = await realpath(file);
  const { mode } = await stat(target);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode & 0o777);
  try {
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Whether `file` is the built-in configuration (which `calibrate --write` never edits). */
export async function isBuiltInConfig(file: string): Promise<boolean> {
  try {
    return (await realpath(file)) === (await realpath(DEFAULT_CONFIG_PATH));
  } catch {
    return false;
  }
}
