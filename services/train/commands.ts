/**
 * The `train`, `eval` and `calibrate` subcommands, each
 *     (argv without the subcommand, stdout, stderr) → exit code
 * 0 on success, 1 when the data or the model is bad (the message names the file, line and
 * field) or when calibrate finds no knob that meets its target, 2 on a usage error. Results go
 * to `out`; progress and errors to `err`.
 *
 *   train --data F [--data G ...] --out M [--pool a,b] [--seed N] [--epochs N] [--dim N]
 *   eval  --data F [--data G ...] [--model M | --folds K [--train-with H ...]] [--pool a,b] [--json]
 *         [--plot curve.svg] [--cost-model tokens|mean] [--seed N] [--epochs N] [--dim N]
 *   calibrate --data F [--data G ...] [--model M | --folds K] [--pool a,b]
 *         (--match-flagship | --strong-share S | --budget USD_PER_1000)
 *         [--config C.yaml] [--policy NAME] [--write] [--json] [--seed N] [--epochs N] [--dim N]
 *
 * Without --model, eval and calibrate read models/router-model.syrm from the repository root.
 * Calibration error (predicted against observed quality) is part of eval's report.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeRouterModel, encodeRouterModel, type RouterModel } from '../router/model/router-model-file.js';
import { DEFAULT_CONFIG_PATH, loadConfig, parseConfig } from '../shared/config/load-config.js';
import { calibrateKnob, isBuiltInConfig, setPolicyKnob, setPolicyValue, writeFileAtomic, type KnobCalibration, type KnobTarget } from './calibrate-knob.js';
import { COST_MODEL_KINDS, type CostModelKind } from './cost-model.js';
import { evaluate, reportSummary } from './evaluate.js';
import { formatReport } from './eval-text.js';
import { plotSvg } from './plot-svg.js';
import { progressReporter } from './progress-bar.js';
import { repoPath } from './repo-root.js';
import { filterPool, parsePool, readRoutingData, type RoutingData } from '../shared/routing-data.js';
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
/** Folds calibrate trains on when the shipped model does not know the data's models. */
const DEFAULT_CALIBRATE_FOLDS = 5;

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
      'flagship-share': { type: 'string' },
      margin: { type: 'string' },
      'train-with': { type: 'string', multiple: true },
    });
    const folds = positiveInt('eval', 'folds', v.folds, 2);
    const trainWith = (v['train-with'] as string[] | undefined) ?? [];
    if (trainWith.length > 0 && folds === undefined) throw new UsageError('eval: --train-with needs --folds (it adds data to every fold\'s training set)');
    let flagshipShare: number | undefined;
    if (v['flagship-share'] !== undefined) {
      const raw = String(v['flagship-share']);
      flagshipShare = raw.trim() === '' ? NaN : Number(raw);
      if (!(flagshipShare > 0 && flagshipShare <= 1)) throw new UsageError(`eval: --flagship-share must be a share of the flagship's quality in (0, 1], got ${raw}`);
    }
    let margin: number | undefined;
    if (v.margin !== undefined) {
      const raw = String(v.margin);
      margin = raw.trim() === '' ? NaN : Number(raw);
      if (!(margin > 0 && margin <= 0.5)) throw new UsageError(`eval: --margin must be a policy's quality_margin in (0, 0.5], got ${raw}`);
    }
    if (folds !== undefined && v.model !== undefined) throw new UsageError('eval: --model and --folds exclude each other (--folds trains its own models)');
    const costModel = v['cost-model'] as CostModelKind | undefined;
    if (costModel !== undefined && !COST_MODEL_KINDS.includes(costModel)) throw new UsageError(`eval: --cost-model must be one of ${COST_MODEL_KINDS.join(', ')}`);
    const train = trainOptions('eval', v);
    const { data, pool } = await loadData('eval', v);
    const extraTraining = trainWith.length > 0 ? await readRoutingData(trainWith) : undefined;
    const bar = progressReporter(err);
    const report = evaluate(data, {
      ...(extraTraining !== undefined ? { extraTraining } : {}),
      ...(pool !== undefined ? { pool } : {}),
      ...(costModel !== undefined ? { costModel } : {}),
      ...(flagshipShare !== undefined ? { flagshipShare } : {}),
      ...(margin !== undefined ? { margin } : {}),
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


const pct = (x: number) => `${x === 0 || x >= 0.001 ? (x * 100).toFixed(1) : (x * 100).toPrecision(2)}%`;
const usd = (x: number) => `$${x.toFixed(4)}`;

function parseTarget(v: Record<string, unknown>): KnobTarget {
  const given = (['match-flagship', 'flagship-share', 'strong-share', 'budget'] as const).filter((k) => v[k] !== undefined && v[k] !== false);
  if (given.length !== 1) {
    throw new UsageError(
      `calibrate: name ${given.length === 0 ? 'a' : 'only one'} target: --match-flagship, --flagship-share Q (0..1], --strong-share S (0..1) or --budget USD_PER_1000`,
    );
  }
  if (given[0] === 'match-flagship') return { kind: 'match_flagship' };
  const raw = String(v[given[0]!]);
  const x = raw.trim() === '' ? NaN : Number(raw);
  if (given[0] === 'flagship-share') {
    if (!(x > 0 && x <= 1)) throw new UsageError(`calibrate: --flagship-share must be a share of the flagship's quality in (0, 1], got ${raw}`);
    return { kind: 'match_flagship', share: x };
  }
  if (given[0] === 'strong-share') {
    if (!(x >= 0 && x <= 1)) throw new UsageError(`calibrate: --strong-share must be a share in [0, 1], got ${raw}`);
    return { kind: 'strong_share', share: x };
  }
  if (!(x >= 0 && Number.isFinite(x))) throw new UsageError(`calibrate: --budget must be USD per 1,000 requests, a number >= 0, got ${raw}`);
  return { kind: 'budget', usd_per_1000: x };
}

function describeTarget(t: KnobTarget, r: KnobCalibration): string {
  const f = `${r.flagship.model}: quality ${r.flagship.quality.toFixed(4)}, ${usd(r.flagship.cost_per_1000)} per 1,000 requests`;
  if (t.kind === 'match_flagship') return t.share === undefined ? `match the flagship's quality (${f})` : `at least ${pct(t.share)} of the flagship's quality at least cost (${f})`;
  if (t.kind === 'strong_share') return `at most ${pct(t.share)} of calls to the flagship (${f})`;
  return `at most ${usd(t.usd_per_1000)} per 1,000 requests (flagship ${f})`;
}

function missedTarget(t: KnobTarget, r: KnobCalibration): string {
  if (t.kind === 'match_flagship') return `no knob reaches ${t.share === undefined ? "the flagship's quality" : `${pct(t.share)} of the flagship's quality,`} ${((t.share ?? 1) * r.flagship.quality).toFixed(4)} on these data; the best is ${r.quality.toFixed(4)} at knob ${r.knob}`;
  if (t.kind === 'strong_share') return `every knob sends more than ${pct(t.share)} of calls to the flagship; the fewest is ${pct(r.flagship_share)} at knob ${r.knob}`;
  return `every knob costs more than ${usd(t.usd_per_1000)} per 1,000 requests; the cheapest is ${usd(r.cost_per_1000)} at knob ${r.knob}`;
}

interface PolicyResult {
  config: string | null;
  name: string;
  previous: number;
  knob: number;
  written: boolean;
  edit: 'value' | 'key' | 'document' | null;
  /** For a policy that operates by a quality margin: the margin, which --write sets instead of the knob. */
  quality_margin?: { previous: number; value: number; written: boolean; edit: 'value' | 'key' | 'document' | null };
}

/** The lines of a margin policy's calibration: its operating point is the quality margin. */
function formatMargin(r: KnobCalibration, p: PolicyResult, where: string): string[] {
  const m = r.quality_margin!, pm = p.quality_margin!;
  const [lo, hi] = m.margin_range;
  const lines = [
    `policy ${p.name} operates by its quality_margin (the cheapest model within it of the best expected quality); for this target:`,
    `${m.met ? '' : 'NOT MET; the nearest: '}quality_margin ${m.quality_margin}   (on these data ${lo === hi ? 'no other 4-decimal margin routes the same' : `every margin from ${lo} to ${hi} routes the same`})`,
    `  quality                   ${m.quality.toFixed(4)}   (flagship ${r.flagship.quality.toFixed(4)})`,
    `  cost per 1,000 requests   ${usd(m.cost_per_1000)}   (flagship ${usd(r.flagship.cost_per_1000)})`,
    `  cost ratio to flagship    ${m.cost_ratio.toFixed(4)}`,
    `  calls                     ${Object.entries(m.calls).map(([k, s]) => `${k} ${pct(s)}`).join(', ')}`,
    '',
  ];
  if (pm.written) lines.push(`${where}: quality_margin ${pm.previous} -> ${pm.value}, written`);
  else if (!m.met) lines.push(`${where}: quality_margin stays ${pm.previous} (the target is not met)`);
  else lines.push(`${where}: quality_margin is ${pm.previous}; ${p.config !== null ? 'add --write to set it to' : 'pass --config C.yaml --write to set'} ${pm.value}`);
  return lines;
}

function formatCalibration(r: KnobCalibration, p: PolicyResult, notes: string[], write: boolean): string {
  const how =
    r.folds !== null
      ? `${r.folds}-fold cross-validation (held-out predictions)`
      : r.in_sample
        ? 'the given router model, on data it was trained on (in-sample)'
        : 'the given router model, as it is';
  const lines = [
    `target   ${describeTarget(r.target, r)}`,
    `data     ${r.n} prompts, ${r.models.length} models, ${how}` + (r.dropped_incomplete > 0 ? ` (${r.dropped_incomplete} prompts left out: a pool model has no outcome)` : ''),
    '',
    r.met ? `knob ${r.knob}` : `NOT MET: ${missedTarget(r.target, r)}; the nearest point:`,
  ];
  if (!r.met) lines.push(`knob ${r.knob}`);
  const [lo, hi] = r.knob_range;
  lines[lines.length - 1] += `   (λ ${r.lambda.toPrecision(4)}; on these data ${lo === hi ? 'no other 4-decimal knob routes the same' : `every knob from ${lo} to ${hi} routes the same`})`;
  lines.push(
    `  quality                   ${r.quality.toFixed(4)}   (flagship ${r.flagship.quality.toFixed(4)})`,
    `  cost per 1,000 requests   ${usd(r.cost_per_1000)}   (flagship ${usd(r.flagship.cost_per_1000)})`,
    `  cost ratio to flagship    ${r.cost_ratio.toFixed(4)}`,
    `  share to the flagship     ${pct(r.flagship_share)}`,
    `  calls                     ${Object.entries(r.calls).map(([m, s]) => `${m} ${pct(s)}`).join(', ')}`,
    '',
  );
  const where = `policy ${p.name}${p.config !== null ? ` in ${p.config}` : ' of the built-in configuration'}`;
  if (p.quality_margin !== undefined) {
    lines.push(...formatMargin(r, p, where));
    for (const n of notes) lines.push(`note: ${n}`);
    return lines.join('\n') + '\n';
  }
  if (p.written) lines.push(`${where}: cost_quality_tradeoff ${p.previous} -> ${p.knob}, written`);
  else if (!r.met) lines.push(`${where}: cost_quality_tradeoff stays ${p.previous} (the target is not met${write ? '; nothing written' : ''})`);
  else lines.push(`${where}: cost_quality_tradeoff is ${p.previous}; ${p.config !== null ? 'add --write to set it to' : 'pass --config C.yaml --write to set'} ${p.knob}`);
  for (const n of notes) lines.push(`note: ${n}`);
  return lines.join('\n') + '\n';
}

export async function calibrateCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  return run('calibrate', err, async () => {
    const v = parse('calibrate', argv, {
      ...DATA_FLAGS,
      ...TRAIN_FLAGS,
      model: { type: 'string' },
      folds: { type: 'string' },
      'match-flagship': { type: 'boolean' },
      'flagship-share': { type: 'string' },
      'strong-share': { type: 'string' },
      budget: { type: 'string' },
      config: { type: 'string' },
      policy: { type: 'string' },
      write: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const target = parseTarget(v);
    const foldsArg = positiveInt('calibrate', 'folds', v.folds, 2);
    if (foldsArg !== undefined && v.model !== undefined) throw new UsageError('calibrate: --model and --folds exclude each other (--folds trains its own models)');
    if (foldsArg === undefined && (v.seed !== undefined || v.epochs !== undefined || v.dim !== undefined)) {
      throw new UsageError('calibrate: --seed, --epochs and --dim apply only with --folds');
    }
    const train = trainOptions('calibrate', v);
    const write = v.write === true;
    const configArg = typeof v.config === 'string' ? v.config : undefined;
    if (write && configArg === undefined) {
      throw new UsageError('calibrate: --write needs --config C.yaml, the configuration to write the knob into (the built-in one is never written)');
    }
    if (write && (await isBuiltInConfig(configArg!))) {
      throw new UsageError(`calibrate: ${configArg} is the built-in configuration, which calibrate never writes; copy it and pass the copy to --config`);
    }

    // The configuration and policy are checked before the evaluation, which can take a while.
    const configFile = configArg ?? DEFAULT_CONFIG_PATH;
    const readConfig = async () => {
      try {
        return await readFile(configFile, 'utf8');
      } catch (e) {
        throw new Error(`${configFile}: cannot read the configuration (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    };
    const config = parseConfig(await readConfig(), configFile);
    const policyName = typeof v.policy === 'string' ? v.policy : config.router.default_policy;
    const policy = config.policies[policyName];
    if (policy === undefined) throw new UsageError(`calibrate: ${configFile} has no policy named "${policyName}" (have: ${Object.keys(config.policies).join(', ')})`);

    const { data, pool } = await loadData('calibrate', v);
    let folds = foldsArg;
    let modelFile = folds === undefined ? resolve(typeof v.model === 'string' ? v.model : repoPath(SHIPPED_MODEL)) : undefined;
    const notes: string[] = [];
    if (modelFile !== undefined && v.model === undefined) {
      // Without --model or --folds: the shipped model when it knows every model of the data,
      // otherwise models trained on the data itself, by cross-validation.
      const known = new Set((await loadModel(modelFile)).header.profiles.map((p) => p.id));
      const missing = (pool ?? data.models).filter((m) => !known.has(m));
      if (missing.length > 0) {
        folds = DEFAULT_CALIBRATE_FOLDS;
        modelFile = undefined;
        notes.push(`the shipped router model does not know ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}, so these figures come from ${folds}-fold cross-validation on the data.`);
      }
    }
    const bar = progressReporter(err);
    const byMargin = policy.quality_margin > 0;
    const result = calibrateKnob(
      data,
      {
        ...(pool !== undefined ? { pool } : {}),
        ...(modelFile !== undefined
          ? { model: await loadModel(modelFile) }
          : { folds: folds!, train, onProgress: (f: number, k: number, p: Parameters<typeof bar.update>[0]) => bar.update(p, `fold ${f}/${k} `) }),
      },
      target,
      byMargin,
    );
    bar.done();

    if (result.in_sample) notes.push('the router model was trained on these data, so these figures are optimistic; --folds K gives held-out ones.');
    notes.push(
      `Decide turns the knob into λ as here (tradeoff.ts), but it estimates each request's cost from the catalog's prices (models[].prices) ` +
        `and the policy's expected_output_tokens (${policy.expected_output_tokens}), and routes among the catalog's models, ` +
        `not the data's costs and pool: where those differ, the same knob gives another operating point.`,
    );
    if (byMargin) {
      notes.push(`policy ${policyName} chooses the cheapest model within its quality_margin of the best expected quality, so --write sets quality_margin; the knob above is the operating point of a request that sets its own trade-off, or of the policy with quality_margin 0.`);
    }
    if (policy.latency_weight > 0) notes.push(`policy ${policyName} also weighs latency (latency_weight ${policy.latency_weight}), which these data do not measure.`);
    if (policy.strategy !== 'single') notes.push(`policy ${policyName} uses the ${policy.strategy} strategy, which may call more than one model per request; the figures here are for single routing.`);
    if (modelFile !== undefined && configArg !== undefined) {
      const served = loadConfig(configArg).modelFile;
      if (resolve(served) !== modelFile) notes.push(`${configArg} serves the router model ${served}, not the one calibrated here (${modelFile}).`);
    }

    const p: PolicyResult = { config: configArg ?? null, name: policyName, previous: policy.cost_quality_tradeoff, knob: result.knob, written: false, edit: null };
    const margin = result.quality_margin;
    if (margin !== undefined) {
      const pm: NonNullable<PolicyResult['quality_margin']> = { previous: policy.quality_margin, value: margin.quality_margin, written: false, edit: null };
      p.quality_margin = pm;
      if (write && margin.met) {
        const edit = setPolicyValue(await readConfig(), configFile, 'quality_margin', margin.quality_margin, policyName);
        await writeFileAtomic(configFile, edit.text);
        Object.assign(pm, { previous: edit.previous, written: true, edit: edit.how });
      }
    } else if (write && result.met) {
      const edit = setPolicyKnob(await readConfig(), configFile, result.knob, policyName);
      await writeFileAtomic(configFile, edit.text);
      p.previous = edit.previous;
      p.written = true;
      p.edit = edit.how;
    }
    out.write(v.json === true ? JSON.stringify({ ...result, policy: p, notes }) + '\n' : formatCalibration(result, p, notes, write));
    const met = margin !== undefined ? margin.met : result.met;
    if (!met) {
      const missed = margin !== undefined ? `no quality_margin up to 0.5 meets it; the nearest gives quality ${margin.quality.toFixed(4)} at cost ratio ${margin.cost_ratio.toFixed(4)}` : missedTarget(result.target, result);
      throw new Error(`no operating point meets the target: ${missed}${write ? '; nothing written' : ''}`);
    }
  });
}
