/**
 * Training data for a challenger from the router's own record, mixed with shared routing data
 * where the record is thin.
 *
 * Each graded decision (its answer's quality from feedback or shadow grades, services/evaluation/
 * logged-traffic.ts) is one prompt with one outcome: the answering model's. That outcome is
 * biased: the router chose the model where it expected it to do well. Each logged answer is
 * therefore weighed by its inverse propensity 1/μ (μ: the probability the router chose the model
 * with, recorded in the decision), clipped at `maxWeight`, and self-normalised per model and
 * segment (a pair's weights sum to its count of answers), so that within a pair the answers
 * stand for the segment's traffic, not for the prompts the router preferred. An answer without
 * a known propensity weighs 1.
 *
 * The mixing rule, per model and segment. The record shows that a model CHANGED on a segment
 * when it holds graded answers of it there worth at least `minLogOutcomes` effective samples
 * ((Σw)² / Σw² of their weights) and their inverse-propensity-weighted (SNIPS) mean differs by
 * more than `minShift` and by more than `z` standard errors from
 *   - the shared data's mean of that model there, when the shared data holds at least
 *     `minSharedOutcomes` of its outcomes there (the model changed against what the shared
 *     data recorded), else
 *   - the quality the router predicted for the logged answers (the model changed against what
 *     the router expected).
 * Where a model changed, the shared data's outcomes of it there are shifted by the measured
 * change (`changed: 'shift'`, the default) or left out (`'drop'`: the record alone speaks).
 * Everywhere else the shared data's outcomes stay as they are, each weighing 1. Logged answers
 * join where needed (`logAnswers`). A shared prompt left with no outcome is dropped.
 * Models are named as the router model's profiles: a catalog model's id maps to its profile
 * through `profileOf` (a model absent there keeps its id).
 */
import { modelsOf, type DataSource, type RoutingData, type RoutingPrompt } from '../shared/routing-data.js';

export interface GradedAnswer {
  /** Prompt hash (shared by decisions on the same prompt). */
  id: string;
  prompt: string;
  segment: string;
  /** The catalog model that answered. */
  model: string;
  quality: number;
  /** The quality the router predicted for the answering model when it decided, when known. */
  predicted?: number;
  /** The probability the router chose the answering model with, when known. */
  propensity?: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface LogMixOptions {
  /** Graded answers of a model on a segment from which the record alone speaks for it there. */
  minLogOutcomes: number;
  /** The least shift of observed against predicted quality that counts as a change. */
  minShift: number;
  /** Standard errors the shift must also exceed. */
  z: number;
  /** Shared outcomes of a model on a segment from which the shift is measured against them. */
  minSharedOutcomes: number;
  /** The largest inverse-propensity weight of a logged answer. */
  maxWeight: number;
  /**
   * What becomes of the shared data's outcomes of a model on a segment where the record shows
   * it changed: `drop` leaves them out (the record alone speaks there); `shift` keeps them,
   * each moved by the measured shift (clipped to [0, 1]; for right/wrong outcomes that moves the
   * pair's mean by only shift × the share right; moving them in proportion, which moves it by
   * the whole shift, put the learning scenario's retrained router over budget on its first
   * log), so the shared prompts' full rows of
   * outcomes stay and the record supplies the change (a doubly robust target: the shared data
   * as the direct estimate, the record's weighted residual as its correction).
   */
  changed: 'drop' | 'shift';
  /**
   * Which logged answers join the data: every one; `where-needed`: those of changed pairs
   * and of pairs the shared data holds fewer than `minSharedOutcomes` outcomes of; or
   * `where-thin`: only the latter (and changed pairs' under `changed: 'drop'`, where the
   * record alone speaks), so that under `shift` the challenger trains on the shared prompts
   * alone with the change carried by their shifted outcomes. Where the shared data speaks for
   * a pair and the record shows no change, a logged answer adds little but the router's
   * selection (and a prompt seen once, with one outcome).
   */
  logAnswers: 'all' | 'where-needed' | 'where-thin';
  /** Catalog model id → router-model profile id. */
  profileOf?: Readonly<Record<string, string>>;
}

export const LOG_MIX_DEFAULTS: LogMixOptions = { minLogOutcomes: 30, minShift: 0.1, z: 3, minSharedOutcomes: 30, maxWeight: 20, changed: 'shift', logAnswers: 'where-needed' };

export interface LogMix {
  data: RoutingData;
  /**
   * "model on segment" pairs the record speaks for alone: graded answers, the shift (weighted
   * mean of the record − the reference) and what it was measured against.
   */
  fromLog: Record<string, { n: number; shift: number; against: 'shared' | 'predicted' }>;
  /** The weight of each prompt of `data` (1 for shared prompts). */
  promptWeights: Float64Array;
  logPrompts: number;
  sharedPrompts: number;
  /** Graded answers left out: no prompt text (prompt logging off). */
  withoutPrompt: number;
}

const pair = (model: string, segment: string) => `${model} on ${segment}`;

interface PairLog {
  /** Indices into the logged prompts. */
  rows: number[];
  raw: number[];
  predicted: { n: number; sum: number };
}

export function mixLogWithShared(answers: readonly GradedAnswer[], shared: RoutingData | undefined, o: Partial<LogMixOptions> = {}): LogMix {
  const opts: LogMixOptions = { ...LOG_MIX_DEFAULTS, ...o };
  const profile = (m: string) => opts.profileOf?.[m] ?? m;
  const pairs = new Map<string, PairLog>();
  const logPrompts: RoutingPrompt[] = [];
  const quality: number[] = [];
  let withoutPrompt = 0;
  for (const a of answers) {
    if (a.prompt === '') {
      withoutPrompt++;
      continue;
    }
    const model = profile(a.model);
    const k = pair(model, a.segment);
    const st = pairs.get(k) ?? { rows: [], raw: [], predicted: { n: 0, sum: 0 } };
    st.rows.push(logPrompts.length);
    st.raw.push(a.propensity !== undefined && a.propensity > 0 ? Math.min(opts.maxWeight, 1 / a.propensity) : 1);
    if (a.predicted !== undefined) {
      st.predicted.n++;
      st.predicted.sum += a.predicted;
    }
    pairs.set(k, st);
    quality.push(a.quality);
    logPrompts.push({ id: a.id, prompt: a.prompt, segment: a.segment, outcomes: { [model]: { quality: a.quality, input_tokens: a.inputTokens, output_tokens: a.outputTokens, cost_usd: a.costUsd } } });
  }
  const sharedMeans = pairMeans(shared?.prompts ?? []);
  const logWeights = new Float64Array(logPrompts.length).fill(1);
  const fromLog: LogMix['fromLog'] = {};
  for (const [k, st] of pairs) {
    // Self-normalised weights, and the weighted mean with its standard error.
    const n = st.rows.length;
    const sumW = st.raw.reduce((x, y) => x + y, 0);
    let mean = 0;
    st.rows.forEach((r, j) => {
      logWeights[r] = (st.raw[j]! * n) / sumW;
      mean += st.raw[j]! * quality[r]!;
    });
    mean /= sumW;
    let v = 0;
    st.rows.forEach((r, j) => {
      v += (st.raw[j]! * (quality[r]! - mean)) ** 2;
    });
    const se = Math.sqrt(v) / sumW;
    // Enough answers, counted as effective samples of the weights ((Σw)² / Σw²).
    const ess = (sumW * sumW) / st.raw.reduce((x, y) => x + y * y, 0);
    if (ess < Math.max(2, opts.minLogOutcomes)) continue;
    const ref = sharedMeans.get(k);
    let shift: number;
    let against: 'shared' | 'predicted';
    let refSe = 0;
    if (ref !== undefined && ref.n >= opts.minSharedOutcomes) {
      shift = mean - ref.mean;
      refSe = ref.se;
      against = 'shared';
    } else if (st.predicted.n > 0) {
      shift = mean - st.predicted.sum / st.predicted.n;
      against = 'predicted';
    } else continue;
    if (Math.abs(shift) > opts.minShift && Math.abs(shift) > opts.z * Math.hypot(se, refSe)) fromLog[k] = { n, shift, against };
  }
  const kept: RoutingPrompt[] = [];
  for (const p of shared?.prompts ?? []) {
    const outcomes = Object.fromEntries(
      Object.entries(p.outcomes).flatMap(([m, x]) => {
        const change = fromLog[pair(m, p.segment)];
        if (change === undefined) return [[m, x]];
        return opts.changed === 'drop' ? [] : [[m, { ...x, quality: Math.min(1, Math.max(0, x.quality + change.shift)) }]];
      }),
    );
    if (Object.keys(outcomes).length > 0) kept.push({ ...p, outcomes });
  }
  const thin = (k: string) => (sharedMeans.get(k)?.n ?? 0) < opts.minSharedOutcomes;
  const needed = (k: string) => thin(k) || (fromLog[k] !== undefined && (opts.logAnswers === 'where-needed' || opts.changed === 'drop'));
  const logKept = logPrompts.flatMap((p, i) => (opts.logAnswers === 'all' || needed(pair(Object.keys(p.outcomes)[0]!, p.segment)) ? [{ p, w: logWeights[i]! }] : []));
  const prompts = [...kept, ...logKept.map((x) => x.p)];
  const promptWeights = new Float64Array(prompts.length).fill(1);
  promptWeights.set(logKept.map((x) => x.w), kept.length);
  const sources: DataSource[] = [...(shared?.sources ?? []), { file: 'decision log', sha256: '', prompts: logKept.length }];
  return {
    data: { prompts, models: modelsOf(prompts), sources },
    fromLog,
    promptWeights,
    logPrompts: logKept.length,
    sharedPrompts: kept.length,
    withoutPrompt,
  };
}

/** Per "model on segment": the shared data's outcomes there, their mean and its standard error. */
function pairMeans(prompts: readonly RoutingPrompt[]): Map<string, { n: number; mean: number; se: number }> {
  const acc = new Map<string, { n: number; sum: number; sum2: number }>();
  for (const p of prompts) {
    for (const [m, x] of Object.entries(p.outcomes)) {
      const k = pair(m, p.segment);
      const e = acc.get(k) ?? { n: 0, sum: 0, sum2: 0 };
      e.n++;
      e.sum += x.quality;
      e.sum2 += x.quality * x.quality;
      acc.set(k, e);
    }
  }
  return new Map(
    [...acc].map(([k, e]) => {
      const mean = e.sum / e.n;
      const se = e.n > 1 ? Math.sqrt(Math.max(0, e.sum2 / e.n - mean * mean) / (e.n - 1)) : 0;
      return [k, { n: e.n, mean, se }];
    }),
  );
}
