/**
 * `switchyard eval --from-log` and `switchyard train --from-log`: the router's own record as
 * the data. Each (argv, stdout, stderr) → exit code: 0 done, 1 when the log is bad or cannot
 * support what was asked (the message says why), 2 on a usage error.
 *
 *   eval  --from-log FILE|DIR (--policy NAME --config C | --knob K [--margin M] [--latency-weight W])
 *         [--model MODEL.syrm --config C] [--config C] [--metric NAME [--range MIN:MAX] [--lower-is-better]]
 *         [--min-decisions N] [--min-ess N] [--max-support-gap S] [--bootstrap N] [--json]
 *   train --from-log FILE|DIR --out MODEL [--data SHARED.jsonl ...] [--config C]
 *         [--metric NAME [--range MIN:MAX] [--lower-is-better]] [--min-log-outcomes K] [--min-shift S]
 *         [--changed shift|drop] [--log-answers where-needed|where-thin|all] [--seed N] [--epochs N] [--dim N]
 *         [--correct CHAMPION.syrm]
 *
 * With --correct, nothing is trained: the challenger is the champion with a correction on each
 * model and segment the log shows changed, measured against the champion's own predictions
 * (train/log-corrections.ts); every other prediction stays as it was.
 * Either way the model written carries the log's traffic (header training.traffic: every
 * decision's task family, length bucket, language and segment, counted as the drift monitor
 * counts live traffic), the reference its traffic-mix drift is measured against. Export lines
 * do not carry those features: a model trained from them carries no training traffic (with
 * --correct, the champion's stays).
 * With --model, the candidate is a router model file under the policy named: each logged prompt
 * is replayed through it (model-chooser.ts; it needs prompt text) and its predictions are the
 * doubly robust value model; without, the candidate is the policy over the logged predictions.
 * Quality comes from the feedback metrics the configuration declares a `quality` mapping for,
 * or from one metric named with --metric (its values mapped from --range onto [0, 1]).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ModelStore } from '../router/model/model-store.js';
import { decodeRouterModel, encodeRouterModel } from '../router/model/router-model-file.js';
import { Catalog } from '../shared/catalog.js';
import { createLogger } from '../shared/log.js';
import { loadConfig } from '../shared/config/load-config.js';
import type { Config } from '../shared/config/schema.js';
import { readRoutingData } from '../shared/routing-data.js';
import { correctFromLog } from '../train/log-corrections.js';
import { LOG_MIX_DEFAULTS, mixLogWithShared } from '../train/log-training-data.js';
import { trainOnLogMix } from '../train/train-from-log.js';
import { estimateFromLog, LOG_ESTIMATE_DEFAULTS, policyChooser, type CandidatePolicy, type LogEstimate } from './log-estimate.js';
import { gradedAnswers, qualityMetricsOf, readLoggedTraffic, trafficOfRows, type QualityMetric } from './logged-traffic.js';
import { modelChooser } from './model-chooser.js';

export const EVAL_FROM_LOG_USAGE =
  'usage: switchyard eval --from-log FILE|DIR (--policy NAME --config C.yaml | --knob K [--margin M] [--latency-weight W]) [--model MODEL.syrm --config C.yaml]\n' +
  '         [--metric NAME [--range MIN:MAX] [--lower-is-better]] [--min-decisions N] [--min-ess N] [--max-support-gap S] [--bootstrap N] [--json]';
export const TRAIN_FROM_LOG_USAGE =
  'usage: switchyard train --from-log FILE|DIR --out MODEL [--data SHARED.jsonl ...] [--config C.yaml]\n' +
  '         [--metric NAME [--range MIN:MAX] [--lower-is-better]] [--min-log-outcomes K] [--min-shift S]\n' +
  '         [--changed shift|drop] [--log-answers where-needed|where-thin|all] [--seed N] [--epochs N] [--dim N] [--correct CHAMPION.syrm]';

class UsageError extends Error {}

type Values = Record<string, string | string[] | boolean | undefined>;

const QUALITY_FLAGS = { 'from-log': { type: 'string' }, config: { type: 'string' }, metric: { type: 'string' }, range: { type: 'string' }, 'lower-is-better': { type: 'boolean' } } as const;

function parse(cmd: string, argv: string[], options: NonNullable<ParseArgsConfig['options']>): Values {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Values;
  } catch (e) {
    throw new UsageError(`${cmd}: ${(e as Error).message}`);
  }
}

function num(cmd: string, v: Values, name: string, ok: (x: number) => boolean, what: string): number | undefined {
  const raw = v[name];
  if (raw === undefined) return undefined;
  const x = String(raw).trim() === '' ? Number.NaN : Number(raw);
  if (!ok(x)) throw new UsageError(`${cmd}: --${name} must be ${what}, got ${String(raw)}`);
  return x;
}

function qualityMetrics(cmd: string, v: Values, config: Config | undefined): QualityMetric[] {
  if (typeof v.metric === 'string') {
    const [min, max] = String(v.range ?? '0:1').split(':').map(Number) as [number, number];
    if (!Number.isFinite(min) || !Number.isFinite(max) || !(max > min)) throw new UsageError(`${cmd}: --range ${String(v.range)}: expected MIN:MAX with MIN < MAX`);
    return [{ name: v.metric, min, max, lowerIsBetter: v['lower-is-better'] === true, weight: 1 }];
  }
  const metrics = config ? qualityMetricsOf(config.feedback.metrics) : [];
  if (metrics.length === 0) {
    throw new UsageError(`${cmd}: no quality metric: name one with --metric NAME [--range MIN:MAX], or pass --config with feedback.metrics[].quality declared`);
  }
  return metrics;
}

async function run(cmd: string, err: NodeJS.WritableStream, usage: string, body: () => Promise<void>): Promise<number> {
  try {
    await body();
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`${e.message}\n${usage}\n`);
      return 2;
    }
    err.write(`${cmd}: ${(e as Error).message}\n`);
    return 1;
  }
}

function source(cmd: string, v: Values): string {
  if (typeof v['from-log'] !== 'string' || v['from-log'] === '') throw new UsageError(`${cmd}: --from-log needs a decision-log directory or a JSONL file`);
  return v['from-log'];
}

const f4 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(4));
const interval = (e: { value: number; low: number; high: number } | undefined) => (e ? `${f4(e.value)} [${f4(e.low)}, ${f4(e.high)}]` : 'n/a (needs predictions)');
const usd = (e: { value: number; low: number; high: number } | undefined) => (e ? `$${(e.value * 1000).toFixed(4)} [$${(e.low * 1000).toFixed(4)}, $${(e.high * 1000).toFixed(4)}]` : 'n/a');

export function formatLogEstimate(r: LogEstimate, candidate: string): string {
  const lines = [
    `candidate ${candidate}`,
    `log       ${r.decisions} usable decisions (${r.skipped.no_quality} without a quality grade, ${r.skipped.fallback_answered} answered by a fallback, ${r.skipped.no_candidates} without candidates left out); ${(r.explored_share * 100).toFixed(1)}% explored`,
    `          the candidate agrees with the logged choice on ${(r.agreement * 100).toFixed(1)}%; effective samples ${r.quality.ess.toFixed(0)}; support gap ${(r.quality.supportGap * 100).toFixed(2)}%`,
    `logged    quality ${f4(r.logged.quality)}, cost per 1,000 requests $${(r.logged.cost_usd * 1000).toFixed(4)}`,
    `quality   IPS ${interval(r.quality.ips)}   SNIPS ${interval(r.quality.snips)}   DR ${interval(r.quality.dr)}`,
    `cost/1k   IPS ${usd(r.cost_usd.ips)}   SNIPS ${usd(r.cost_usd.snips)}   DR ${usd(r.cost_usd.dr)}`,
    ...(r.quality.bootstrap ? [`bootstrap quality SNIPS [${f4(r.quality.bootstrap.snips.low)}, ${f4(r.quality.bootstrap.snips.high)}]   DR [${f4(r.quality.bootstrap.dr?.low)}, ${f4(r.quality.bootstrap.dr?.high)}]`] : []),
    `intervals ${r.interval}`,
  ];
  lines.push(r.supported ? 'supported: the log supports these estimates' : `NOT SUPPORTED: ${r.reasons.join('; ')}`);
  return `${lines.join('\n')}\n`;
}

export async function evalFromLogCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  return run('eval', err, EVAL_FROM_LOG_USAGE, async () => {
    const v = parse('eval', argv, {
      ...QUALITY_FLAGS,
      policy: { type: 'string' },
      model: { type: 'string' },
      knob: { type: 'string' },
      margin: { type: 'string' },
      'latency-weight': { type: 'string' },
      'min-decisions': { type: 'string' },
      'min-ess': { type: 'string' },
      'max-support-gap': { type: 'string' },
      bootstrap: { type: 'string' },
      json: { type: 'boolean' },
    });
    const path = source('eval', v);
    const config = typeof v.config === 'string' ? loadConfig(v.config).config : undefined;
    let candidate: CandidatePolicy;
    let name: string;
    if (typeof v.policy === 'string') {
      if (v.knob !== undefined || v.margin !== undefined) throw new UsageError('eval: --policy and --knob/--margin exclude each other');
      const p = config?.policies[v.policy];
      if (!config) throw new UsageError('eval: --policy NAME needs --config C.yaml, where the policy is defined');
      if (!p) throw new UsageError(`eval: ${String(v.config)} has no policy named "${v.policy}" (have: ${Object.keys(config.policies).join(', ')})`);
      candidate = { knob: p.cost_quality_tradeoff, margin: p.quality_margin, latencyWeight: p.latency_weight };
      name = `policy ${v.policy}`;
    } else {
      const knob = num('eval', v, 'knob', (x) => x >= 0 && x <= 1, 'a knob in [0, 1]');
      if (knob === undefined) throw new UsageError('eval: name the candidate: --policy NAME (with --config) or --knob K');
      candidate = { knob, margin: num('eval', v, 'margin', (x) => x >= 0 && x <= 0.5, 'a quality margin in [0, 0.5]') ?? 0, latencyWeight: num('eval', v, 'latency-weight', (x) => x >= 0, 'a number >= 0') ?? 0 };
      name = `knob ${candidate.knob}, quality margin ${candidate.margin}, latency weight ${candidate.latencyWeight}`;
    }
    const o = {
      ...LOG_ESTIMATE_DEFAULTS,
      minDecisions: num('eval', v, 'min-decisions', (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1') ?? LOG_ESTIMATE_DEFAULTS.minDecisions,
      minEss: num('eval', v, 'min-ess', (x) => x >= 0, 'a number >= 0') ?? LOG_ESTIMATE_DEFAULTS.minEss,
      maxSupportGap: num('eval', v, 'max-support-gap', (x) => x >= 0 && x <= 1, 'a share in [0, 1]') ?? LOG_ESTIMATE_DEFAULTS.maxSupportGap,
      bootstrap: num('eval', v, 'bootstrap', (x) => Number.isInteger(x) && x >= 0 && x <= 10_000, 'an integer from 0 to 10000') ?? LOG_ESTIMATE_DEFAULTS.bootstrap,
    };
    const rows = await readLoggedTraffic(path, qualityMetrics('eval', v, config));
    let r: LogEstimate;
    if (typeof v.model === 'string') {
      if (!config) throw new UsageError('eval: --model MODEL.syrm needs --config C.yaml (its catalog maps models onto the router model\'s profiles)');
      const catalog = new Catalog(config, {}, { credentialsElsewhere: true });
      const store = await ModelStore.open({ file: v.model, catalog, wasm: false, log: createLogger('eval', { SWITCHYARD_LOG_LEVEL: 'error' }, () => {}) });
      try {
        const m = modelChooser(store, catalog, candidate);
        r = estimateFromLog(rows, m.choose, o, m.predict);
      } finally {
        store.close();
      }
      name = `router model ${v.model} (${store.modelVersion}) under ${name}`;
    } else r = estimateFromLog(rows, policyChooser(candidate), o);
    out.write(v.json === true ? `${JSON.stringify({ candidate: { name, ...candidate }, ...r })}\n` : formatLogEstimate(r, name));
    if (!r.supported) throw new Error(`the log cannot support an estimate of this candidate: ${r.reasons.join('; ')}`);
  });
}

async function readChampion(file: string) {
  const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`--correct ${file}: cannot read (${e.code ?? e.message})`);
  });
  try {
    return decodeRouterModel(bytes);
  } catch (e) {
    throw new Error(`--correct ${file}: ${(e as Error).message}`);
  }
}

export async function trainFromLogCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  return run('train', err, TRAIN_FROM_LOG_USAGE, async () => {
    const v = parse('train', argv, {
      ...QUALITY_FLAGS,
      out: { type: 'string' },
      data: { type: 'string', multiple: true },
      'min-log-outcomes': { type: 'string' },
      'min-shift': { type: 'string' },
      changed: { type: 'string' },
      'log-answers': { type: 'string' },
      seed: { type: 'string' },
      epochs: { type: 'string' },
      dim: { type: 'string' },
      correct: { type: 'string' },
    });
    const path = source('train', v);
    if (typeof v.out !== 'string') throw new UsageError('train: --out is required');
    const config = typeof v.config === 'string' ? loadConfig(v.config).config : undefined;
    const oneOf = <T extends string>(name: string, allowed: readonly T[]): T | undefined => {
      const x = v[name];
      if (x === undefined) return undefined;
      if (!allowed.includes(x as T)) throw new UsageError(`train: --${name} must be one of ${allowed.join(', ')}, got ${String(x)}`);
      return x as T;
    };
    const int = (name: string, min: number, max = Number.MAX_SAFE_INTEGER) => num('train', v, name, (x) => Number.isInteger(x) && x >= min && x <= max, `an integer from ${min} to ${max}`);
    const mixOptions = {
      ...LOG_MIX_DEFAULTS,
      minLogOutcomes: int('min-log-outcomes', 2) ?? LOG_MIX_DEFAULTS.minLogOutcomes,
      minShift: num('train', v, 'min-shift', (x) => x >= 0 && x <= 1, 'a quality shift in [0, 1]') ?? LOG_MIX_DEFAULTS.minShift,
      changed: oneOf('changed', ['shift', 'drop'] as const) ?? LOG_MIX_DEFAULTS.changed,
      logAnswers: oneOf('log-answers', ['where-needed', 'where-thin', 'all'] as const) ?? LOG_MIX_DEFAULTS.logAnswers,
      // Catalog models are named in the log; the router model knows their profiles.
      ...(config ? { profileOf: Object.fromEntries(config.models.flatMap((m) => ('profile' in m.quality ? [[m.id, m.quality.profile]] : []))) } : {}),
    };
    const train = { ...(int('seed', 0) !== undefined ? { seed: int('seed', 0)! } : {}), ...(int('epochs', 1) !== undefined ? { epochs: int('epochs', 1)! } : {}), ...(int('dim', 1, 256) !== undefined ? { dim: int('dim', 1, 256)! } : {}) };
    const rows = await readLoggedTraffic(path, qualityMetrics('train', v, config));
    const answers = gradedAnswers(rows);
    if (answers.length === 0) throw new Error(`${path}: no graded answers (decisions with an answer and a quality grade) to learn from`);
    if (answers.every((a) => a.prompt === '')) {
      throw new Error(`${path}: the records carry no prompt text (router.prompt_logging is off), and a router model learns from prompts: turn prompt logging on (with redaction) to train from the log`);
    }
    const files = (v.data as string[] | undefined) ?? [];
    const shared = files.length > 0 ? await readRoutingData(files) : undefined;
    const mix = mixLogWithShared(answers, shared, mixOptions);
    const champion = typeof v.correct === 'string' ? await readChampion(v.correct) : undefined;
    const corrected = champion ? correctFromLog(champion, answers, mix.fromLog, mixOptions) : undefined;
    const trained = corrected?.model ?? trainOnLogMix(mix, train);
    const traffic = trafficOfRows(rows);
    const model = traffic ? { ...trained, header: { ...trained.header, training: { ...trained.header.training, traffic } } } : trained;
    const bytes = encodeRouterModel(model);
    await writeFile(v.out, bytes);
    const reference = traffic ? `; drift reference: the traffic of ${rows.length} logged decisions` : '; no drift reference (export lines do not carry the traffic features)';
    if (corrected) {
      const made = corrected.made.map((c) => `${c.profile} on ${c.segment} (${c.answers} answers: graded ${c.observed.toFixed(3)} against ${c.predicted.toFixed(3)} predicted, logit ${c.logit > 0 ? '+' : ''}${c.logit.toFixed(2)})`);
      out.write(`wrote ${v.out}: ${bytes.length} bytes, ${v.correct} with ${made.length > 0 ? `corrections on ${made.join(', ')}` : 'no correction (the log shows no model and segment changed)'}${reference}\n`);
      return;
    }
    const alone = Object.entries(mix.fromLog).map(([k, s]) => `${k} (${s.n} answers, ${s.shift > 0 ? '+' : ''}${s.shift.toFixed(3)} against ${s.against === 'shared' ? 'the shared data' : 'the prediction'})`);
    out.write(
      `wrote ${v.out}: ${bytes.length} bytes, ${model.header.profiles.length} profiles; ${mix.logPrompts} of ${answers.length} graded answers from the log (by inverse propensity; the rest where the shared data speaks and nothing changed)` +
        (mix.withoutPrompt > 0 ? ` (${mix.withoutPrompt} without prompt text left out)` : '') +
        `, ${mix.sharedPrompts} shared prompts${reference}\n` +
        `the log alone speaks for: ${alone.length > 0 ? alone.join(', ') : 'no model and segment (the shared data fills in everywhere)'}\n`,
    );
  });
}
