/**
 * The byte-class counting pass: reads the sample buffer 16 bytes at a time and counts, per
 * class, the bytes that feature-spec.ts's dense features need. After countBytes, COUNTS holds
 * one i32 per ByteClass.
 *
 * Each lane keeps a u8 counter per class (a compare yields 0xff, subtracting it adds 1); every
 * 255 vectors the counters are widened into i32x4 partial sums before they can wrap. The
 * classes are counted in four short passes rather than one long one: a pass's counters and
 * constants then all fit in the 16 vector registers, where one pass over every class spills
 * them on each iteration and runs at half the speed. The sample is at most SAMPLE_MAX_BYTES,
 * so re-reading it comes from L1/L2. The non-ASCII pass runs only when the sample has a byte
 * >= 0x80; when most vectors have no ASCII byte (CJK text), the ASCII punctuation passes skip
 * those vectors.
 */
import { COUNTS, COUNT_LANES, V128_BYTES } from './layout';

export const enum ByteClass {
  /** [0-9] */
  Digit = 0,
  /** [A-Za-z] */
  Letter,
  /** [A-Z] */
  Upper,
  /** ' ' and '\t' */
  Space,
  /** '\n' */
  Newline,
  /** '?' */
  Question,
  /** . , : ! */
  Sentence,
  /** '`' */
  Backtick,
  /** { } [ ] ( ) ; < > _ | & #  (the backtick, also code punctuation, is counted apart) */
  Code,
  /** + - * / ^ = % $ \ */
  Math,
  /** bytes >= 0x80 */
  NonAscii,
  /** bytes >= 0xC0, which start a UTF-8 sequence */
  Lead,
  /** lead bytes 0xE3..0xE9 */
  Cjk,
  /** lead bytes 0xD0..0xD1 */
  Cyrillic,
  /** lead bytes 0xD6..0xDB */
  Arabic,
}
const CLASSES = 15;

/** The i32 count of class `k` after countBytes. */
// @ts-ignore: decorator
@inline export function byteCount(k: ByteClass): i32 {
  return load<i32>(COUNTS + (<usize>k << 2));
}

const ZERO = i64x2(0, 0);
/** u8 lane counters gain at most 1 per vector: widen them before they wrap. */
const VECTORS_PER_FLUSH: usize = 255;

/** Adds the u8 lane counters of `acc` to class `k`'s i32x4 partial sums. */
// @ts-ignore: decorator
@inline function flush(acc: v128, k: ByteClass): void {
  const slot = COUNT_LANES + (<usize>k << 4);
  const wide = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(acc));
  v128.store(slot, i32x4.add(v128.load(slot), wide));
}

/** Lanes where `lo <= v < lo + n` (unsigned): adding 0x80 - lo moves the range to the bottom of the signed bytes. */
// @ts-ignore: decorator
@inline function inRange(v: v128, lo: i32, n: i32): v128 {
  return i8x16.lt_s(i8x16.add(v, i8x16.splat(<i8>(0x80 - lo))), i8x16.splat(<i8>(n - 0x80)));
}

// @ts-ignore: decorator
@inline function blockEnd(p: usize, end: usize): usize {
  const e = p + VECTORS_PER_FLUSH * V128_BYTES;
  return e < end ? e : end;
}

/** Digits and letters by range; returns whether any byte is >= 0x80. */
// @ts-ignore: decorator
@inline function countAlphanumeric(buf: usize, end: usize): bool {
  let any = ZERO;
  for (let p = buf; p < end;) {
    let digit = ZERO, letter = ZERO, upper = ZERO;
    for (const e = blockEnd(p, end); p < e; p += V128_BYTES) {
      const v = v128.load(p);
      any = v128.or(any, v);
      digit = i8x16.sub(digit, inRange(v, 0x30, 10));
      letter = i8x16.sub(letter, inRange(v128.or(v, i8x16.splat(0x20)), 0x61, 26));
      upper = i8x16.sub(upper, inRange(v, 0x41, 26));
    }
    flush(digit, ByteClass.Digit);
    flush(letter, ByteClass.Letter);
    flush(upper, ByteClass.Upper);
  }
  return i8x16.bitmask(any) != 0;
}

/** Classes of one or two byte values, by equality. */
// @ts-ignore: decorator
@inline function countSingles(buf: usize, end: usize, skipNonAscii: bool): void {
  for (let p = buf; p < end;) {
    let space = ZERO, newline = ZERO, question = ZERO, backtick = ZERO;
    for (const e = blockEnd(p, end); p < e; p += V128_BYTES) {
      const v = v128.load(p);
      if (skipNonAscii && i8x16.bitmask(v) == 0xffff) continue;
      space = i8x16.sub(space, v128.or(i8x16.eq(v, i8x16.splat(0x20)), i8x16.eq(v, i8x16.splat(0x09))));
      newline = i8x16.sub(newline, i8x16.eq(v, i8x16.splat(0x0a)));
      question = i8x16.sub(question, i8x16.eq(v, i8x16.splat(0x3f)));
      backtick = i8x16.sub(backtick, i8x16.eq(v, i8x16.splat(0x60)));
    }
    flush(space, ByteClass.Space);
    flush(newline, ByteClass.Newline);
    flush(question, ByteClass.Question);
    flush(backtick, ByteClass.Backtick);
  }
}

// Punctuation classes of bytes 0x20..0x3f, 0x50..0x5f and 0x70..0x7f, one row per high nibble
// (the other rows hold none): 1 sentence, 2 code, 3 math.
//                    0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f
const ROW_2 = i8x16(  0, 1, 0, 2, 3, 3, 2, 0, 2, 2, 3, 3, 1, 3, 1, 3);
const ROW_3 = i8x16(  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 3, 2, 0);
const ROW_5 = i8x16(  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 2, 3, 2);
const ROW_7 = i8x16(  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 0, 0);

/**
 * Sentence, code and math punctuation by table lookup: `v - 16h` indexes row h for the bytes
 * of that row, and is >= 16 (swizzle gives 0) for every other byte, so OR-ing the rows looks
 * each byte up once.
 */
// @ts-ignore: decorator
@inline function countPunctuation(buf: usize, end: usize, skipNonAscii: bool): void {
  for (let p = buf; p < end;) {
    let sentence = ZERO, code = ZERO, math = ZERO;
    for (const e = blockEnd(p, end); p < e; p += V128_BYTES) {
      const v = v128.load(p);
      if (skipNonAscii && i8x16.bitmask(v) == 0xffff) continue;
      let i = i8x16.sub(v, i8x16.splat(0x20));
      let c = i8x16.swizzle(ROW_2, i);
      i = i8x16.sub(i, i8x16.splat(0x10));
      c = v128.or(c, i8x16.swizzle(ROW_3, i));
      i = i8x16.sub(i, i8x16.splat(0x20));
      c = v128.or(c, i8x16.swizzle(ROW_5, i));
      i = i8x16.sub(i, i8x16.splat(0x20));
      c = v128.or(c, i8x16.swizzle(ROW_7, i));
      sentence = i8x16.sub(sentence, i8x16.eq(c, i8x16.splat(1)));
      code = i8x16.sub(code, i8x16.eq(c, i8x16.splat(2)));
      math = i8x16.sub(math, i8x16.eq(c, i8x16.splat(3)));
    }
    flush(sentence, ByteClass.Sentence);
    flush(code, ByteClass.Code);
    flush(math, ByteClass.Math);
  }
}

/**
 * Non-ASCII bytes and UTF-8 lead bytes by bitmask popcount; scripts by lead-byte range.
 * Returns how many vectors hold no ASCII byte at all.
 */
// @ts-ignore: decorator
@inline function countNonAscii(buf: usize, end: usize): i32 {
  let nonAscii = 0, lead = 0, allHigh = 0;
  for (let p = buf; p < end;) {
    let cjk = ZERO, cyrillic = ZERO, arabic = ZERO;
    for (const e = blockEnd(p, end); p < e; p += V128_BYTES) {
      const v = v128.load(p);
      const high = i8x16.bitmask(v);
      nonAscii += popcnt(high);
      if (high == 0xffff) allHigh++;
      lead += popcnt(i8x16.bitmask(i8x16.gt_s(v, i8x16.splat(<i8>0xbf))) & high);
      cjk = i8x16.sub(cjk, inRange(v, 0xe3, 7));
      cyrillic = i8x16.sub(cyrillic, inRange(v, 0xd0, 2));
      arabic = i8x16.sub(arabic, inRange(v, 0xd6, 6));
    }
    flush(cjk, ByteClass.Cjk);
    flush(cyrillic, ByteClass.Cyrillic);
    flush(arabic, ByteClass.Arabic);
  }
  store<i32>(COUNT_LANES + (<usize>ByteClass.NonAscii << 4), nonAscii);
  store<i32>(COUNT_LANES + (<usize>ByteClass.Lead << 4), lead);
  return allHigh;
}

/**
 * Counts the byte classes of `buf[0, len)` into COUNTS. Overwrites the 16 bytes after the
 * sample with zeros (in no class), so the buffer needs that much padding.
 */
export function countBytes(buf: usize, len: i32): void {
  v128.store(buf + <usize>len, ZERO);
  for (let k = 0; k < CLASSES; k++) v128.store(COUNT_LANES + (<usize>k << 4), ZERO);
  const end = buf + ((<usize>len + 15) & ~15);
  const vectors = <i32>(end - buf) >> 4;
  const allHigh = countAlphanumeric(buf, end) ? countNonAscii(buf, end) : 0;
  // Mostly CJK-like text: the ASCII-only passes skip vectors without ASCII. For other text the
  // check would cost more than it saves, so those passes are compiled without it.
  if (allHigh * 2 > vectors) {
    countPunctuation(buf, end, true);
    countSingles(buf, end, true);
  } else {
    countPunctuation(buf, end, false);
    countSingles(buf, end, false);
  }
  for (let k = 0; k < CLASSES; k++) {
    const lanes = v128.load(COUNT_LANES + (<usize>k << 4));
    const sum = i32x4.extract_lane(lanes, 0) + i32x4.extract_lane(lanes, 1) +
      i32x4.extract_lane(lanes, 2) + i32x4.extract_lane(lanes, 3);
    store<i32>(COUNTS + (<usize>k << 2), sum);
  }
}
