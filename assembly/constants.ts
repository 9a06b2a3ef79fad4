/**
 * Feature specification, version 1, as the core compiles it. Mirrors
 * services/router/core/feature-spec.ts value for value (that file is the contract and explains
 * each constant); test/core/wasm-agreement.test.ts checks the exported copies against it.
 */
export const FEATURE_VERSION: i32 = 1;

export const SAMPLE_WHOLE_UNITS: i32 = 8192;
export const HEAD_UNITS: i32 = 4096;
export const TAIL_UNITS: i32 = 2048;
export const MIDDLE_CHUNKS: i32 = 8;
export const CHUNK_UNITS: i32 = 256;
export const SAMPLE_MAX_BYTES: i32 = SAMPLE_WHOLE_UNITS * 3;

export const LEX_HEAD_BYTES: i32 = 1536;
export const LEX_TAIL_BYTES: i32 = 512;
export const MAX_TOKENS: i32 = LEX_HEAD_BYTES + LEX_TAIL_BYTES;

export const BUCKET_BITS: i32 = 14;
export const BUCKETS: i32 = 1 << BUCKET_BITS;

export const FNV_OFFSET: u32 = 0x811c9dc5;
export const FNV_PRIME: u32 = 0x01000193;
export const BIGRAM_MIX: u32 = 0x9e3779b1;

export const DENSE_FEATURES: i32 = 16;

/** Index of each dense feature in the output (feature-spec.ts `DenseFeature`). */
export enum DenseFeature {
  LogBytes = 0,
  LogTokens,
  Digits,
  Upper,
  Space,
  Newline,
  NonAscii,
  CodePunct,
  MathOps,
  Questions,
  SentencePunct,
  WordLength,
  Cjk,
  Cyrillic,
  ArabicHebrew,
  Backticks,
}

/** Dominant script (feature-spec.ts `Script`). */
export enum Script {
  Latin = 0,
  Cjk = 1,
  Cyrillic = 2,
  ArabicHebrew = 3,
  Other = 4,
}

/**
 * Limits of this build, not of the feature space: the router-model file allows dim 1..256; the
 * profile and catalog limits size the fixed output areas (8 KB each).
 */
export const MAX_DIM: i32 = 256;
export const MAX_PROFILES: i32 = 1024;
export const MAX_CATALOG: i32 = 1024;
