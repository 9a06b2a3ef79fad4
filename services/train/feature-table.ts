/**
 * Every prompt's features, computed once with the TypeScript reference of the WASM core
 * (sampler.ts + features-reference.ts) and kept in flat arrays: training reads them many times
 * per epoch, evaluation once per fold.
 *
 * Tokens keep their emission order, so `featuresOf` hands the scorer exactly what the core
 * would compute for the prompt at serving time.
 */
import { DENSE_FEATURES, SAMPLE_MAX_BYTES } from '../router/core/feature-spec.js';
import { extractFeatures, newFeatures, type Features } from '../router/core/features-reference.js';
import { samplePrompt } from '../router/core/sampler.js';

export interface FeatureTable {
  n: number;
  /** n × DENSE_FEATURES. */
  dense: Float64Array;
  /** Prompt i's token buckets are tokens[tokenStart[i] .. tokenStart[i + 1]). */
  tokenStart: Uint32Array;
  tokens: Uint32Array;
  /** 1 / sqrt(token count), or 0. */
  tokenWeight: Float64Array;
  /** The core's token estimate of the whole prompt. */
  estimatedTokens: Float64Array;
}

export function computeFeatureTable(texts: readonly string[]): FeatureTable {
  const n = texts.length;
  const buf = new Uint8Array(SAMPLE_MAX_BYTES);
  const f = newFeatures();
  const dense = new Float64Array(n * DENSE_FEATURES);
  const tokenStart = new Uint32Array(n + 1);
  const tokenWeight = new Float64Array(n);
  const estimatedTokens = new Float64Array(n);
  let tokens = new Uint32Array(Math.max(1024, n * 256));
  let used = 0;
  for (let i = 0; i < n; i++) {
    const s = samplePrompt(texts[i]!, buf);
    extractFeatures(buf, s.bytes, s.totalUnits, s.sampledUnits, f);
    dense.set(f.dense, i * DENSE_FEATURES);
    if (used + f.tokenCount > tokens.length) {
      const grown = new Uint32Array(Math.max(tokens.length * 2, used + f.tokenCount));
      grown.set(tokens.subarray(0, used));
      tokens = grown;
    }
    tokens.set(f.tokens.subarray(0, f.tokenCount), used);
    used += f.tokenCount;
    tokenStart[i + 1] = used;
    tokenWeight[i] = f.tokenWeight;
    estimatedTokens[i] = f.estimatedTokens;
  }
  return { n, dense, tokenStart, tokens: tokens.slice(0, used), tokenWeight, estimatedTokens };
}

/** Prompt i's features as a Features view (no copy of tokens) for the reference scorer. */
export function featuresOf(table: FeatureTable, i: number, into: Features): Features {
  const start = table.tokenStart[i]!;
  const end = table.tokenStart[i + 1]!;
  into.dense = table.dense.subarray(i * DENSE_FEATURES, (i + 1) * DENSE_FEATURES);
  into.tokens = table.tokens.subarray(start, end);
  into.tokenCount = end - start;
  into.tokenWeight = table.tokenWeight[i]!;
  into.estimatedTokens = table.estimatedTokens[i]!;
  return into;
}

/** The rows `rows` of a table, as a new table (for a fold's training or held-out prompts). */
export function selectRows(table: FeatureTable, rows: readonly number[]): FeatureTable {
  const n = rows.length;
  const dense = new Float64Array(n * DENSE_FEATURES);
  const tokenStart = new Uint32Array(n + 1);
  const tokenWeight = new Float64Array(n);
  const estimatedTokens = new Float64Array(n);
  let total = 0;
  for (const r of rows) total += table.tokenStart[r + 1]! - table.tokenStart[r]!;
  const tokens = new Uint32Array(total);
  let used = 0;
  rows.forEach((r, i) => {
    dense.set(table.dense.subarray(r * DENSE_FEATURES, (r + 1) * DENSE_FEATURES), i * DENSE_FEATURES);
    const seg = table.tokens.subarray(table.tokenStart[r]!, table.tokenStart[r + 1]!);
    tokens.set(seg, used);
    used += seg.length;
    tokenStart[i + 1] = used;
    tokenWeight[i] = table.tokenWeight[r]!;
    estimatedTokens[i] = table.estimatedTokens[r]!;
  });
  return { n, dense, tokenStart, tokens, tokenWeight, estimatedTokens };
}
