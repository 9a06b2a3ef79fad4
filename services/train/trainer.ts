/**
 * Trains the learned router's model (router-model-file.ts): for prompt features (d, tokens t
 * of weight w),
 *     z = denseProjection · d + w Σ hashed[t],    logit_p = bias_p + ability_p · z + denseWeights_p · d,
 * and the predicted quality of profile p is sigmoid(logit_p).
 *
 * Objective: mean binary cross-entropy between sigmoid(logit_p) and the graded quality y in
 * [0, 1] (a soft label), over the observed (prompt, profile) pairs only (a missing outcome
 * contributes nothing), plus L2 (l2Hashed on hashed rows, l2 on every other weight).
 * When the data has segments, training runs in two phases: `pretrainEpochs` that fit the
 * prompt encoder (hashed, denseProjection) to auxiliary segment heads, then `epochs` that fit
 * the profiles on the encoder as pretrained (frozen by default). Without segments, one phase
 * fits everything together.
 * Optimiser: mini-batch Adam; the hashed table is updated lazily (only the rows a batch
 * touches, as sparse Adam implementations do). The learning rate decays linearly to
 * `finalLrFraction` of its start within each phase.
 *
 * Determinism: every random choice (initial weights, epoch order) comes from one seeded Prng,
 * and the arithmetic order is fixed, so the same features, outcomes and options give the same
 * model, and encodeRouterModel the same bytes.
 */
import { BUCKETS, DENSE_FEATURES, FEATURE_VERSION } from '../router/core/feature-spec.js';
import type { RouterModel } from '../router/model/router-model-file.js';
import type { FeatureTable } from './feature-table.js';
import { modelStats, type OutcomeMatrix } from './outcome-matrix.js';
import { AdamParam, BETA1, BETA2 } from './adam.js';
import { mergeModels } from './ensemble.js';
import { Prng } from './prng.js';

export interface TrainOptions {
  /** Latent dimension. */
  dim: number;
  epochs: number;
  seed: number;
  /** Prompts per Adam step. */
  batchSize: number;
  learningRate: number;
  /** The learning rate at the end of the run, as a fraction of `learningRate`. */
  finalLrFraction: number;
  /** L2 on the hashed table (applied to the rows a batch touches), in the main epochs. */
  l2Hashed: number;
  /** L2 on the hashed table in the pretraining epochs (segment labels overfit less). */
  l2HashedPretrain: number;
  /** L2 on ability, denseProjection and denseWeights (not on bias). */
  l2: number;
  /** Standard deviation of the initial hashed and ability weights. */
  initScale: number;
  /**
   * With at least two segments in the data, training adds one auxiliary head per segment
   * (the same form as a profile's) that learns whether a prompt belongs to it, so that the
   * shared prompt vector z learns to tell segments apart; the heads are dropped from the
   * model, and serving never needs segments. This is their weight relative to a model
   * outcome; 0 turns them off.
   */
  segmentWeight: number;
  /**
   * Epochs, before the main ones, that train the prompt encoder (hashed, denseProjection)
   * on the segment heads alone: z first learns what a prompt is about, from labels far less
   * noisy than outcomes. Needs segmentWeight > 0 and two or more segments.
   */
  pretrainEpochs: number;
  /**
   * After pretraining, the multiplier of the learning rate of hashed and denseProjection in
   * the main epochs (0 freezes them). Without pretraining they train at the full rate.
   */
  encoderLrScale: number;
  /**
   * Members of an ensemble: that many models, seeds seed, seed + 1, ..., merged into one of
   * dim × ensemble (ensemble.ts: the merged model's logit is the members' mean).
   */
  ensemble: number;
}

/**
 * Defaults chosen by 5-fold cross-validation (production pool on MMLU-Pro; RouteLLM GSM8K for
 * the data without segments, where l2Hashed matters). Segment pretraining with a frozen
 * encoder beat joint training on every MMLU-Pro routing metric (best quality within the
 * flagship's cost 0.737 vs 0.733, AIQ 0.730 vs 0.727); dim 32, ensembles, other learning
 * rates and batch sizes moved the metrics by less than seed-to-seed noise (about ±0.002).
 */
export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  dim: 16,
  epochs: 12,
  seed: 1,
  batchSize: 32,
  learningRate: 0.01,
  finalLrFraction: 0.1,
  l2Hashed: 3e-2,
  l2HashedPretrain: 1e-3,
  l2: 1e-5,
  initScale: 0.05,
  segmentWeight: 1,
  pretrainEpochs: 8,
  encoderLrScale: 0,
  ensemble: 1,
};

export interface TrainProgress {
  epoch: number;
  epochs: number;
  /** Steps done in all, and their total. */
  step: number;
  steps: number;
  /** Mean cross-entropy over the observations of the epoch so far. */
  loss: number;
  /** True on the report that ends an epoch. */
  epochDone: boolean;
}

export interface TrainInput {
  features: FeatureTable;
  outcomes: OutcomeMatrix;
  /** Extra informational header fields (data sources and the like). */
  training?: Record<string, unknown>;
  /**
   * A weight per prompt on its model outcomes (not on the segment heads), 1 when absent:
   * training from a log weighs each logged answer by its inverse propensity (log-training-data.ts).
   */
  promptWeights?: Float64Array;
  /**
   * A model to start from (a champion): its prompt encoder (hashed, denseProjection) is kept
   * frozen, there is no pretraining, and its profiles' heads (bias, ability, denseWeights) are
   * the starting point of the `epochs` that train the heads on this data. A challenger retrained
   * from the record so differs from its champion where the data says a model changed, not by
   * a new encoder and a new draw of initial weights (which alone moves routing quality by about
   * ±0.003). It must have the same dim, dense width and buckets; every model of the data needs
   * a profile in it; one member only (ensemble 1).
   */
  init?: RouterModel;
}

function logit(p: number): number {
  const q = Math.min(1 - 1e-4, Math.max(1e-4, p));
  return Math.log(q / (1 - q));
}

export function trainRouterModel(
  input: TrainInput,
  opts: Partial<TrainOptions> = {},
  onProgress?: (p: TrainProgress) => void,
): RouterModel {
  const o: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...opts };
  const k = o.ensemble;
  if (!Number.isInteger(k) || k < 1 || k * o.dim > 256) throw new RangeError(`ensemble must be an integer >= 1 with ensemble × dim <= 256`);
  if (input.init !== undefined && k !== 1) throw new RangeError('a model to start from trains one member (ensemble 1)');
  const members: RouterModel[] = [];
  for (let r = 0; r < k; r++) {
    members.push(
      trainMember(input, { ...o, seed: o.seed + r }, onProgress && ((p) => onProgress({ ...p, epoch: p.epoch + r * p.epochs, epochs: p.epochs * k, step: p.step + r * p.steps, steps: p.steps * k }))),
    );
  }
  return mergeModels(members, { options: { ...o } });
}

/** One model of the ensemble, with o.seed as its seed. */
function trainMember(input: TrainInput, o: TrainOptions, onProgress?: (p: TrainProgress) => void): RouterModel {
  const { features: ft, outcomes: mx } = input;
  if (ft.n !== mx.n) throw new RangeError(`features have ${ft.n} prompts, outcomes ${mx.n}`);
  const n = mx.n;
  const M = mx.models.length;
  const D = o.dim;
  const DN = DENSE_FEATURES;
  if (!Number.isInteger(D) || D < 1 || D > 256) throw new RangeError(`dim must be an integer in 1..256, got ${D}`);
  const stats = modelStats(mx);
  const rng = new Prng(o.seed);

  // Heads: the M profiles, then the auxiliary segment heads. Targets, observed flags and
  // weights per (prompt, head).
  const segNames = o.segmentWeight > 0 ? [...new Set(mx.segments)].sort() : [];
  const A = segNames.length >= 2 ? segNames.length : 0;
  const HN = M + A;
  const Y = new Float64Array(n * HN);
  const O = new Uint8Array(n * HN);
  const colW = new Float64Array(HN).fill(1);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < M; p++) {
      Y[i * HN + p] = mx.observed[i * M + p] === 1 ? mx.quality[i * M + p]! : 0;
      O[i * HN + p] = mx.observed[i * M + p]!;
    }
    if (A > 0) {
      const seg = segNames.indexOf(mx.segments[i]!);
      for (let a = 0; a < A; a++) {
        Y[i * HN + M + a] = a === seg ? 1 : 0;
        O[i * HN + M + a] = 1;
      }
    }
  }
  for (let a = 0; a < A; a++) colW[M + a] = o.segmentWeight;
  const pw = input.promptWeights;
  if (pw !== undefined && (pw.length !== n || pw.some((x) => !(x >= 0 && Number.isFinite(x))))) throw new RangeError(`promptWeights must hold ${n} finite weights >= 0`);
  const weightOf = (i: number, p: number) => (pw !== undefined && p < M ? pw[i]! : 1);

  const hashed = new AdamParam(new Float64Array(BUCKETS * D));
  const proj = new AdamParam(new Float64Array(D * DN));
  const bias = new AdamParam(new Float64Array(HN));
  const ability = new AdamParam(new Float64Array(HN * D));
  const denseW = new AdamParam(new Float64Array(HN * DN));
  for (let i = 0; i < hashed.w.length; i++) hashed.w[i] = o.initScale * rng.normal();
  for (let i = 0; i < ability.w.length; i++) ability.w[i] = o.initScale * rng.normal();
  for (let p = 0; p < M; p++) bias.w[p] = stats[p]!.n > 0 ? logit(stats[p]!.meanQuality) : 0;
  for (let a = 0; a < A; a++) bias.w[M + a] = logit(1 / A);
  if (input.init !== undefined) startFrom(input.init, mx.models, { hashed: hashed.w, proj: proj.w, bias: bias.w, ability: ability.w, denseW: denseW.w }, D, DN);

  // Rows of the hashed table touched by the current batch, and their last update step.
  const touched = new Uint32Array(BUCKETS);
  const touchedMark = new Uint32Array(BUCKETS);
  let touchedCount = 0;

  const z = new Float64Array(D);
  const gz = new Float64Array(D);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const batches = Math.ceil(n / o.batchSize);
  const preEpochs = A > 0 && input.init === undefined ? o.pretrainEpochs : 0;
  const totalEpochs = preEpochs + o.epochs;
  const steps = batches * totalEpochs;
  let t = 0;

  for (let epoch = 0; epoch < totalEpochs; epoch++) {
    const pre = epoch < preEpochs;
    const encScale = input.init !== undefined ? 0 : pre || preEpochs === 0 ? 1 : o.encoderLrScale;
    // Heads trained in this phase: [h0, h1). Segment heads cannot shape a frozen encoder.
    const h0 = pre ? M : 0;
    const h1 = !pre && encScale === 0 ? M : HN;
    const phaseEpochs = pre ? preEpochs : o.epochs;
    const phaseStart = (pre ? 0 : preEpochs) * batches;
    const l2Hashed = pre ? o.l2HashedPretrain : o.l2Hashed;
    rng.shuffle(order);
    let lossSum = 0;
    let lossN = 0;
    for (let b = 0; b < batches; b++) {
      const from = b * o.batchSize;
      const to = Math.min(n, from + o.batchSize);
      let obs = 0;
      for (let k = from; k < to; k++) {
        const i = order[k]!;
        for (let p = h0; p < h1; p++) obs += O[i * HN + p]! * colW[p]! * weightOf(i, p);
      }
      if (obs === 0) continue;
      const scale = 1 / obs;
      const stamp = t + 1;
      touchedCount = 0;
      for (let k = from; k < to; k++) {
        const i = order[k]!;
        const d = i * DN;
        const t0 = ft.tokenStart[i]!;
        const t1 = ft.tokenStart[i + 1]!;
        const w = ft.tokenWeight[i]!;
        // Forward: z.
        for (let a = 0; a < D; a++) {
          let s = 0;
          for (let j = 0; j < DN; j++) s += proj.w[a * DN + j]! * ft.dense[d + j]!;
          z[a] = s;
          gz[a] = 0;
        }
        for (let q = t0; q < t1; q++) {
          const row = ft.tokens[q]! * D;
          for (let a = 0; a < D; a++) z[a] = z[a]! + w * hashed.w[row + a]!;
        }
        // Heads.
        for (let p = h0; p < h1; p++) {
          const cell = i * HN + p;
          if (O[cell] === 0) continue;
          const y = Y[cell]!;
          let l = bias.w[p]!;
          for (let a = 0; a < D; a++) l += ability.w[p * D + a]! * z[a]!;
          for (let j = 0; j < DN; j++) l += denseW.w[p * DN + j]! * ft.dense[d + j]!;
          if (p < M || pre) {
            lossSum += Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l))) - y * l;
            lossN++;
          }
          const g = (1 / (1 + Math.exp(-l)) - y) * scale * colW[p]! * weightOf(i, p);
          bias.g[p] = bias.g[p]! + g;
          for (let a = 0; a < D; a++) {
            ability.g[p * D + a] = ability.g[p * D + a]! + g * z[a]!;
            gz[a] = gz[a]! + g * ability.w[p * D + a]!;
          }
          for (let j = 0; j < DN; j++) denseW.g[p * DN + j] = denseW.g[p * DN + j]! + g * ft.dense[d + j]!;
        }
        if (encScale === 0) continue;
        // Backward into z's inputs.
        for (let a = 0; a < D; a++) {
          const ga = gz[a]!;
          for (let j = 0; j < DN; j++) proj.g[a * DN + j] = proj.g[a * DN + j]! + ga * ft.dense[d + j]!;
        }
        for (let q = t0; q < t1; q++) {
          const bucket = ft.tokens[q]!;
          if (touchedMark[bucket] !== stamp) {
            touchedMark[bucket] = stamp;
            touched[touchedCount++] = bucket;
          }
          const row = bucket * D;
          for (let a = 0; a < D; a++) hashed.g[row + a] = hashed.g[row + a]! + w * gz[a]!;
        }
      }
      t++;
      // Linear decay within each phase.
      const phaseSteps = phaseEpochs * batches;
      const lr = o.learningRate * (1 - (1 - o.finalLrFraction) * ((t - 1 - phaseStart) / Math.max(1, phaseSteps - 1)));
      const c1 = 1 - Math.pow(BETA1, t);
      const c2 = 1 - Math.pow(BETA2, t);
      if (encScale > 0) {
        // Rows in ascending order, so the arithmetic does not depend on token order.
        touched.subarray(0, touchedCount).sort();
        for (let r = 0; r < touchedCount; r++) {
          const row = touched[r]! * D;
          hashed.step(row, row + D, lr * encScale, c1, c2, l2Hashed);
        }
        proj.step(0, proj.w.length, lr * encScale, c1, c2, o.l2);
      }
      bias.step(h0, h1, lr, c1, c2, 0);
      ability.step(h0 * D, h1 * D, lr, c1, c2, o.l2);
      denseW.step(h0 * DN, h1 * DN, lr, c1, c2, o.l2);
      if (onProgress !== undefined && (b === batches - 1 || b % 16 === 0)) {
        const loss = lossN > 0 ? lossSum / lossN : NaN;
        onProgress({ epoch: epoch + 1, epochs: totalEpochs, step: t, steps, loss, epochDone: b === batches - 1 });
      }
    }
  }

  return {
    header: {
      featureVersion: FEATURE_VERSION,
      buckets: BUCKETS,
      dim: D,
      dense: DN,
      profiles: mx.models.map((id, p) => ({ id, n: stats[p]!.n, meanQuality: stats[p]!.n > 0 ? round6(stats[p]!.meanQuality) : 0 })),
      training: {
        ...(input.training ?? {}),
        prompts: n,
        options: { ...o },
      },
    },
    hashed: Float32Array.from(hashed.w),
    denseProjection: Float32Array.from(proj.w),
    bias: Float32Array.from(bias.w.subarray(0, M)),
    ability: Float32Array.from(ability.w.subarray(0, M * D)),
    denseWeights: Float32Array.from(denseW.w.subarray(0, M * DN)),
  };
}

/** Copies `init`'s encoder and its profiles' heads (by profile id) into the parameters being trained. */
function startFrom(
  init: RouterModel,
  models: readonly string[],
  w: { hashed: Float64Array; proj: Float64Array; bias: Float64Array; ability: Float64Array; denseW: Float64Array },
  D: number,
  DN: number,
): void {
  const h = init.header;
  if (h.dim !== D || h.dense !== DN || h.buckets * D !== w.hashed.length) {
    throw new RangeError(`the model to start from has dim ${h.dim}, dense ${h.dense}, buckets ${h.buckets}; training needs dim ${D}, dense ${DN}, buckets ${w.hashed.length / D}`);
  }
  w.hashed.set(init.hashed);
  w.proj.set(init.denseProjection);
  models.forEach((id, p) => {
    const q = h.profiles.findIndex((x) => x.id === id);
    if (q < 0) throw new RangeError(`the model to start from has no profile "${id}" (it has ${h.profiles.map((x) => x.id).join(', ')})`);
    w.bias[p] = init.bias[q]!;
    w.ability.set(init.ability.subarray(q * D, (q + 1) * D), p * D);
    w.denseW.set(init.denseWeights.subarray(q * DN, (q + 1) * DN), p * DN);
  });
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
