/**
 * The scoring core: what Decide calls, synchronously, for every request. Given a prompt it
 * samples it (sampler.ts), extracts the features of feature-spec.ts v1 and scores them with the
 * loaded router model, giving each catalog model's predicted quality.
 *
 * Two implementations keep the same contract: WasmCore (wasm-core.ts, the hot path) and
 * ReferenceCore (reference-core.ts, plain TypeScript, for tests and benchmarks). They agree on
 * estimated tokens, script and token buckets exactly, on dense features within 1e-12, on
 * logits within 1e-4 and on quality within 1e-5.
 */
import { BUCKETS, DENSE_FEATURES, type Script } from './feature-spec.js';
import type { RouterModel } from '../model/router-model-file.js';

/** How one catalog model maps onto the loaded model's profiles. */
export interface CatalogEntry {
  /** Index of the profile (in the model header's `profiles`) whose logit the model takes. */
  profile: number;
  /** Added to that logit; stored as f32. quality = sigmoid(logit[profile] + shift). */
  shift: number;
}

/**
 * What `run` returns. One object per core, reused: its fields and the contents of its views
 * hold the last run's values until the next `run`, `load` or `setCatalog`. Copy what you keep.
 */
export interface CoreResult {
  /** Estimated tokens of the whole prompt (feature-spec.ts estimateTokensFromCounts). */
  estimatedTokens: number;
  /** Dominant script of the sample. */
  script: Script;
  /** The DENSE_FEATURES dense features, in DenseFeature order. */
  dense: Float64Array;
  /** Lexical tokens emitted; the first `tokenCount` entries of `tokens` are their buckets. */
  tokenCount: number;
  /** Token buckets in emission order (MAX_TOKENS long; only the first `tokenCount` count). */
  tokens: Uint32Array;
  /** UTF-8 bytes of the prompt sample the core read (at most SAMPLE_MAX_BYTES). */
  sampleBytes: number;
  /** Each profile's logit, in header order (empty until a model is loaded). */
  logits: Float64Array;
  /**
   * Each catalog model's predicted quality in [0, 1], in catalog order (empty until set), after
   * the prior `run` was given.
   */
  quality: Float64Array;
}

/**
 * How a task's tier reshapes each catalog model's logit x (router/model/task-prior.ts):
 * quality = sigmoid(gapScale · x' + lift), x' being x clamped to the logits of 1e-6 and
 * 1 − 1e-6. NO_PRIOR (1, 0) leaves quality = sigmoid(x), x unclamped.
 */
export interface TierPrior {
  gapScale: number;
  lift: number;
}

export const NO_PRIOR: TierPrior = { gapScale: 1, lift: 0 };

export interface ScoringCore {
  /**
   * Loads `model` in place of any previous one (at start-up and on hot reload; never per
   * request). Clears the catalog mapping, whose profile indices named the previous model's
   * profiles: call setCatalog again. Throws RangeError when the model is malformed or larger
   * than the core's limits; the core then has no model.
   */
  load(model: RouterModel): void;
  /**
   * Sets the catalog mapping, one entry per catalog model, in the order `quality` reports them.
   * Throws RangeError when no model is loaded, an entry names no profile of it or has a shift
   * that is not finite, or there are more entries than the core's limit; the mapping is then
   * empty.
   */
  setCatalog(entries: readonly CatalogEntry[]): void;
  /**
   * Extracts features from `text` and scores them, each catalog model's quality after `prior`
   * (NO_PRIOR by default): the prior costs nothing more than the quality does. Synchronous,
   * bounded work whatever the length of `text` (it reads at most SAMPLE_WHOLE_UNITS code
   * units), and allocates nothing beyond what the sampler needs. With no model loaded,
   * `logits` and `quality` are empty.
   */
  run(text: string, prior?: TierPrior): CoreResult;
}

/** The core's limits (assembly/constants.ts); ReferenceCore applies the same ones. */
export const CORE_LIMITS = { maxDim: 256, maxProfiles: 1024, maxCatalog: 1024 } as const;

/** Throws RangeError unless `model`'s arrays match its header and fit CORE_LIMITS. */
export function checkModel(model: RouterModel): void {
  const { dim, buckets, dense, profiles } = model.header;
  const p = profiles.length;
  if (!Number.isInteger(dim) || dim < 1 || dim > CORE_LIMITS.maxDim) throw new RangeError(`model dim ${dim} is out of range 1..${CORE_LIMITS.maxDim}`);
  if (p < 1 || p > CORE_LIMITS.maxProfiles) throw new RangeError(`model has ${p} profiles; the core takes 1..${CORE_LIMITS.maxProfiles}`);
  if (buckets !== BUCKETS || dense !== DENSE_FEATURES) throw new RangeError(`model buckets/dense ${buckets}/${dense} do not match ${BUCKETS}/${DENSE_FEATURES}`);
  const sizes: [string, Float32Array, number][] = [
    ['hashed', model.hashed, BUCKETS * dim],
    ['denseProjection', model.denseProjection, dim * DENSE_FEATURES],
    ['bias', model.bias, p],
    ['ability', model.ability, p * dim],
    ['denseWeights', model.denseWeights, p * DENSE_FEATURES],
  ];
  for (const [name, array, expected] of sizes) {
    if (array.length !== expected) throw new RangeError(`model ${name} has ${array.length} values, expected ${expected}`);
  }
}

/** Throws RangeError unless every entry names one of `profiles` profiles with a finite shift and they fit CORE_LIMITS. */
export function checkCatalog(entries: readonly CatalogEntry[], profiles: number): void {
  if (profiles === 0) throw new RangeError('no model is loaded: load one before setting the catalog');
  if (entries.length > CORE_LIMITS.maxCatalog) throw new RangeError(`catalog has ${entries.length} models; the core takes at most ${CORE_LIMITS.maxCatalog}`);
  entries.forEach((e, i) => {
    if (!Number.isInteger(e.profile) || e.profile < 0 || e.profile >= profiles) {
      throw new RangeError(`catalog entry ${i} names profile ${e.profile}; the model has ${profiles}`);
    }
    if (!Number.isFinite(e.shift)) throw new RangeError(`catalog entry ${i} has shift ${e.shift}; it must be finite`);
  });
}
