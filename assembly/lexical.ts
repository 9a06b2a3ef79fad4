/**
 * The lexical window: words of the first LEX_HEAD_BYTES and last LEX_TAIL_BYTES sample bytes
 * (the whole sample when it is no longer than both), hashed to token buckets in OUT_TOKENS.
 * feature-spec.ts defines words, tokens and hashes.
 */
import { BIGRAM_MIX, BUCKETS, FNV_OFFSET, FNV_PRIME, LEX_HEAD_BYTES, LEX_TAIL_BYTES } from './constants';
import { OUT_TOKENS } from './layout';

const BUCKET_MASK: u32 = <u32>BUCKETS - 1;

/** WORD_BYTE[c]: what a word hashes for byte c (ASCII letters lowercased), or 0 if c ends words. */
const WORD_BYTE: usize = memory.data(256);
for (let c = 0; c < 256; c++) {
  let b = 0;
  if (c >= 0x80 || (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a)) b = c;
  else if (c >= 0x41 && c <= 0x5a) b = c | 0x20;
  store<u8>(WORD_BYTE + <usize>c, <u8>b);
}

/** Words and word bytes the last hashLexicalWindow call saw. */
export let lexWords: i32 = 0;
export let lexWordBytes: i32 = 0;

/** The murmur3 32-bit finalizer. */
// @ts-ignore: decorator
@inline function fmix32(h: u32): u32 {
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  h ^= h >>> 16;
  return h;
}

/**
 * Hashes the words of `buf[start, end)` and appends their tokens to OUT_TOKENS from index
 * `count`; returns the new count. Writes a 0 at `buf[end]` while it runs (a sentinel that ends
 * the last word, so the inner loop needs no bounds check) and restores the byte.
 */
function hashRegion(buf: usize, start: i32, end: i32, count: i32): i32 {
  const last = buf + <usize>end;
  const saved = load<u8>(last);
  store<u8>(last, 0);
  let p = buf + <usize>start;
  let prev: u32 = 0;
  let hasPrev = false;
  let words = 0;
  let wordBytes = 0;
  while (true) {
    let b: u32 = 0;
    while (p < last) {
      b = load<u8>(<usize>load<u8>(p), WORD_BYTE);
      if (b != 0) break;
      p++;
    }
    if (p >= last) break;
    const first = p;
    let h = FNV_OFFSET;
    do {
      h = (h ^ b) * FNV_PRIME;
      b = load<u8>(<usize>load<u8>(++p), WORD_BYTE);
    } while (b != 0);
    wordBytes += <i32>(p - first);
    words++;
    store<u32>(OUT_TOKENS + (<usize>count << 2), fmix32(h) & BUCKET_MASK);
    count++;
    if (hasPrev) {
      store<u32>(OUT_TOKENS + (<usize>count << 2), fmix32((prev * BIGRAM_MIX) ^ h) & BUCKET_MASK);
      count++;
    }
    prev = h;
    hasPrev = true;
  }
  store<u8>(last, saved);
  lexWords += words;
  lexWordBytes += wordBytes;
  return count;
}

/**
 * Hashes the lexical window of the `len` bytes at `buf` into OUT_TOKENS; returns the token
 * count (at most MAX_TOKENS). `buf` must have a byte to spare after `len`.
 */
export function hashLexicalWindow(buf: usize, len: i32): i32 {
  lexWords = 0;
  lexWordBytes = 0;
  if (len <= LEX_HEAD_BYTES + LEX_TAIL_BYTES) return hashRegion(buf, 0, len, 0);
  const count = hashRegion(buf, 0, LEX_HEAD_BYTES, 0);
  return hashRegion(buf, len - LEX_TAIL_BYTES, len, count);
}
