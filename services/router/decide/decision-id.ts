/**
 * Decision ids: UUIDv7 (RFC 9562; time-ordered, so a log of them sorts by time): 48 bits of
 * milliseconds since the epoch, the version (7), 74 random bits and the variant (10).
 *
 * An id is two strings joined: the time part, made again only when the millisecond changes,
 * and a random part cut from a string of 256 of them, made from one buffer of system random
 * bytes at a time. Asking the system for 16 random bytes on every decision cost more than the
 * rest of Decide put together, and formatting 16 bytes through a table of 256 strings touched
 * memory that a decision made after a pause finds cold.
 */
import { randomFillSync } from 'node:crypto';

const IDS_PER_REFILL = 256;
/** Random bytes per id: 12 bits after the version, 62 after the variant, in 10 bytes. */
const RANDOM_BYTES = 10;
/** "-7xxx-yxxx-xxxxxxxxxxxx": the id after its time part. */
const TAIL = 23;

const random = new Uint8Array(RANDOM_BYTES * IDS_PER_REFILL);
let tails = '';
let next = IDS_PER_REFILL;
let lastMs = -1;
let head = '';

const hex = (byte: number) => (byte < 16 ? '0' : '') + byte.toString(16);

/** IDS_PER_REFILL random parts, each "-7xxx-yxxx-xxxxxxxxxxxx" with y the variant (8, 9, a or b). */
function refill(): void {
  randomFillSync(random);
  const parts: string[] = [];
  for (let i = 0; i < IDS_PER_REFILL; i++) {
    const r = random.subarray(i * RANDOM_BYTES, (i + 1) * RANDOM_BYTES);
    let rest = '';
    for (let k = 4; k < RANDOM_BYTES; k++) rest += hex(r[k]!);
    parts.push(`-7${(r[0]! & 0x0f).toString(16)}${hex(r[1]!)}-${hex(0x80 | (r[2]! & 0x3f))}${hex(r[3]!)}-${rest}`);
  }
  tails = parts.join('');
  next = 0;
}

export function newDecisionId(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    const h = ms.toString(16).padStart(12, '0');
    head = `${h.slice(0, 8)}-${h.slice(8, 12)}`;
    lastMs = ms;
  }
  if (next === IDS_PER_REFILL) refill();
  const at = next++ * TAIL;
  return head + tails.slice(at, at + TAIL);
}
