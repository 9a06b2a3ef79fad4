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
 */
export function sessionHash(parts: readonly string[]): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let p = 0; p < parts.length; p++) {
    if (p > 0) {
      // Parts are joined by a NUL, as the prefix hashes join blocks.
      h1 = Math.imul(h1, 2654435761);
      h2 = Math.imul(h2, 1597334677);
    }
    const s = parts[p]!;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}
