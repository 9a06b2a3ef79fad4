/**
 * Scoring: each profile's logit for the features just extracted, and each catalog model's
 * quality. The formula is router-model-file.ts's:
 *   z = denseProjection · d + w Σ hashed[t_i],   logit_p = bias_p + ability_p · z + denseWeights_p · d
 * Sums run in f32x4 lanes over dim, so logits agree with services/router/core/scorer-reference.ts
 * (f64 throughout) within 1e-4.
 */
import { DENSE_FEATURES } from './constants';
import { ACTIVE_PROFILE, ACTIVE_SHIFT, catalogSize } from './catalog';
import { DENSE_F32, OUT_DENSE, OUT_LOGITS, OUT_QUALITY, OUT_TOKENS, Z } from './layout';
import { abilityPtr, biasPtr, denseWeightsPtr, hashedPtr, modelDim, modelProfiles, projectionPtr } from './model';

const ZERO = f32x4.splat(0);

// @ts-ignore: decorator
@inline function sumLanes(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// @ts-ignore: decorator
@inline function madd(acc: v128, a: v128, b: v128): v128 {
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** The vectors at byte `offset` of the rows at `ra` and `rb`, summed. */
// @ts-ignore: decorator
@inline function pairSum(ra: usize, rb: usize, offset: usize): v128 {
  return f32x4.add(v128.load(ra + offset), v128.load(rb + offset));
}

/**
 * Z[k0, k0 + 4·lanes) = w Σ hashed[t][k0..]: one pass over the tokens with `lanes` (1..4)
 * vector accumulators. Tokens are taken in pairs whose rows are summed first, so each
 * accumulator waits on one add per two tokens, and the live vectors still fit in registers.
 */
// @ts-ignore: decorator
@inline function sumTokenRows(count: i32, w: v128, k0: i32, lanes: i32): void {
  const rowBytes = <usize>modelDim << 2;
  const base = hashedPtr + (<usize>k0 << 2);
  let a0 = ZERO, a1 = ZERO, a2 = ZERO, a3 = ZERO;
  const pairs = OUT_TOKENS + (<usize>(count >> 1) << 3);
  for (let t = OUT_TOKENS; t < pairs; t += 8) {
    const ra = base + <usize>load<u32>(t) * rowBytes;
    const rb = base + <usize>load<u32>(t, 4) * rowBytes;
    a0 = f32x4.add(a0, pairSum(ra, rb, 0));
    if (lanes > 1) a1 = f32x4.add(a1, pairSum(ra, rb, 16));
    if (lanes > 2) a2 = f32x4.add(a2, pairSum(ra, rb, 32));
    if (lanes > 3) a3 = f32x4.add(a3, pairSum(ra, rb, 48));
  }
  if (count & 1) {
    const ra = base + <usize>load<u32>(pairs) * rowBytes;
    a0 = f32x4.add(a0, v128.load(ra));
    if (lanes > 1) a1 = f32x4.add(a1, v128.load(ra, 16));
    if (lanes > 2) a2 = f32x4.add(a2, v128.load(ra, 32));
    if (lanes > 3) a3 = f32x4.add(a3, v128.load(ra, 48));
  }
  const z = Z + (<usize>k0 << 2);
  v128.store(z, f32x4.mul(a0, w));
  if (lanes > 1) v128.store(z, f32x4.mul(a1, w), 16);
  if (lanes > 2) v128.store(z, f32x4.mul(a2, w), 32);
  if (lanes > 3) v128.store(z, f32x4.mul(a3, w), 48);
}

/** Z = w Σ hashed[t] over the `count` tokens in OUT_TOKENS, 16 dims per pass. */
function sumTokens(count: i32, weight: f32): void {
  const dim = modelDim;
  const w = f32x4.splat(weight);
  let k = 0;
  for (; k + 16 <= dim; k += 16) sumTokenRows(count, w, k, 4);
  const vectors = (dim - k) >> 2;
  if (vectors == 3) sumTokenRows(count, w, k, 3);
  else if (vectors == 2) sumTokenRows(count, w, k, 2);
  else if (vectors == 1) sumTokenRows(count, w, k, 1);
  k += vectors << 2;
  for (; k < dim; k++) {
    let s: f32 = 0;
    for (let t = 0; t < count; t++) {
      s += load<f32>(hashedPtr + ((<usize>load<u32>(OUT_TOKENS + (<usize>t << 2)) * <usize>dim + <usize>k) << 2));
    }
    store<f32>(Z + (<usize>k << 2), s * weight);
  }
}

/** Z += denseProjection · d, with d as four f32x4 vectors. */
function addDenseProjection(d0: v128, d1: v128, d2: v128, d3: v128): void {
  const dim = modelDim;
  for (let k = 0; k < dim; k++) {
    const row = projectionPtr + (<usize>k << 6);
    let s = f32x4.mul(v128.load(row), d0);
    s = madd(s, v128.load(row, 16), d1);
    s = madd(s, v128.load(row, 32), d2);
    s = madd(s, v128.load(row, 48), d3);
    const z = Z + (<usize>k << 2);
    store<f32>(z, load<f32>(z) + sumLanes(s));
  }
}

/** OUT_LOGITS[p] = bias_p + ability_p · Z + denseWeights_p · d for every profile. */
function scoreEachProfile(d0: v128, d1: v128, d2: v128, d3: v128): void {
  const dim = modelDim;
  const rowBytes = <usize>dim << 2;
  const vectorEnd = <usize>(dim & ~3) << 2;
  for (let p = 0; p < modelProfiles; p++) {
    const ability = abilityPtr + <usize>p * rowBytes;
    const dense = denseWeightsPtr + (<usize>p << 6);
    let acc = f32x4.mul(v128.load(dense), d0);
    acc = madd(acc, v128.load(dense, 16), d1);
    acc = madd(acc, v128.load(dense, 32), d2);
    acc = madd(acc, v128.load(dense, 48), d3);
    let o: usize = 0;
    for (; o < vectorEnd; o += 16) acc = madd(acc, v128.load(ability + o), v128.load(Z + o));
    let s = sumLanes(acc);
    for (; o < rowBytes; o += 4) s += load<f32>(ability + o) * load<f32>(Z + o);
    store<f64>(OUT_LOGITS + (<usize>p << 3), <f64>load<f32>(biasPtr + (<usize>p << 2)) + <f64>s);
  }
}

/**
 * The bounds of a quality's logit, as services/router/model/segment-corrections.ts logitOf
 * clamps it: the logits of 1 − 1e-6 and 1e-6, to the last digit.
 */
const LOGIT_MAX: f64 = 13.815509557935018;
const LOGIT_MIN: f64 = -13.815509557963773;

/**
 * OUT_QUALITY[c] = sigmoid(x) for the committed catalog, x = logit[profile_c] + shift_c, or
 * with a task tier's prior (services/router/model/task-prior.ts) sigmoid(gapScale · x' + lift),
 * x' being x clamped as logitOf clamps it. A gap scale of 1 and a lift of 0 is no prior: x is
 * not clamped.
 */
function scoreCatalog(gapScale: f64, lift: f64): void {
  const prior = gapScale != 1.0 || lift != 0.0;
  for (let c = 0; c < catalogSize; c++) {
    const p = load<i32>(ACTIVE_PROFILE + (<usize>c << 2));
    let x = load<f64>(OUT_LOGITS + (<usize>p << 3)) + <f64>load<f32>(ACTIVE_SHIFT + (<usize>c << 2));
    if (prior) x = gapScale * min(LOGIT_MAX, max(LOGIT_MIN, x)) + lift;
    store<f64>(OUT_QUALITY + (<usize>c << 3), 1.0 / (1.0 + Math.exp(-x)));
  }
}

/**
 * Scores the features in OUT_DENSE and the `tokenCount` tokens in OUT_TOKENS with the loaded
 * model, each catalog model's quality after the prior (gapScale, lift): see scoreCatalog. Does
 * nothing when no model is loaded.
 */
export function score(tokenCount: i32, gapScale: f64, lift: f64): void {
  if (modelDim == 0) return;
  for (let j = 0; j < DENSE_FEATURES; j++) {
    store<f32>(DENSE_F32 + (<usize>j << 2), <f32>load<f64>(OUT_DENSE + (<usize>j << 3)));
  }
  const d0 = v128.load(DENSE_F32), d1 = v128.load(DENSE_F32, 16);
  const d2 = v128.load(DENSE_F32, 32), d3 = v128.load(DENSE_F32, 48);
  const weight: f32 = tokenCount > 0 ? <f32>(1.0 / Math.sqrt(<f64>tokenCount)) : 0;
  sumTokens(tokenCount, weight);
  addDenseProjection(d0, d1, d2, d3);
  scoreEachProfile(d0, d1, d2, d3);
  scoreCatalog(gapScale, lift);
}
