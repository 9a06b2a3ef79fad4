/**
 * The loaded router model: its f32 arrays, laid out after the static data in the order of the
 * router-model file (services/router/model/router-model-file.ts):
 *   hashed [BUCKETS × dim], denseProjection [dim × DENSE_FEATURES], bias [profiles],
 *   ability [profiles × dim], denseWeights [profiles × DENSE_FEATURES].
 * reserveModel lays the region out (growing memory when it must) and JS copies the arrays to
 * the pointer it returns. That happens at load and on hot reload, never per call.
 */
import { BUCKETS, DENSE_FEATURES, MAX_DIM, MAX_PROFILES } from './constants';

/** Model dimensions; 0 until a model is reserved. */
export let modelDim: i32 = 0;
export let modelProfiles: i32 = 0;

export let hashedPtr: usize = 0;
export let projectionPtr: usize = 0;
export let biasPtr: usize = 0;
export let abilityPtr: usize = 0;
export let denseWeightsPtr: usize = 0;

/** Rows of `hashed` start on cache lines when dim is a multiple of 16. */
const MODEL_ALIGN: usize = 64;

/** f32 values in a model of `dim` and `profiles` (the five arrays together). */
function modelFloats(dim: i32, profiles: i32): i32 {
  return BUCKETS * dim + dim * DENSE_FEATURES + profiles + profiles * dim + profiles * DENSE_FEATURES;
}

/**
 * Lays out room for a model of `dim` (1..MAX_DIM) and `profiles` (1..MAX_PROFILES) and returns
 * where JS must copy its arrays, back to back; 0 when the sizes are out of range or memory
 * cannot grow, leaving no model loaded. Growing memory detaches JS views on it.
 */
export function reserveModel(dim: i32, profiles: i32): usize {
  modelDim = 0;
  modelProfiles = 0;
  if (dim < 1 || dim > MAX_DIM || profiles < 1 || profiles > MAX_PROFILES) return 0;
  const base = (__heap_base + MODEL_ALIGN - 1) & ~(MODEL_ALIGN - 1);
  const end = base + (<usize>modelFloats(dim, profiles) << 2);
  const pages = <i32>((end + 0xffff) >>> 16);
  const have = memory.size();
  if (pages > have && memory.grow(pages - have) < 0) return 0;

  hashedPtr = base;
  projectionPtr = hashedPtr + (<usize>(BUCKETS * dim) << 2);
  biasPtr = projectionPtr + (<usize>(dim * DENSE_FEATURES) << 2);
  abilityPtr = biasPtr + (<usize>profiles << 2);
  denseWeightsPtr = abilityPtr + (<usize>(profiles * dim) << 2);
  modelDim = dim;
  modelProfiles = profiles;
  return base;
}
