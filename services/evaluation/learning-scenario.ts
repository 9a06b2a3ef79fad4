/**
 * The learning goals' scenario (issue 12), on MMLU-Pro outcomes replayed by the simulator:
 *
 *  - data/mmlu-pro is split by a hash of the prompt id into shared data (2/5, what the first
 *    router model is trained on), live traffic (2/5, what the router serves and logs) and
 *    held-out traffic (1/5, where quality and cost are measured);
 *  - off-policy goal: the router serves logged traffic with exploration on; a candidate policy's
 *    quality is estimated from the log (IPS, SNIPS, DR) and compared with its true quality,
 *    measured by running the candidate on the same replayed traffic;
 *  - retraining goal: one model gets worse by `drop` on one segment (the segment where the
 *    router sends that model the most traffic, the model it sends there most); the router logs
 *    traffic with exploration; a challenger is trained from the log mixed with the shared data
 *    (train/log-training-data.ts) and measured on held-out traffic against the router before
 *    and after the drop.
 * Every random choice comes from seeds, so a run repeats.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplayPlayer } from '../executor/simulator/replay.js';
import type { RouterModel } from '../router/model/router-model-file.js';
import { filterPool, readRoutingData, type RoutingData, type RoutingPrompt } from '../shared/routing-data.js';
import { foldOf } from '../train/folds.js';
import { LOG_MIX_DEFAULTS, mixLogWithShared } from '../train/log-training-data.js';
import { Prng } from '../train/prng.js';
import { repoPath } from '../train/repo-root.js';
import { trainOnData } from '../train/train-from-data.js';
import type { TrainOptions } from '../train/trainer.js';
import { estimateFromLog, policyChooser, type LogEstimate } from './log-estimate.js';
import { gradedAnswers } from './logged-traffic.js';
import { ReplayLoop, replayConfig, type PoolModel, type ServedTraffic } from './replay-loop.js';
import { ReplayTraffic } from './replay-traffic.js';

export const LEARNING_POOL: readonly PoolModel[] = [
  { id: 'gpt-4o', dataId: 'gpt-4o-2024-05-13', provider: 'openai', input: 5, output: 15 },
  { id: 'gemini-1.5-pro', dataId: 'gemini-1.5-pro-002', provider: 'gemini', input: 1.25, output: 5 },
  { id: 'llama-3.1-70b', dataId: 'Meta-Llama-3_1-70B-Instruct', provider: 'openai-compatible', input: 0.88, output: 0.88 },
  { id: 'gemini-1.5-flash', dataId: 'gemini-1.5-flash-002', provider: 'gemini', input: 0.075, output: 0.3 },
];

export interface ScenarioOptions {
  seed: number;
  /** Requests served and logged, and requests measured on held-out traffic. */
  logRequests: number;
  heldOutRequests: number;
  /** Exploration while logging. */
  exploreShare: number;
  utilityMargin: number;
  /** The serving policy's knob and the candidate's. */
  knob: number;
  candidateKnob: number;
  drop: number;
  /** Graded answers of a model on a segment from which the log alone speaks for it (log-training-data.ts). */
  minLogOutcomes: number;
  train: Partial<TrainOptions>;
}

export const SCENARIO_DEFAULTS: ScenarioOptions = {
  seed: 1,
  logRequests: 20_000,
  heldOutRequests: 10_000,
  exploreShare: 0.2,
  utilityMargin: 0.1,
  knob: 0.7,
  candidateKnob: 0.6,
  drop: 0.15,
  minLogOutcomes: 30,
  train: { epochs: 6, pretrainEpochs: 4 },
};

export interface Scenario {
  data: RoutingData;
  shared: RoutingData;
  live: RoutingPrompt[];
  heldOut: RoutingPrompt[];
  model: RouterModel;
  dir: string;
  close(): void;
}

/** Reads data/mmlu-pro, keeps the pool's complete prompts, splits them and trains the first router model on the shared part. */
export async function openScenario(o: ScenarioOptions): Promise<Scenario> {
  const all = filterPool(await readRoutingData([repoPath('data/mmlu-pro/dev.jsonl.gz')]), LEARNING_POOL.map((m) => m.dataId));
  const complete = all.prompts.filter((p) => LEARNING_POOL.every((m) => p.outcomes[m.dataId] !== undefined));
  const part = (p: RoutingPrompt) => foldOf(p.id, 5);
  const shared: RoutingData = { prompts: complete.filter((p) => part(p) < 2), models: all.models, sources: all.sources };
  const live = complete.filter((p) => part(p) === 2 || part(p) === 3);
  const heldOut = complete.filter((p) => part(p) === 4);
  const model = trainOnData(shared, { ...o.train, seed: o.seed });
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-learning-'));
  return { data: { ...all, prompts: complete }, shared, live, heldOut, model, dir, close: () => rmSync(dir, { recursive: true, force: true }) };
}

function draw(prompts: readonly RoutingPrompt[], n: number, seed: number): RoutingPrompt[] {
  const t = new ReplayTraffic(prompts, seed);
  return Array.from({ length: n }, () => t.next());
}

/** Knobs the challenger's operating point is chosen among. */
const KNOBS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1];
const knobPolicy = (k: number) => `knob-${k.toFixed(2)}`;

function policies(o: ScenarioOptions): Record<string, Record<string, unknown>> {
  return {
    ...Object.fromEntries(KNOBS.map((k) => [knobPolicy(k), { cost_quality_tradeoff: k }])),
    serving: { cost_quality_tradeoff: o.knob },
    exploring: { cost_quality_tradeoff: o.knob, exploration: { share: o.exploreShare, utility_margin: o.utilityMargin } },
    candidate: { cost_quality_tradeoff: o.candidateKnob },
  };
}

export interface OffPolicyGoal {
  estimate: LogEstimate;
  /** The candidate's quality and cost measured by running it on the same traffic. */
  truth: { quality: number; cost_usd: number };
  logged: { quality: number; cost_usd: number };
  /** |estimate − truth| of each estimator's quality. */
  error: { ips: number; snips: number; dr: number };
}

/** Logs traffic with exploration, estimates the candidate policy from the log, and runs the candidate for the truth. */
export async function offPolicyGoal(s: Scenario, o: ScenarioOptions): Promise<OffPolicyGoal> {
  const config = replayConfig(LEARNING_POOL, policies(o), 'serving');
  const player = new ReplayPlayer({ prompts: s.data.prompts, models: Object.fromEntries(LEARNING_POOL.map((m) => [m.id, m.dataId])) });
  const loop = await ReplayLoop.open(config, s.model, player, s.dir, 'off-policy.syrm');
  try {
    const traffic = draw(s.live, o.logRequests, o.seed);
    const rng = new Prng(o.seed + 1);
    const logged = loop.serve(traffic, 'exploring', () => rng.next());
    const p = config.policies.candidate!;
    const estimate = estimateFromLog(logged.rows, policyChooser({ knob: p.cost_quality_tradeoff, margin: p.quality_margin, latencyWeight: p.latency_weight }));
    const truth = loop.serve(traffic, 'candidate');
    const err = (x: number | undefined) => Math.abs((x ?? Number.NaN) - truth.quality);
    return {
      estimate,
      truth: { quality: truth.quality, cost_usd: truth.costUsd },
      logged: { quality: logged.quality, cost_usd: logged.costUsd },
      error: { ips: err(estimate.quality.ips.value), snips: err(estimate.quality.snips.value), dr: err(estimate.quality.dr?.value) },
    };
  } finally {
    loop.close();
  }
}

export interface RetrainGoal {
  degraded: { model: string; segment: string; drop: number };
  before: { quality: number; cost_usd: number };
  afterDrop: { quality: number; cost_usd: number };
  retrained: { quality: number; cost_usd: number; knob: number };
  /** (retrained − afterDrop) / (before − afterDrop). */
  recovered: number;
  /**
   * What a router that learned only "this model got worse here" could reach: the first router's
   * choices, with the degraded model's calls on the segment sent to the best other model there
   * (by its mean quality on the held-out prompts); as a quality and a share of the loss.
   */
  ceiling: { quality: number; recovered: number; model: string };
  mix: { logPrompts: number; sharedPrompts: number; fromLog: Record<string, { n: number; shift: number }> };
}

/** Drops one model's quality on one segment, logs with exploration, retrains from the log, and measures on held-out traffic. */
export async function retrainGoal(s: Scenario, o: ScenarioOptions): Promise<RetrainGoal> {
  const config = replayConfig(LEARNING_POOL, policies(o), 'serving');
  const player = new ReplayPlayer({ prompts: s.data.prompts, models: Object.fromEntries(LEARNING_POOL.map((m) => [m.id, m.dataId])) });
  const heldOut = draw(s.heldOut, o.heldOutRequests, o.seed + 2);
  const first = await ReplayLoop.open(config, s.model, player, s.dir, 'first.syrm');
  let challenger: ReplayLoop | undefined;
  try {
    const before = first.serve(heldOut, 'serving');
    // The fault: the model the router sends most on the segment where that count is highest.
    let degraded = { model: '', segment: '', n: -1 };
    for (const [segment, calls] of Object.entries(before.bySegment)) {
      for (const [model, n] of Object.entries(calls)) if (n > degraded.n) degraded = { model, segment, n };
    }
    player.degrade(degraded.model, degraded.segment, o.drop);
    const afterDrop = first.serve(heldOut, 'serving');
    const rng = new Prng(o.seed + 3);
    const logged = first.serve(draw(s.live, o.logRequests, o.seed + 4), 'exploring', () => rng.next());
    const profileOf = Object.fromEntries(LEARNING_POOL.map((m) => [m.id, m.dataId]));
    const mix = mixLogWithShared(gradedAnswers(logged.rows), s.shared, { ...LOG_MIX_DEFAULTS, minLogOutcomes: o.minLogOutcomes, profileOf });
    challenger = await ReplayLoop.open(config, trainOnData(mix.data, { ...o.train, seed: o.seed }), player, s.dir, 'challenger.syrm');
    // The challenger's operating point: the highest knob whose expected cost on live prompts is
    // at most the first router's before the drop. Expected cost: the catalog's estimate for the
    // model chosen, corrected per model by what the log shows it really cost against that
    // estimate (no outcome of the probe prompts is read).
    const correction = costCorrection(logged);
    const probe = draw(s.live, Math.min(2000, o.logRequests), o.seed + 5);
    const expectedCost = (t: ServedTraffic) =>
      t.rows.reduce((a, r) => a + (r.candidates.find((c) => c.model === r.chosen)?.costUsd ?? 0) * (correction.get(r.chosen) ?? 1), 0) / Math.max(1, t.rows.length);
    player.restore();
    const budget = expectedCost(first.serve(probe, 'serving'));
    player.degrade(degraded.model, degraded.segment, o.drop);
    let knob = KNOBS[0]!;
    for (const k of KNOBS) if (expectedCost(challenger.serve(probe, knobPolicy(k))) <= budget) knob = k;
    const retrained = challenger.serve(heldOut, knobPolicy(knob));
    const lost = before.quality - afterDrop.quality;
    const ceiling = recoveryCeiling(s, before, heldOut, degraded, afterDrop.quality, lost);
    return {
      degraded: { model: degraded.model, segment: degraded.segment, drop: o.drop },
      before: { quality: before.quality, cost_usd: before.costUsd },
      afterDrop: { quality: afterDrop.quality, cost_usd: afterDrop.costUsd },
      retrained: { quality: retrained.quality, cost_usd: retrained.costUsd, knob },
      recovered: lost > 0 ? (retrained.quality - afterDrop.quality) / lost : Number.NaN,
      ceiling,
      mix: { logPrompts: mix.logPrompts, sharedPrompts: mix.sharedPrompts, fromLog: mix.fromLog },
    };
  } finally {
    first.close();
    challenger?.close();
  }
}

function recoveryCeiling(s: Scenario, before: ServedTraffic, heldOut: readonly RoutingPrompt[], degraded: { model: string; segment: string }, afterDrop: number, lost: number): RetrainGoal['ceiling'] {
  const dataId = new Map(LEARNING_POOL.map((m) => [m.id, m.dataId]));
  const onSegment = s.heldOut.filter((p) => p.segment === degraded.segment);
  let best = { model: '', q: -1 };
  for (const m of LEARNING_POOL) {
    if (m.id === degraded.model) continue;
    const q = onSegment.reduce((a, p) => a + p.outcomes[m.dataId]!.quality, 0) / Math.max(1, onSegment.length);
    if (q > best.q) best = { model: m.id, q };
  }
  let sum = 0;
  before.rows.forEach((r, i) => {
    const p = heldOut[i]!;
    const model = r.chosen === degraded.model && p.segment === degraded.segment ? best.model : r.chosen;
    sum += p.outcomes[dataId.get(model)!]!.quality;
  });
  const quality = sum / Math.max(1, before.rows.length);
  return { quality, recovered: lost > 0 ? (quality - afterDrop) / lost : Number.NaN, model: best.model };
}

/** Per model: what its logged answers cost, over what the router estimated for them. */
function costCorrection(t: ServedTraffic): Map<string, number> {
  const sums = new Map<string, { real: number; estimated: number }>();
  for (const r of t.rows) {
    const c = r.candidates.find((x) => x.model === r.answered);
    if (!c || r.answered !== r.chosen) continue;
    const e = sums.get(r.answered) ?? { real: 0, estimated: 0 };
    e.real += r.costUsd;
    e.estimated += c.costUsd;
    sums.set(r.answered, e);
  }
  return new Map([...sums].filter(([, e]) => e.estimated > 0).map(([m, e]) => [m, e.real / e.estimated]));
}
