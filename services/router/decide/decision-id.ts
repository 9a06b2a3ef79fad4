/**
 * Decision ids: UUIDv7 (RFC 9562: time-ordered, so a log of them sorts by time): 48 bits of
 * milliseconds since the epoch, the version 7, 12 random bits, the variant 10, 62 random bits.
 * The random bits come from a pooled buffer refilled for 409 ids at a time (asking the system
 * for random bytes on every decision cost more than the rest of Decide put together), and the
 * id is written from a table of hex pairs in one expression: the uuid package's v7 made a byte
 * array, then a string it lowercased, for each id.
 */
import { randomFillSync } from 'node:crypto';

/** Random bytes an id takes: 12 + 62 bits, rounded up to whole bytes. */
const RANDOM_BYTES = 10;
const POOL = new Uint8Array(4096);
let next = POOL.length;

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => (i + 0x100).toString(16).slice(1));

export function newDecisionId(): string {
  if (next + RANDOM_BYTES > POOL.length) {
    randomFillSync(POOL);
    next = 0;
  }
  const r = POOL;
  const o = next;
  next += RANDOM_BYTES;
  const ms = Date.now();
  const high = Math.floor(ms / 0x1_0000_0000); // the top 16 of the 48 bits
  const low = ms >>> 0;
  return (
    HEX[(high >>> 8) & 0xff]! +
    HEX[high & 0xff]! +
    HEX[low >>> 24]! +
    HEX[(low >>> 16) & 0xff]! +
    '-' +
    HEX[(low >>> 8) & 0xff]! +
    HEX[low & 0xff]! +
    '-' +
    HEX[0x70 | (r[o]! & 0x0f)]! +
    HEX[r[o + 1]!]! +
    '-' +
    HEX[0x80 | (r[o + 2]! & 0x3f)]! +
    HEX[r[o + 3]!]! +
    '-' +
    HEX[r[o + 4]!]! +
    HEX[r[o + 5]!]! +
    HEX[r[o + 6]!]! +
    HEX[r[o + 7]!]! +
    HEX[r[o + 8]!]! +
    HEX[r[o + 9]!]!
  );
}
