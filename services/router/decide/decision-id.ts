/**
 * Decision ids: UUIDv7 (time-ordered, so a log of them sorts by time). The random bits come from
 * a pooled buffer refilled 256 ids at a time: asking the system for 16 random bytes on every
 * decision cost more than the rest of Decide put together.
 */
import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

const POOL = new Uint8Array(16 * 256);
let next = POOL.length;

export function newDecisionId(): string {
  if (next + 16 > POOL.length) {
    randomFillSync(POOL);
    next = 0;
  }
  const random = POOL.subarray(next, next + 16);
  next += 16;
  return v7({ random });
}
