import { describe, expect, it } from 'vitest';
import { explore } from '../../services/router/policy/exploration.js';
import type { ExplorationConfig } from '../../services/shared/config/schema.js';
import { Prng } from '../../services/train/prng.js';

const RANKED = [
  { id: 'a', utility: 0.8 },
  { id: 'b', utility: 0.78 },
  { id: 'c', utility: 0.76 },
  { id: 'd', utility: 0.6 },
];
const EPS: ExplorationConfig = { share: 0.3, utility_margin: 0.05, method: 'epsilon_greedy', temperature: 0.02 };

describe('exploration - near-best set and known probabilities', () => {
  it('ε-greedy splits the share evenly over the models within the utility margin, and nothing to the rest', () => {
    const c = explore(RANKED, EPS, 0);
    expect([...c.propensities.keys()]).toEqual(['a', 'b', 'c']);
    expect(c.propensities.get('a')).toBeCloseTo(0.7 + 0.1, 12);
    expect(c.propensities.get('b')).toBeCloseTo(0.1, 12);
    expect(c.propensities.get('d')).toBeUndefined();
    expect([...c.propensities.values()].reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
  });

  it('softmax weighs the near-best by their utility gap, the best keeping 1 − share plus its part', () => {
    const c = explore(RANKED, { ...EPS, method: 'softmax' }, 0);
    const w = [0, -0.02, -0.04].map((g) => Math.exp(g / 0.02));
    const z = w.reduce((x, y) => x + y, 0);
    expect(c.propensities.get('a')).toBeCloseTo(0.7 + (0.3 * w[0]!) / z, 12);
    expect(c.propensities.get('c')).toBeCloseTo((0.3 * w[2]!) / z, 12);
  });

  it('the draw picks by the stated probabilities: observed shares match over many seeded draws', () => {
    const rng = new Prng(7);
    const counts = new Map<string, number>();
    const n = 30_000;
    for (let i = 0; i < n; i++) {
      const c = explore(RANKED, EPS, rng.next());
      const id = RANKED[c.index]!.id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(counts.get('d')).toBeUndefined();
    expect(counts.get('a')! / n).toBeCloseTo(0.8, 1);
    expect(Math.abs(counts.get('b')! / n - 0.1)).toBeLessThan(0.01);
  });

  it('a model outside the quality margin ends the set; a lone best is chosen with probability 1', () => {
    const c = explore(RANKED, EPS, 0.99, (id) => id !== 'b');
    expect([...c.propensities.keys()]).toEqual(['a']);
    expect(c.index).toBe(0);
    expect(c.propensities.get('a')).toBe(1);
  });
});
