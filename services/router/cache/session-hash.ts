/**
 * The hash a session key is made of when the request names no session: 64 bits from two
 * 32-bit multiply-xorshift lanes over the UTF-16 units (cyrb53's mixing, both lanes kept).
 *
 * Why not SHA-256, as the prefix hashes of the bus contract are: the key never leaves this
 * process (an LRU of session → model), so it needs no agreed definition, and it needs no
 * collision resistance either. Whoever could make a prompt whose key equals another
 * conversation's could as well send that conversation's leading prefix itself, which gives the
 * same key by design; and an accidental collision (about n² / 2^65 for n sessions) only makes
 * one conversation prefer the other's model when that model is eligible and within the
 * stickiness margin of the best utility. Two SHA-256 hashes per request were a third of Decide.
 *
 * A block is given as its parts (a block is their concatenation, never built here) and a long
 * one is read only at its ends, `SESSION_SAMPLE` units of each, with its length between them:
 * two conversations whose opening blocks agree at both ends and in length share a key, which
 * costs no more than the collision above, and the key of a 4 KB prompt costs a few hundred
 * multiplications instead of copying and hashing two of its kilobytes.
 */

/** Units read from each end of a block longer than twice this. */
export const SESSION_SAMPLE = 256;

/** The code units a block's hash reads: [text, from, to) ranges of its parts, with a length marker between a long block's ends. */
const ranges: (string | number)[] = [];

/** Adds the ranges of units [from, to) of the concatenation of `parts`. */
function addRanges(parts: readonly string[], from: number, to: number): void {
  let start = 0;
  for (let p = 0; p < parts.length && start < to; p++) {
    const s = parts[p]!;
    const end = start + s.length;
    if (end > from) ranges.push(s, Math.max(from, start) - start, Math.min(to, end) - start);
    start = end;
  }
}

/** The hash of `blocks`, each the concatenation of its parts, joined by a NUL as the prefix hashes join them. */
export function sessionHash(blocks: readonly (readonly string[])[]): string {
  ranges.length = 0;
  for (let b = 0; b < blocks.length; b++) {
    // A block after the first starts with its joining NUL, hashed as an empty range marked -1.
    if (b > 0) ranges.push('', -1, 0);
    const parts = blocks[b]!;
    let length = 0;
    for (const s of parts) length += s.length;
    if (length <= 2 * SESSION_SAMPLE) addRanges(parts, 0, length);
    else {
      addRanges(parts, 0, SESSION_SAMPLE);
      // The length between the ends, as one unit no text unit equals (a UTF-16 unit is < 2^16).
      ranges.push('', 0x10000 + length, 0);
      addRanges(parts, length - SESSION_SAMPLE, length);
    }
  }
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let r = 0; r < ranges.length; r += 3) {
    const s = ranges[r] as string;
    const from = ranges[r + 1] as number;
    const to = ranges[r + 2] as number;
    if (s === '') {
      if (from === -1) {
        h1 = Math.imul(h1, 2654435761);
        h2 = Math.imul(h2, 1597334677);
      } else {
        h1 = Math.imul(h1 ^ from, 2654435761);
        h2 = Math.imul(h2 ^ from, 1597334677);
      }
      continue;
    }
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
  }
  const a = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  const b = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
  return (b >>> 0).toString(16).padStart(8, '0') + (a >>> 0).toString(16).padStart(8, '0');
}
