/**
 * The learning goals' scenario (issue 12), on MMLU-Pro outcomes replayed by the simulator:
 *
 *  - data/mmlu-pro is split by a hash of the prompt id into shared data (2/5, what the first
 *    router model is trained on), live traffic (2/5, what the router serves and logs) and
 *    held-out traffic (1/5, where quality and cost are measured);
 *  - off-policy goal: the router serves logged traffic with exploration on; a candidate policy's
 *    quality is estimated from the log (IPS, SNIPS, DR) and compared with its true quality,
 *    measured by running the candidate on the same replayed traffic;
 *  - retraining goal: one model gets worse by `drop` on one segment (chosen by a stated rule,
 *    recovery-reference.ts: the most-routed pair, or the most-routed pair with a substitute in
 *    the pool); the router logs traffic with exploration; a challenger is trained from the log
 *    mixed with the shared data (train/log-training-data.ts, weighted by inverse propensity) and
 *    measured on held-out traffic against the router before and after the drop, against the raw
 *    loss and against the loss that can be won back; both models are also estimated from the
 *    log as candidate router models (model-chooser.ts) and run on the logged traffic for the truth.
 * Every random choice comes from seeds, so a run repeats.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplayPlayer } from '../executor/simulator/replay.js';
import type { RouterModel } from '../router/model/router-model-file.js';
import { filterPool, readRoutingData, type RoutingData, type RoutingPrompt } from '../shared/routing-data.js';
import { foldOf } from '../train/folds.js';
import { mixLogWithShared, type LogMixOptions } from '../train/log-training-data.js';
import { Prng } from '../train/prng.js';
import { repoPath } from '../train/repo-root.js';
import { trainOnData } from '../train/train-from-data.js';
import { trainOnLogMix } from '../train/train-from-log.js';
import type { TrainOptions } from '../train/trainer.js';
import { estimateFromLog, LOG_ESTIMATE_DEFAULTS, policyChooser, type LogEstimate } from './log-estimate.js';
import { gradedAnswers } from './logged-traffic.js';
import { modelChooser } from './model-chooser.js';
import { chooseFault, oracleReroute, substituteCeiling, type Fault, type FaultRule } from './recovery-reference.js';
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
  /** Which model and segment get worse (recovery-reference.ts). */
  fault: FaultRule;
  /** Graded answers of a model on a segment from which the log alone speaks for it (log-training-data.ts). */
  minLogOutcomes: number;
  /** How the record mixes with the shared data (train/log-training-data.ts). */
  mix: Partial<LogMixOptions>;
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
  fault: 'most-routed',
  minLogOutcomes: 30,
  mix: {},
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
  degraded: Fault & { drop: number; rule: FaultRule };
  before: { quality: number; cost_usd: number };
  afterDrop: { quality: number; cost_usd: number };
  retrained: { quality: number; cost_usd: number; knob: number };
  /** Against the raw loss: (retrained − afterDrop) / (before − afterDrop). */
  recovered: number;
  /** The oracle re-route (recovery-reference.ts): the first router told exactly what changed, at no more cost than before the drop. */
  oracle: { quality: number; cost_usd: number; knob: number };
  /**
   * The best of the oracle re-route and the substitute ceiling (when that costs no more than
   * before the drop), and the loss that can be won back: min(before, achievable) − afterDrop
   * (no more than was lost, no more than is achievable); the recovery against it.
   */
  achievable: { quality: number; by: string; recoverableLoss: number };
  recoveredOfAchievable: number;
  /** The first router's choices with only the degraded calls moved to the segment's best other model, as a quality and a share of the raw loss. */
  ceiling: { quality: number; recovered: number; model: string };
  mix: { logPrompts: number; sharedPrompts: number; fromLog: Record<string, { n: number; shift: number; against: string }> };
  /**
   * The challenger and the first router as candidate router MODELS, estimated from the log
   * after the drop (model-chooser.ts), against their truth measured by running each on the same
   * logged traffic.
   */
  modelEstimates: { challenger: ModelEstimateGoal; champion: ModelEstimateGoal };
}

export interface ModelEstimateGoal {
  estimate: LogEstimate;
  truth: number;
  error: { ips: number; snips: number; dr: number };
}

/** Knobs the oracle re-route's operating point is chosen among. */
const FINE_KNOBS = Array.from({ length: 51 }, (_, i) => 0.5 + i / 100);
/** One-sided z of the cost bound (95%). */
const COST_Z = 1.645;

/** Drops one model's quality on one segment, logs with exploration, retrains from the log, and measures on held-out traffic. */
export async function retrainGoal(s: Scenario, o: ScenarioOptions): Promise<RetrainGoal> {
  const config = replayConfig(LEARNING_POOL, policies(o), 'serving');
  const player = new ReplayPlayer({ prompts: s.data.prompts, models: Object.fromEntries(LEARNING_POOL.map((m) => [m.id, m.dataId])) });
  const heldOut = draw(s.heldOut, o.heldOutRequests, o.seed + 2);
  const first = await ReplayLoop.open(config, s.model, player, s.dir, 'first.syrm');
  let challenger: ReplayLoop | undefined;
  try {
    const before = first.serve(heldOut, 'serving');
    const fault = chooseFault(o.fault, before, LEARNING_POOL, s.shared, o.drop);
    player.degrade(fault.model, fault.segment, o.drop);
    const afterDrop = first.serve(heldOut, 'serving');
    const rng = new Prng(o.seed + 3);
    const logTraffic = draw(s.live, o.logRequests, o.seed + 4);
    const logged = first.serve(logTraffic, 'exploring', () => rng.next());
    const profileOf = Object.fromEntries(LEARNING_POOL.map((m) => [m.id, m.dataId]));
    const mix = mixLogWithShared(gradedAnswers(logged.rows), s.shared, { ...o.mix, minLogOutcomes: o.minLogOutcomes, profileOf });
    const model = trainOnLogMix(mix, { ...o.train, seed: o.seed });
    challenger = await ReplayLoop.open(config, model, player, s.dir, 'challenger.syrm');
    const knob = costNeutralKnob(first, challenger, logged, player, draw(s.live, Math.min(4000, o.logRequests), o.seed + 5), fault, o.drop);
    const retrained = challenger.serve(heldOut, knobPolicy(knob));
    const lost = before.quality - afterDrop.quality;
    const truth = (m: string, p: RoutingPrompt) => player.answer(m, p.prompt)!.quality;
    const dataId = new Map(LEARNING_POOL.map((m) => [m.id, m.dataId]));
    const costOf = (m: string, p: RoutingPrompt) => p.outcomes[dataId.get(m)!]!.cost_usd;
    const onSegment = heldOut.filter((p) => p.segment === fault.segment);
    const shift = onSegment.reduce((a, p) => a + truth(fault.model, p) - p.outcomes[dataId.get(fault.model)!]!.quality, 0) / Math.max(1, onSegment.length);
    const serving = config.policies.serving!;
    const oracle = oracleReroute(before, heldOut, fault, shift, { margin: serving.quality_margin, latencyWeight: serving.latency_weight }, FINE_KNOBS, before.costUsd, truth, costOf);
    const ceiling = substituteCeiling(before, heldOut, LEARNING_POOL, fault, truth);
    const share = (q: number, of: number) => (of > 0 ? (q - afterDrop.quality) / of : Number.NaN);
    const achievable = ceiling.cost_usd <= before.costUsd && ceiling.quality > oracle.quality ? { quality: ceiling.quality, by: `substitute ${ceiling.model}` } : { quality: oracle.quality, by: 'oracle re-route' };
    const recoverableLoss = Math.min(before.quality, achievable.quality) - afterDrop.quality;
    const modelEstimates = {
      challenger: modelEstimateGoal(challenger, logged, logTraffic, knob),
      champion: modelEstimateGoal(first, logged, logTraffic, o.knob),
    };
    return {
      degraded: { ...fault, drop: o.drop, rule: o.fault },
      before: { quality: before.quality, cost_usd: before.costUsd },
      afterDrop: { quality: afterDrop.quality, cost_usd: afterDrop.costUsd },
      retrained: { quality: retrained.quality, cost_usd: retrained.costUsd, knob },
      recovered: share(retrained.quality, lost),
      oracle,
      achievable: { ...achievable, recoverableLoss },
      recoveredOfAchievable: share(retrained.quality, recoverableLoss),
      ceiling: { quality: ceiling.quality, recovered: share(ceiling.quality, lost), model: ceiling.model },
      mix: { logPrompts: mix.logPrompts, sharedPrompts: mix.sharedPrompts, fromLog: mix.fromLog },
      modelEstimates,
    };
  } finally {
    first.close();
    challenger?.close();
  }
}

/**
 * The challenger's operating point: the highest knob at which, on probe traffic (live prompts;
 * no held-out outcome is read), its expected cost per request exceeds the first router's before
 * the drop by nothing, with 95% confidence: mean paired difference + 1.645 standard errors <= 0.
 * Expected cost: the catalog's estimate for the model chosen, corrected by what the log shows
 * it really cost against that estimate (costCorrection). Without a knob that passes, the lowest.
 */
function costNeutralKnob(first: ReplayLoop, challenger: ReplayLoop, logged: ServedTraffic, player: ReplayPlayer, probe: readonly RoutingPrompt[], fault: Fault, drop: number): number {
  const correction = costCorrection(logged);
  const costs = (t: ServedTraffic) => t.rows.map((r) => (r.candidates.find((c) => c.model === r.chosen)?.costUsd ?? 0) * correction(r.chosen, r.segment));
  player.restore();
  const budget = costs(first.serve(probe, 'serving'));
  player.degrade(fault.model, fault.segment, drop);
  let knob = KNOBS[0]!;
  for (const k of KNOBS) {
    const c = costs(challenger.serve(probe, knobPolicy(k)));
    const d = c.map((x, i) => x - budget[i]!);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, d.length - 1));
    if (mean + (COST_Z * sd) / Math.sqrt(d.length) <= 0) knob = k;
  }
  return knob;
}

/** `loop`'s router model at `knob` as a candidate estimated from `logged`, and its truth on the same traffic. */
function modelEstimateGoal(loop: ReplayLoop, logged: ServedTraffic, traffic: readonly RoutingPrompt[], knob: number): ModelEstimateGoal {
  const p = loop.config.policies.serving!;
  const candidate = modelChooser(loop.scoring, loop.catalog, { knob, margin: p.quality_margin, latencyWeight: p.latency_weight });
  const estimate = estimateFromLog(logged.rows, candidate.choose, LOG_ESTIMATE_DEFAULTS, candidate.predict);
  const truth = loop.serve(traffic, knobPolicy(knob)).quality;
  const err = (x: number | undefined) => Math.abs((x ?? Number.NaN) - truth);
  return { estimate, truth, error: { ips: err(estimate.quality.ips.value), snips: err(estimate.quality.snips.value), dr: err(estimate.quality.dr?.value) } };
}
/**
 * What a model's logged answers really cost over what the router estimated for them, per model
 * and segment (the segment is known when deciding) where the log holds at least 30 of them
 * there, else per model.
 */
function costCorrection(t: ServedTraffic): (model: string, segment: string) => number {
  const sums = new Map<string, { real: number; estimated: number; n: number }>();
  const add = (k: string, real: number, estimated: number) => {
    const e = sums.get(k) ?? { real: 0, estimated: 0, n: 0 };
    e.real += real;
    e.estimated += estimated;
    e.n++;
    sums.set(k, e);
  };
  for (const r of t.rows) {
    const c = r.candidates.find((x) => x.model === r.answered);
    if (!c || r.answered !== r.chosen) continue;
    add(r.answered, r.costUsd, c.costUsd);
    add(`${r.answered}\u0000${r.segment}`, r.costUsd, c.costUsd);
  }
  const ratio = (k: string, min: number) => {
    const e = sums.get(k);
    return e && e.n >= min && e.estimated > 0 ? e.real / e.estimated : undefined;
  };
  return (model, segment) => ratio(`${model}\u0000${segment}`, 30) ?? ratio(model, 1) ?? 1;
}
