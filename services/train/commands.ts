/**
 * The `train`, `eval` and `calibrate` subcommands, each
 *     (argv without the subcommand, stdout, stderr) → exit code
 * 0 on success, 1 when the data or the model is bad (the message names the file, line and
 * field), 2 on a usage error. Results go to `out`; progress and errors to `err`.
 *
 *   train --data F [--data G ...] --out M [--pool a,b] [--seed N] [--epochs N] [--dim N]
 *   eval  --data F [--data G ...] [--model M | --folds K] [--pool a,b] [--json] [--plot curve.svg]
 *         [--cost-model tokens|mean] [--seed N] [--epochs N] [--dim N]
 *   calibrate --data F [--data G ...] [--model M] [--pool a,b] [--json]
 *
 * Without --model, eval and calibrate read models/router-model.syrm from the repository root.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { decodeRouterModel, encodeRouterModel, type RouterModel } from '../router/model/router-model-file.js';
import { calibrationReport, recalibrationShift } from './calibration.js';
import { COST_MODEL_KINDS, type CostModelKind } from './cost-model.js';
import { evaluate, reportSummary } from './evaluate.js';
import { formatReport } from './eval-text.js';
import { computeFeatureTable } from './feature-table.js';
import { buildOutcomeMatrix } from './outcome-matrix.js';
import { plotSvg } from './plot-svg.js';
import { predictQualities, profileIndices } from './predict.js';
import { progressReporter } from './progress-bar.js';
import { repoPath } from './repo-root.js';
import { filterPool, parsePool, readRoutingData, type RoutingData } from './routing-data.js';
import { SHIPPED_MODEL } from './train-shipped.js';
import { trainOnData } from './train-from-data.js';
import type { TrainOptions } from './trainer.js';

class UsageError extends Error {}

function parse(cmd: string, argv: string[], options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Record<string, string | string[] | boolean | undefined>;
  } catch (e) {
    throw new UsageError(`${cmd}: ${(e as Error).message}`);
  }
}

function positiveInt(cmd: string, name: string, v: unknown, min = 1): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${cmd}: --${name} must be an integer >= ${min}, got ${String(v)}`);
  return n;
}

function trainOptions(cmd: string, v: Record<string, unknown>): Partial<TrainOptions> {
  const o: Partial<TrainOptions> = {};
  const seed = positiveInt(cmd, 'seed', v.seed, 0);
  const epochs = positiveInt(cmd, 'epochs', v.epochs);
  const dim = positiveInt(cmd, 'dim', v.dim);
  if (seed !== undefined) o.seed = seed;
  if (epochs !== undefined) o.epochs = epochs;
  if (dim !== undefined) {
    if (dim > 256) throw new UsageError(`${cmd}: --dim must be at most 256`);
    o.dim = dim;
  }
  return o;
}

async function loadData(cmd: string, v: Record<string, unknown>): Promise<{ data: RoutingData; pool?: string[] }> {
  const files = (v.data as string[] | undefined) ?? [];
  if (files.length === 0) throw new UsageError(`${cmd}: --data is required`);
  const data = await readRoutingData(files);
  return typeof v.pool === 'string' ? { data, pool: parsePool(v.pool) } : { data };
}

async function loadModel(path: string): Promise<RouterModel> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`${path}: cannot read the router model (${(e as Error).message})`);
  }
  try {
    return decodeRouterModel(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

async function run(cmd: string, err: NodeJS.WritableStream, body: () => Promise<void>): Promise<number> {
  try {
    await body();
    return 0;
  } catch (e) {
    err.write(`${e instanceof UsageError ? '' : `${cmd}: `}${(e as Error).message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

const DATA_FLAGS = { data: { type: 'string', multiple: true }, pool: { type: 'string' } } as const;
const TRAIN_FLAGS = { seed: { type: 'string' }, epochs: { type: 'string' }, dim: { type: 'string' } } as const;

export async function trainCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  return run('train', err, async () => {
    const v = parse('train', argv, { ...DATA_FLAGS, ...TRAIN_FLAGS, out: { type: 'string' } });
    if (typeof v.out !== 'string') throw new UsageError('train: --out is required');
    const opts = trainOptions('train', v);
    const { data, pool } = await loadData('train', v);
    const used = pool === undefined ? data : filterPool(data, pool);
    const bar = progressReporter(err);
    const started = performance.now();
    const model = trainOnData(used, opts, (p) => bar.update(p));
    bar.done();
    const bytes = encodeRouterModel(model);
    await writeFile(v.out, bytes);
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    out.write(`wrote ${v.out}: ${bytes.length} bytes, ${model.header.profiles.length} profiles, ${used.prompts.length} prompts, ${secs} s\n`);
  });
}

export async function evalCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  return run('eval', err, async () => {
    const v = parse('eval', argv, {
      ...DATA_FLAGS,
      ...TRAIN_FLAGS,
      model: { type: 'string' },
      folds: { type: 'string' },
      json: { type: 'boolean' },
      plot: { type: 'string' },
      'cost-model': { type: 'string' },
    });
    const folds = positiveInt('eval', 'folds', v.folds, 2);
    if (folds !== undefined && v.model !== undefined) throw new UsageError('eval: --model and --folds exclude each other (--folds trains its own models)');
    const costModel = v['cost-model'] as CostModelKind | undefined;
    if (costModel !== undefined && !COST_MODEL_KINDS.includes(costModel)) throw new UsageError(`eval: --cost-model must be one of ${COST_MODEL_KINDS.join(', ')}`);
    const train = trainOptions('eval', v);
    const { data, pool } = await loadData('eval', v);
    const bar = progressReporter(err);
    const report = evaluate(data, {
      ...(pool !== undefined ? { pool } : {}),
      ...(costModel !== undefined ? { costModel } : {}),
      ...(folds !== undefined
        ? { folds, train, onProgress: (f: number, k: number, p: Parameters<typeof bar.update>[0]) => bar.update(p, `fold ${f}/${k} `) }
        : { model: await loadModel(typeof v.model === 'string' ? v.model : repoPath(SHIPPED_MODEL)) }),
    });
    bar.done();
    if (typeof v.plot === 'string') {
      const title = `${report.models.length} models, ${report.n} prompts${report.folds !== null ? `, ${report.folds}-fold CV` : ''}`;
      await writeFile(v.plot, plotSvg({ title, router: report.points, models: report.baselines.single_models, oracle: report.oracle, flagship: report.flagship }));
    }
    out.write(v.json === true ? JSON.stringify(reportSummary(report)) + '\n' : formatReport(report));
  });
}

export async function calibrateCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  return run('calibrate', err, async () => {
    const v = parse('calibrate', argv, { ...DATA_FLAGS, model: { type: 'string' }, json: { type: 'boolean' } });
    const { data: all, pool } = await loadData('calibrate', v);
    const data = pool === undefined ? all : filterPool(all, pool);
    const model = await loadModel(typeof v.model === 'string' ? v.model : repoPath(SHIPPED_MODEL));
    const models = data.models.filter((id) => model.header.profiles.some((p) => p.id === id));
    if (models.length === 0) throw new Error(`no model of the data has a profile in the router model`);
    const mx = buildOutcomeMatrix(data.prompts, models);
    const predicted = predictQualities(model, computeFeatureTable(data.prompts.map((p) => p.prompt)), profileIndices(model, models));
    const cal = calibrationReport(models, mx.segments, predicted, mx.quality, mx.observed);
    const m = models.length;
    const perModel = Object.fromEntries(
      models.map((id, j) => {
        const p: number[] = [], y: number[] = [];
        for (let i = 0; i < mx.n; i++) if (mx.observed[i * m + j] === 1) { p.push(predicted[i * m + j]!); y.push(mx.quality[i * m + j]!); }
        const mean = (a: number[]) => (a.length > 0 ? a.reduce((s, x) => s + x, 0) / a.length : NaN);
        return [id, { ...cal.models[id]!, mean_predicted: mean(p), mean_observed: mean(y), logit_shift: recalibrationShift(p, y) }];
      }),
    );
    const skipped = data.models.filter((id) => !models.includes(id));
    const result = { n: cal.n, ece: cal.ece, bins: cal.bins, segments: cal.segments, models: perModel, skipped_models: skipped };
    if (v.json === true) {
      out.write(JSON.stringify(result) + '\n');
      return;
    }
    const lines = [`calibration over ${cal.n} observed (prompt, model) pairs: ECE ${cal.ece.toFixed(4)}`];
    if (skipped.length > 0) lines.push(`(no profile, skipped: ${skipped.join(', ')})`);
    lines.push('', 'per model: n, ECE, mean predicted, mean observed, logit shift that would recalibrate it');
    for (const [id, s] of Object.entries(perModel)) {
      lines.push(`  ${id.padEnd(36)} ${String(s.n).padStart(7)}  ${s.ece.toFixed(4)}  ${s.mean_predicted.toFixed(4)}  ${s.mean_observed.toFixed(4)}  ${s.logit_shift >= 0 ? '+' : ''}${s.logit_shift.toFixed(3)}`);
    }
    lines.push('', 'per segment: n, ECE');
    for (const [s, c] of Object.entries(cal.segments)) lines.push(`  ${s.padEnd(36)} ${String(c.n).padStart(7)}  ${c.ece.toFixed(4)}`);
    out.write(lines.join('\n') + '\n');
  });
}
