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
 *    the pool); the router logs traffic with exploration; a challenger is made from the log (by
 *    default the first router model corrected where the log shows a model changed on a segment,
 *    train/log-corrections.ts; or trained on the log mixed with the shared data,
 *    train/log-training-data.ts, weighted by inverse propensity) and measured on held-out traffic against the router before and after the drop, against the raw
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
import { correctFromLog } from '../train/log-corrections.js';
import { mixLogWithShared, type LogMixOptions } from '../train/log-training-data.js';
import { Prng } from '../train/prng.js';
import { repoPath } from '../train/repo-root.js';
import { trainOnData } from '../train/train-from-data.js';
import { trainOnLogMix } from '../train/train-from-log.js';
import type { TrainOptions } from '../train/trainer.js';
import { costNeutralKnob, KNOBS, knobPolicy } from './cost-neutral-knob.js';
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
  /** Requests served and logged (held-out traffic is measured on each of its prompts once). */
  logRequests: number;
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
  /**
   * How the challenger is made: `corrected`, the first router model with a correction on each
   * pair the log shows changed (train/log-corrections.ts; nothing retrained); `warm`, trained
   * from the first router model (its encoder kept, its profiles' heads trained on the mix,
   * trainer.ts TrainInput.init); or trained afresh with the first router's training options
   * (`fresh`) or with the log's `seed` (`fresh-log-seed`).
   */
  challenger: 'corrected' | 'warm' | 'fresh' | 'fresh-log-seed';
  /** With `corrected`: which pairs are corrected (train/log-corrections.ts `scope`). */
  correctScope: 'pair' | 'segment';
  /** Whether the challenger's operating point may not exceed the first router's knob (cost-neutral-knob.ts). */
  knobCap: boolean;
  /** Whether the retraining goal also estimates both router models from the log (model-chooser.ts). */
  estimateModels: boolean;
}

export const SCENARIO_DEFAULTS: ScenarioOptions = {
  seed: 1,
  logRequests: 20_000,
  exploreShare: 0.2,
  utilityMargin: 0.1,
  knob: 0.7,
  candidateKnob: 0.6,
  drop: 0.15,
  fault: 'most-routed',
  minLogOutcomes: 30,
  mix: {},
  train: { epochs: 6, pretrainEpochs: 4 },
  challenger: 'corrected',
  correctScope: 'segment',
  knobCap: true,
  estimateModels: true,
};

export interface Scenario {
  data: RoutingData;
  shared: RoutingData;
  live: RoutingPrompt[];
  heldOut: RoutingPrompt[];
  model: RouterModel;
  /** The first router model's training options, seed included: the challenger trains with them. */
  train: Partial<TrainOptions>;
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
  const train = { ...o.train, seed: o.seed };
  const model = trainOnData(shared, train);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-learning-'));
  return { data: { ...all, prompts: complete }, shared, live, heldOut, model, train, dir, close: () => rmSync(dir, { recursive: true, force: true }) };
}

function draw(prompts: readonly RoutingPrompt[], n: number, seed: number): RoutingPrompt[] {
  const t = new ReplayTraffic(prompts, seed);
  return Array.from({ length: n }, () => t.next());
}


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

/** A router's quality on held-out traffic: exact (the mean expected quality over every held-out prompt) and as graded. */
export interface Measured {
  quality: number;
  /** The same choices' graded answers (right/wrong, the drop drawn per answer): what a sampled measure sees. */
  sampled: number;
  cost_usd: number;
}

export interface RetrainGoal {
  seed: number;
  degraded: Fault & { drop: number; rule: FaultRule };
  before: Measured;
  afterDrop: Measured;
  retrained: Measured & { knob: number };
  /** Against the raw loss: (retrained − afterDrop) / (before − afterDrop). */
  recovered: number;
  /** The same on the graded answers. */
  sampledRecovered: number;
  /** The retrained router's cost over the first router's before the drop. */
  costRatio: number;
  /** Held-out calls to the degraded model on its segment: the first router's (before and after the drop alike) and the retrained router's. */
  degradedCalls: { first: number; retrained: number };
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
   * logged traffic (with `estimateModels`).
   */
  modelEstimates?: { challenger: ModelEstimateGoal; champion: ModelEstimateGoal };
}

export interface ModelEstimateGoal {
  estimate: LogEstimate;
  truth: number;
  error: { ips: number; snips: number; dr: number };
}


const measured = (t: ServedTraffic): Measured => ({ quality: t.expectedQuality, sampled: t.quality, cost_usd: t.costUsd });

/**
 * Drops one model's quality on one segment, logs with exploration, retrains from the log, and
 * measures on held-out traffic. Every held-out prompt is served once (the traffic draws each
 * equally likely, so this is the traffic's expectation) and its quality is the expected one
 * (ReplayPlayer.expected): the references and the routers before and after the drop carry no
 * noise, and what varies with `seed` is only the log the challenger learns from (its traffic,
 * its exploration, the drop's draws in it) and the challenger's training.
 */
export async function retrainGoal(s: Scenario, o: ScenarioOptions): Promise<RetrainGoal> {
  const config = replayConfig(LEARNING_POOL, policies(o), 'serving');
  const player = new ReplayPlayer({ prompts: s.data.prompts, models: Object.fromEntries(LEARNING_POOL.map((m) => [m.id, m.dataId])) });
  const heldOut = s.heldOut;
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
    const answers = gradedAnswers(logged.rows);
    const mix = mixLogWithShared(answers, s.shared, { ...o.mix, minLogOutcomes: o.minLogOutcomes, profileOf });
    const model =
      o.challenger === 'corrected'
        ? correctFromLog(s.model, answers, mix.fromLog, { profileOf, scope: o.correctScope, minLogOutcomes: o.minLogOutcomes, ...(o.mix.maxWeight !== undefined ? { maxWeight: o.mix.maxWeight } : {}) }).model
        : o.challenger === 'warm'
          ? trainOnLogMix(mix, s.train, s.model)
          : trainOnLogMix(mix, o.challenger === 'fresh-log-seed' ? { ...o.train, seed: o.seed } : s.train);
    challenger = await ReplayLoop.open(config, model, player, s.dir, 'challenger.syrm');
    const knob = costNeutralKnob(first, challenger, logged, player, draw(s.live, Math.min(4000, o.logRequests), o.seed + 5), fault, o.drop, o.knobCap ? o.knob : 1);
    const retrained = challenger.serve(heldOut, knobPolicy(knob));
    const lost = before.expectedQuality - afterDrop.expectedQuality;
    const truth = (m: string, p: RoutingPrompt) => player.expected(m, p.prompt)!;
    const dataId = new Map(LEARNING_POOL.map((m) => [m.id, m.dataId]));
    const costOf = (m: string, p: RoutingPrompt) => p.outcomes[dataId.get(m)!]!.cost_usd;
    const onSegment = heldOut.filter((p) => p.segment === fault.segment);
    const shift = onSegment.reduce((a, p) => a + truth(fault.model, p) - p.outcomes[dataId.get(fault.model)!]!.quality, 0) / Math.max(1, onSegment.length);
    const serving = config.policies.serving!;
    const oracle = oracleReroute(before, heldOut, fault, shift, { margin: serving.quality_margin, latencyWeight: serving.latency_weight }, KNOBS, before.costUsd, truth, costOf);
    const ceiling = substituteCeiling(before, heldOut, LEARNING_POOL, fault, truth);
    const share = (q: number, of: number) => (of > 0 ? (q - afterDrop.expectedQuality) / of : Number.NaN);
    const achievable = ceiling.cost_usd <= before.costUsd && ceiling.quality > oracle.quality ? { quality: ceiling.quality, by: `substitute ${ceiling.model}` } : { quality: oracle.quality, by: 'oracle re-route' };
    const recoverableLoss = Math.min(before.expectedQuality, achievable.quality) - afterDrop.expectedQuality;
    const sampledLost = before.quality - afterDrop.quality;
    return {
      seed: o.seed,
      degraded: { ...fault, drop: o.drop, rule: o.fault },
      before: measured(before),
      afterDrop: measured(afterDrop),
      retrained: { ...measured(retrained), knob },
      recovered: share(retrained.expectedQuality, lost),
      sampledRecovered: sampledLost > 0 ? (retrained.quality - afterDrop.quality) / sampledLost : Number.NaN,
      costRatio: retrained.costUsd / before.costUsd,
      degradedCalls: { first: afterDrop.bySegment[fault.segment]?.[fault.model] ?? 0, retrained: retrained.bySegment[fault.segment]?.[fault.model] ?? 0 },
      oracle,
      achievable: { ...achievable, recoverableLoss },
      recoveredOfAchievable: share(retrained.expectedQuality, recoverableLoss),
      ceiling: { quality: ceiling.quality, recovered: share(ceiling.quality, lost), model: ceiling.model },
      mix: { logPrompts: mix.logPrompts, sharedPrompts: mix.sharedPrompts, fromLog: mix.fromLog },
      ...(o.estimateModels
        ? { modelEstimates: { challenger: modelEstimateGoal(challenger, logged, logTraffic, knob), champion: modelEstimateGoal(first, logged, logTraffic, o.knob) } }
        : {}),
    };
  } finally {
    first.close();
    challenger?.close();
  }
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
