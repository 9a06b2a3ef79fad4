import { describe, expect, it } from 'vitest';
import { newDecisionId } from '../../services/router/decide/decision-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('decide - decision ids', () => {
  it('are distinct UUIDv7s across more than one refill of the random pool, in time order by their prefix', () => {
    const before = Date.now();
    const ids = Array.from({ length: 2_000 }, () => newDecisionId());
    const after = Date.now();
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
    const stamps = ids.map((id) => id.replace(/-/g, '').slice(0, 12));
    expect([...stamps].sort()).toEqual(stamps);
    // The first 48 bits are the milliseconds since the epoch when the id was made.
    for (const ms of [stamps[0]!, stamps[stamps.length - 1]!].map((s) => Number.parseInt(s, 16))) {
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(after);
    }
  });
});
