import { describe, expect, it } from 'vitest';
import { choicesAt, choicesByUtility, sweepOperatingPoints, type RoutingTable } from '../../services/train/operating-points.js';
import { Prng } from '../../services/train/prng.js';

function randomTable(seed: number, n: number, m: number): RoutingTable {
  const r = new Prng(seed);
  const t: RoutingTable = {
    n,
    m,
    quality: new Float64Array(n * m),
    cost: new Float64Array(n * m),
    predicted: new Float64Array(n * m),
    expectedCost: new Float64Array(n * m),
  };
  const price = Array.from({ length: m }, () => Math.pow(10, -5 + 3 * r.next()));
  for (let k = 0; k < n * m; k++) {
    const j = k % m;
    t.quality[k] = r.next() < 0.5 ? 1 : 0;
    t.cost[k] = price[j]! * (0.5 + r.next());
    // Coarse values, so ties in prediction and cost occur.
    t.predicted[k] = Math.round(r.next() * 8) / 8;
    t.expectedCost[k] = r.next() < 0.2 ? price[0]! : price[j]!;
  }
  return t;
}

describe('operating points - sweep of the trade-off knob', () => {
  it('agrees with the utility of tradeoff.ts at every point', () => {
    for (const seed of [1, 2, 3]) {
      const t = randomTable(seed, 60, 5);
      const sweep = sweepOperatingPoints(t);
      expect(sweep.points.length).toBeGreaterThan(2);
      sweep.points.forEach((p, k) => {
        expect(Array.from(choicesAt(sweep, k))).toEqual(Array.from(choicesByUtility(t, p.lambda)));
        const choice = choicesAt(sweep, k);
        let q = 0, c = 0;
        for (let i = 0; i < t.n; i++) {
          q += t.quality[i * t.m + choice[i]!]!;
          c += t.cost[i * t.m + choice[i]!]!;
        }
        expect(p.quality).toBeCloseTo(q / t.n, 12);
        expect(p.cost).toBeCloseTo(c / t.n, 12);
      });
    }
  });

  it('runs from the cheapest expected model to the best predicted one', () => {
    // Prompt 0: A (dear, .9) vs B (cheap, .5); prompt 1: A .9 vs B .95 (B better and cheaper).
    const t: RoutingTable = {
      n: 2,
      m: 2,
      quality: Float64Array.from([1, 0, 1, 1]),
      cost: Float64Array.from([0.01, 0.001, 0.01, 0.001]),
      predicted: Float64Array.from([0.9, 0.5, 0.9, 0.95]),
      expectedCost: Float64Array.from([0.01, 0.001, 0.01, 0.001]),
    };
    const s = sweepOperatingPoints(t);
    expect(s.points).toHaveLength(2);
    expect(s.points[0]!.quality).toBe(0.5);
    expect(s.points[0]!.cost).toBeCloseTo(0.001, 15);
    expect(s.points[1]!.quality).toBe(1);
    expect(s.points[1]!.cost).toBeCloseTo(0.0055, 15);
    // The change happens at λ = (0.9 − 0.5) / (1000 · 0.009).
    expect(s.changes[0]!.lambda).toBeCloseTo(0.4 / 9, 12);
    expect(s.points[1]!.lambda).toBe(0);
  });
});
