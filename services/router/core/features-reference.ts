/**
 * Plain TypeScript reference of the WASM core's feature extraction (feature-spec.ts, v1).
 * Used by the trainer, by the tests that hold the WASM core to it, and by the benchmarks.
 * Dense features agree with the core within 1e-12 (the two use different `log`
 * implementations); token buckets agree exactly.
 */
import {
  BIGRAM_MIX,
  BUCKETS,
  DENSE_FEATURES,
  DenseFeature,
  FNV_OFFSET,
  FNV_PRIME,
  LEX_HEAD_BYTES,
  LEX_TAIL_BYTES,
  MAX_TOKENS,
  Script,
  estimateTokensFromCounts,
} from './feature-spec.js';

export interface Features {
  dense: Float64Array;
  /** Bucket of each emitted token, in emission order; the first `tokenCount` are valid. */
  tokens: Uint32Array;
  tokenCount: number;
  /** Weight of every token: 1 / sqrt(tokenCount), or 0. */
  tokenWeight: number;
  estimatedTokens: number;
  script: Script;
}

export function newFeatures(): Features {
  return {
    dense: new Float64Array(DENSE_FEATURES),
    tokens: new Uint32Array(MAX_TOKENS),
    tokenCount: 0,
    tokenWeight: 0,
    estimatedTokens: 0,
    script: Script.Latin,
  };
}

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const MASK = BUCKETS - 1;

/** Extracts features from `len` sample bytes of `buf` into `out`. */
export function extractFeatures(
  buf: Uint8Array,
  len: number,
  totalUnits: number,
  sampledUnits: number,
  out: Features,
): Features {
  let digits = 0, upper = 0, letters = 0, space = 0, newline = 0, nonAscii = 0, leads = 0;
  let codePunct = 0, mathOps = 0, questions = 0, sentence = 0, backticks = 0;
  let cjk = 0, cyrillic = 0, arabic = 0;
  for (let i = 0; i < len; i++) {
    const c = buf[i]!;
    if (c >= 0x80) {
      nonAscii++;
      if (c >= 0xc0) {
        leads++;
        if (c >= 0xe3 && c <= 0xe9) cjk++;
        else if (c === 0xd0 || c === 0xd1) cyrillic++;
        else if (c >= 0xd6 && c <= 0xdb) arabic++;
      }
      continue;
    }
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c >= 0x41 && c <= 0x5a) { upper++; letters++; }
    else if (c >= 0x61 && c <= 0x7a) letters++;
    else if (c === 0x20 || c === 0x09) space++;
    else if (c === 0x0a) newline++;
    else if (c === 0x3f) questions++;
    else if (c === 0x2e || c === 0x2c || c === 0x3a || c === 0x21) sentence++;
    else if (c === 0x60) { backticks++; codePunct++; }
    else if (
      c === 0x7b || c === 0x7d || c === 0x5b || c === 0x5d || c === 0x28 || c === 0x29 ||
      c === 0x3b || c === 0x3c || c === 0x3e || c === 0x5f || c === 0x7c || c === 0x26 || c === 0x23
    ) codePunct++;
    else if (
      c === 0x2b || c === 0x2d || c === 0x2a || c === 0x2f || c === 0x5e || c === 0x3d ||
      c === 0x25 || c === 0x24 || c === 0x5c
    ) mathOps++;
  }

  const scale = sampledUnits > 0 ? totalUnits / sampledUnits : 1;
  const estimatedTokens = estimateTokensFromCounts((len - nonAscii) * scale, leads * scale);
  const d = out.dense;
  const inv = len > 0 ? 1 / len : 0;
  d[DenseFeature.LogBytes] = Math.log(1 + len * scale) / 10;
  d[DenseFeature.LogTokens] = Math.log(1 + estimatedTokens) / 10;
  d[DenseFeature.Digits] = digits * inv;
  d[DenseFeature.Upper] = upper * inv;
  d[DenseFeature.Space] = space * inv;
  d[DenseFeature.Newline] = newline * inv;
  d[DenseFeature.NonAscii] = nonAscii * inv;
  d[DenseFeature.CodePunct] = codePunct * inv;
  d[DenseFeature.MathOps] = mathOps * inv;
  d[DenseFeature.Questions] = Math.log(1 + questions * scale) / 4;
  d[DenseFeature.SentencePunct] = sentence * inv;
  d[DenseFeature.Cjk] = cjk * 3 * inv;
  d[DenseFeature.Cyrillic] = cyrillic * 2 * inv;
  d[DenseFeature.ArabicHebrew] = arabic * 2 * inv;
  d[DenseFeature.Backticks] = backticks * inv;

  // Lexical window.
  let count = 0, words = 0, wordBytes = 0;
  const regions = len <= LEX_HEAD_BYTES + LEX_TAIL_BYTES ? 1 : 2;
  for (let r = 0; r < regions; r++) {
    const start = r === 0 ? 0 : len - LEX_TAIL_BYTES;
    const end = regions === 1 ? len : r === 0 ? LEX_HEAD_BYTES : len;
    let h = FNV_OFFSET, inWord = false, prev = 0, hasPrev = false;
    for (let i = start; i <= end; i++) {
      const c = i < end ? buf[i]! : 0;
      const lc = c | 0x20;
      const isWord = c >= 0x80 || (c >= 0x30 && c <= 0x39) || (lc >= 0x61 && lc <= 0x7a);
      if (isWord) {
        const b = c >= 0x41 && c <= 0x5a ? lc : c;
        h = Math.imul(h ^ b, FNV_PRIME) >>> 0;
        inWord = true;
        wordBytes++;
      } else if (inWord) {
        out.tokens[count++] = fmix32(h) & MASK;
        if (hasPrev) out.tokens[count++] = fmix32((Math.imul(prev, BIGRAM_MIX) ^ h) >>> 0) & MASK;
        prev = h;
        hasPrev = true;
        words++;
        h = FNV_OFFSET;
        inWord = false;
      }
    }
  }
  d[DenseFeature.WordLength] = words > 0 ? wordBytes / words / 10 : 0;

  let script = Script.Latin;
  let best = letters;
  const other = leads - cjk - cyrillic - arabic;
  if (cjk > best) { best = cjk; script = Script.Cjk; }
  if (cyrillic > best) { best = cyrillic; script = Script.Cyrillic; }
  if (arabic > best) { best = arabic; script = Script.ArabicHebrew; }
  if (other > best) { script = Script.Other; }

  out.tokenCount = count;
  out.tokenWeight = count > 0 ? 1 / Math.sqrt(count) : 0;
  out.estimatedTokens = estimatedTokens;
  out.script = script;
  return out;
}
