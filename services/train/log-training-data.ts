/**
 * Training data for a challenger from the router's own record, mixed with shared routing data
 * where the record is thin.
 *
 * Each graded decision (its answer's quality from feedback or shadow grades, services/evaluation/
 * logged-traffic.ts) is one prompt with one outcome: the answering model's. Every graded answer
 * with prompt text goes in. The mixing rule, per model and segment: the record alone speaks for
 * a model on a segment (the shared data's outcomes of that model there are left out) when it
 * holds at least `minLogOutcomes` graded answers of it there and their mean differs from the
 * quality the router predicted for them by more than `minShift` and by more than `z` standard
 * errors: the model has changed there, and the shared data describes what it was. Everywhere
 * else, where the record is thin or agrees with what the router expected, the shared data's
 * outcomes stay beside the record's. A shared prompt left with no outcome is dropped.
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
  /** Catalog model id → router-model profile id. */
  profileOf?: Readonly<Record<string, string>>;
}

export const LOG_MIX_DEFAULTS: LogMixOptions = { minLogOutcomes: 30, minShift: 0.1, z: 3 };

export interface LogMix {
  data: RoutingData;
  /** "model on segment" pairs the record speaks for alone: graded answers, and observed − predicted quality. */
  fromLog: Record<string, { n: number; shift: number }>;
  logPrompts: number;
  sharedPrompts: number;
  /** Graded answers left out: no prompt text (prompt logging off). */
  withoutPrompt: number;
}

const pair = (model: string, segment: string) => `${model} on ${segment}`;

export function mixLogWithShared(answers: readonly GradedAnswer[], shared: RoutingData | undefined, o: LogMixOptions = LOG_MIX_DEFAULTS): LogMix {
  const profile = (m: string) => o.profileOf?.[m] ?? m;
  const stats = new Map<string, { n: number; sum: number; sum2: number }>();
  const logPrompts: RoutingPrompt[] = [];
  let withoutPrompt = 0;
  for (const a of answers) {
    if (a.prompt === '') {
      withoutPrompt++;
      continue;
    }
    const model = profile(a.model);
    const k = pair(model, a.segment);
    const st = stats.get(k) ?? { n: 0, sum: 0, sum2: 0 };
    if (a.predicted !== undefined) {
      const r = a.quality - a.predicted;
      st.n++;
      st.sum += r;
      st.sum2 += r * r;
    }
    stats.set(k, st);
    logPrompts.push({ id: a.id, prompt: a.prompt, segment: a.segment, outcomes: { [model]: { quality: a.quality, input_tokens: a.inputTokens, output_tokens: a.outputTokens, cost_usd: a.costUsd } } });
  }
  const fromLog: Record<string, { n: number; shift: number }> = {};
  for (const [k, st] of stats) {
    if (st.n < Math.max(2, o.minLogOutcomes)) continue;
    const shift = st.sum / st.n;
    const se = Math.sqrt(Math.max(0, st.sum2 / st.n - shift * shift) / (st.n - 1));
    if (Math.abs(shift) > o.minShift && Math.abs(shift) > o.z * se) fromLog[k] = { n: st.n, shift };
  }
  const covered = new Set(Object.keys(fromLog));
  const kept: RoutingPrompt[] = [];
  for (const p of shared?.prompts ?? []) {
    const outcomes = Object.fromEntries(Object.entries(p.outcomes).filter(([m]) => !covered.has(pair(m, p.segment))));
    if (Object.keys(outcomes).length > 0) kept.push({ ...p, outcomes });
  }
  const prompts = [...kept, ...logPrompts];
  const sources: DataSource[] = [...(shared?.sources ?? []), { file: 'decision log', sha256: '', prompts: logPrompts.length }];
  return {
    data: { prompts, models: modelsOf(prompts), sources },
    fromLog,
    logPrompts: logPrompts.length,
    sharedPrompts: kept.length,
    withoutPrompt,
  };
}
