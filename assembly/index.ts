/**
 * The Switchyard core's exports: nothing but re-exports. services/router/core/wasm-core.ts is
 * the JS side; io.ts documents each call.
 */
export {
  samplePtr,
  catalogProfilePtr,
  catalogShiftPtr,
  scalarsPtr,
  densePtr,
  tokensPtr,
  logitsPtr,
  qualityPtr,
  reserve,
  run,
} from './io';
export { setCatalog } from './catalog';
export {
  FEATURE_VERSION,
  SAMPLE_WHOLE_UNITS,
  HEAD_UNITS,
  TAIL_UNITS,
  MIDDLE_CHUNKS,
  CHUNK_UNITS,
  SAMPLE_MAX_BYTES,
  LEX_HEAD_BYTES,
  LEX_TAIL_BYTES,
  MAX_TOKENS,
  BUCKET_BITS,
  BUCKETS,
  FNV_OFFSET,
  FNV_PRIME,
  BIGRAM_MIX,
  DENSE_FEATURES,
  MAX_DIM,
  MAX_PROFILES,
  MAX_CATALOG,
} from './constants';
