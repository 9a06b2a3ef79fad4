/**
 * The core's fixed memory areas, laid out once in static data. JS reaches them through the
 * pointers index.ts exports and keeps typed-array views on them; nothing here moves, and
 * nothing is allocated per call. The model lives after the static data (model.ts).
 */
import { DENSE_FEATURES, MAX_CATALOG, MAX_DIM, MAX_PROFILES, MAX_TOKENS, SAMPLE_MAX_BYTES } from './constants';

/** Vector width in bytes; every area is aligned to it. */
export const V128_BYTES: i32 = 16;

/**
 * Input: the sampled prompt, UTF-8, written by JS (SAMPLE_MAX_BYTES bytes). The 16 bytes after
 * it are padding that the counting pass may zero, so that it always reads whole vectors.
 */
export const SAMPLE: usize = memory.data(SAMPLE_MAX_BYTES + V128_BYTES, V128_BYTES);

/** Input: catalog model c's profile index (i32) and logit shift (f32), written by JS. */
export const CATALOG_PROFILE: usize = memory.data(MAX_CATALOG * 4, V128_BYTES);
export const CATALOG_SHIFT: usize = memory.data(MAX_CATALOG * 4, V128_BYTES);

/** Output: estimated tokens (f64), then script (i32) and token count (i32). */
export const OUT_SCALARS: usize = memory.data(16, V128_BYTES);
export const OUT_ESTIMATED_TOKENS: usize = OUT_SCALARS;
export const OUT_SCRIPT: usize = OUT_SCALARS + 8;
export const OUT_TOKEN_COUNT: usize = OUT_SCALARS + 12;

/** Output: the dense features (f64 × DENSE_FEATURES). */
export const OUT_DENSE: usize = memory.data(DENSE_FEATURES * 8, V128_BYTES);
/** Output: the bucket of each lexical token in emission order (u32 × token count). */
export const OUT_TOKENS: usize = memory.data(MAX_TOKENS * 4, V128_BYTES);
/** Output: each profile's logit (f64 × profiles). */
export const OUT_LOGITS: usize = memory.data(MAX_PROFILES * 8, V128_BYTES);
/** Output: each catalog model's quality (f64 × catalog size). */
export const OUT_QUALITY: usize = memory.data(MAX_CATALOG * 8, V128_BYTES);

/** Scratch: byte-class counts (i32 × 16, one per ByteClass) and their i32x4 partial sums. */
export const COUNTS: usize = memory.data(16 * 4, V128_BYTES);
export const COUNT_LANES: usize = memory.data(16 * V128_BYTES, V128_BYTES);
/** Scratch: the latent prompt vector z (f32 × dim) and the dense features as f32. */
export const Z: usize = memory.data(MAX_DIM * 4, V128_BYTES);
export const DENSE_F32: usize = memory.data(DENSE_FEATURES * 4, V128_BYTES);
