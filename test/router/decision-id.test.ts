import { describe, expect, it } from 'vitest';
import { newDecisionId } from '../../services/router/decide/decision-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('decide - decision ids', () => {
  it('are distinct UUIDv7s across more than one refill of the random pool, in time order by their prefix', () => {
    const ids = Array.from({ length: 2_000 }, () => newDecisionId());
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
    const stamps = ids.map((id) => id.replace(/-/g, '').slice(0, 12));
    expect([...stamps].sort()).toEqual(stamps);
  });
});
