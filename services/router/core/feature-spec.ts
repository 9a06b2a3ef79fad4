/**
 * Feature specification, version 1: the contract between the prompt sampler, the WASM core
 * (`assembly/`), its TypeScript reference, the trainer and the router-model file.
 *
 * A prompt (a JS string of L UTF-16 code units) is sampled, never read whole:
 *   - L <= SAMPLE_WHOLE_UNITS: the whole string;
 *   - otherwise the first HEAD_UNITS, MIDDLE_CHUNKS evenly spaced chunks of CHUNK_UNITS, and
 *     the last TAIL_UNITS code units, in that order.
 * The sampled pieces are UTF-8 encoded one after the other into one byte buffer (the only copy
 * of prompt text the core ever sees), so the work per prompt is bounded by SAMPLE_MAX_BYTES
 * whatever the prompt's size.
 *
 * From the sample buffer the core computes:
 *   - DENSE_FEATURES dense features (f64; see DenseFeature), byte-class counts scaled by
 *     L / sampledUnits so that they describe the whole prompt;
 *   - the lexical window: the first LEX_HEAD_BYTES and the last LEX_TAIL_BYTES of the buffer
 *     (the whole buffer when it holds at most LEX_HEAD_BYTES + LEX_TAIL_BYTES), split into
 *     words (runs of ASCII letters and digits and of bytes >= 0x80, ASCII lowercased); each
 *     word yields a unigram token and, after the first word of a region, a bigram token; a
 *     token is a bucket in [0, BUCKETS). Every token carries weight 1 / sqrt(tokens).
 *
 * Hashes are 32-bit: FNV-1a over the lowercased bytes of a word, then the murmur3 finalizer.
 * Changing anything here changes the feature space: bump FEATURE_VERSION and retrain.
 */
export const FEATURE_VERSION = 1;

export const SAMPLE_WHOLE_UNITS = 8192;
export const HEAD_UNITS = 4096;
export const TAIL_UNITS = 2048;
export const MIDDLE_CHUNKS = 8;
export const CHUNK_UNITS = 256;
/** Upper bound of the sample buffer: each UTF-16 code unit encodes to at most 3 bytes. */
export const SAMPLE_MAX_BYTES = SAMPLE_WHOLE_UNITS * 3;

export const LEX_HEAD_BYTES = 1536;
export const LEX_TAIL_BYTES = 512;
/** At most one unigram and one bigram per two bytes of the lexical window. */
export const MAX_TOKENS = LEX_HEAD_BYTES + LEX_TAIL_BYTES;

export const BUCKET_BITS = 14;
export const BUCKETS = 1 << BUCKET_BITS;

export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;
export const BIGRAM_MIX = 0x9e3779b1;

/** Dense features, in order. Fractions are of the (scaled) byte count. */
export enum DenseFeature {
  LogBytes = 0, // ln(1 + estimated UTF-8 bytes) / 10
  LogTokens, // ln(1 + estimated tokens) / 10
  Digits, // [0-9]
  Upper, // [A-Z]
  Space, // ' ' and '\t'
  Newline, // '\n'
  NonAscii, // bytes >= 0x80
  CodePunct, // { } [ ] ( ) ; < > _ | & # `
  MathOps, // + - * / ^ = % $ \
  Questions, // ln(1 + count of '?') / 4
  SentencePunct, // . , : !
  WordLength, // mean lexical-window word length in bytes / 10
  Cjk, // 3-byte sequences led by 0xE3..0xE9 (CJK, kana, hangul), as bytes
  Cyrillic, // 2-byte sequences led by 0xD0..0xD1, as bytes
  ArabicHebrew, // 2-byte sequences led by 0xD6..0xDB, as bytes
  Backticks, // '`' per byte, a code-fence signal
}
export const DENSE_FEATURES = 16;

/** Dominant script of the sample, as the core reports it. */
export enum Script {
  Latin = 0,
  Cjk = 1,
  Cyrillic = 2,
  ArabicHebrew = 3,
  Other = 4,
}
export const SCRIPT_NAMES = ['latin', 'cjk', 'cyrillic', 'arabic-hebrew', 'other'] as const;

/** Token estimate: ASCII bytes / 4 plus one token per non-ASCII character. */
export function estimateTokensFromCounts(asciiBytes: number, nonAsciiLeads: number): number {
  return Math.ceil(asciiBytes / 4 + nonAsciiLeads);
}
