import { describe, expect, it } from 'vitest';
import {
  aiq,
  bestWithinFlagshipCost,
  cheapestOf,
  flagshipOf,
  matchFlagship,
  nonDecreasingHull,
  oracle,
  randomMixAiq,
  segmentResults,
  singleModels,
  twoModelMetrics,
} from '../../services/train/eval-metrics.js';

const pt = (cost: number, quality: number) => ({ lambda: 0, knob: 1, cost, quality });

// Two models, four prompts: A is strong and dear, B weak and cheap.
//   quality A: 1 1 1 0    B: 1 0 0 0    cost A: 10 each    B: 1 each
const models = ['A', 'B'];
const quality = Float64Array.from([1, 1, 1, 0, 1, 0, 0, 0]);
const cost = Float64Array.from([10, 1, 10, 1, 10, 1, 10, 1]);

describe('eval metrics - single models and flagship', () => {
  it('means per model', () => {
    expect(singleModels(models, quality, cost)).toEqual([
      { model: 'A', quality: 0.75, cost_usd: 10 },
      { model: 'B', quality: 0.25, cost_usd: 1 },
    ]);
  });

  it('flagship tie goes to the cheaper model', () => {
    const s = [
      { model: 'X', quality: 0.5, cost_usd: 2 },
      { model: 'Y', quality: 0.5, cost_usd: 1 },
      { model: 'Z', quality: 0.4, cost_usd: 0.1 },
    ];
    expect(flagshipOf(s)).toBe(1);
    expect(cheapestOf(s)).toBe(2);
  });
});

describe('eval metrics - flagship match and best within cost', () => {
  const flagship = { model: 'A', quality: 0.75, cost_usd: 10 };

  it('match ratio is the cheapest point at least as good as the flagship', () => {
    const points = [pt(1, 0.25), pt(4, 0.75), pt(6, 0.8), pt(10, 0.75)];
    expect(matchFlagship(points, flagship)).toEqual({ ratio: 0.4, index: 1 });
  });

  it('match ratio is null when no point reaches the flagship', () => {
    const points = [pt(1, 0.25), pt(5, 0.7), pt(12, 0.74)];
    expect(matchFlagship(points, flagship).ratio).toBeNull();
  });

  it('best quality within the flagship cost ignores dearer points', () => {
    const points = [pt(1, 0.25), pt(9, 0.7), pt(10, 0.72), pt(12, 0.9)];
    expect(bestWithinFlagshipCost(points, flagship).quality).toBe(0.72);
    expect(bestWithinFlagshipCost([pt(11, 0.9)], flagship).quality).toBeNull();
  });
});

describe('eval metrics - aiq', () => {
  it('integrates the non-decreasing frontier between the cheapest and dearest model', () => {
    // Hull (1, .25) → (5.5, .75), flat to 10: (0.5 · 4.5 + 0.75 · 4.5) / 9 = 0.625.
    expect(aiq([pt(1, 0.25), pt(5.5, 0.75), pt(10, 0.7)], 1, 10)).toBeCloseTo(0.625, 12);
  });

  it('uses the convex hull: a point under a chord does not count', () => {
    expect(nonDecreasingHull([pt(1, 0.2), pt(2, 0.3), pt(3, 0.8)])).toEqual([pt(1, 0.2), pt(3, 0.8)]);
    expect(aiq([pt(1, 0.2), pt(2, 0.3), pt(3, 0.8)], 1, 3)).toBeCloseTo(0.5, 12);
  });

  it('random mixing of cheapest and flagship is the straight line', () => {
    const a = randomMixAiq({ model: 'B', quality: 0.25, cost_usd: 1 }, { model: 'A', quality: 0.75, cost_usd: 10 }, 1, 10);
    expect(a).toBeCloseTo(0.5, 12);
  });
});

describe('eval metrics - oracle', () => {
  it('takes the cheapest of the best models per prompt', () => {
    // p1 both right → B (1); p2, p3 only A (10); p4 both wrong → B (1).
    expect(oracle(quality, cost, 2)).toEqual({ quality: 0.75, cost_usd: 5.5 });
  });
});

describe('eval metrics - apgr and cpt', () => {
  const strong = [1, 1, 1, 0];
  const weak = [1, 0, 0, 0];

  it('a perfect ordering', () => {
    const r = twoModelMetrics(strong, weak, [0.1, 0.9, 0.8, 0.2]);
    // PGR at f = .25, .5, .75, 1: .5, 1, 1, 1.
    expect(r.apgr).toBeCloseTo(0.75, 12);
    expect(r.cpt50).toBeCloseTo(25, 12);
    expect(r.cpt80).toBeCloseTo(40, 12);
  });

  it('a random ordering (all scores equal) gives 0.5, 50% and 80%', () => {
    const r = twoModelMetrics(strong, weak, [0, 0, 0, 0]);
    expect(r.apgr).toBeCloseTo(0.5, 12);
    expect(r.cpt50).toBeCloseTo(50, 12);
    expect(r.cpt80).toBeCloseTo(80, 12);
  });

  it('the worst ordering', () => {
    const r = twoModelMetrics(strong, weak, [1, 0, 0.1, 2]);
    // f = .25: 0, .5: 0, .75: .5, 1: 1.
    expect(r.apgr).toBeCloseTo(0.25, 12);
    expect(r.cpt50).toBeCloseTo(75, 12);
    expect(r.cpt80).toBeCloseTo(90, 12);
  });

  it('is null when the strong model is no better', () => {
    expect(twoModelMetrics([1, 0], [0, 1], [1, 0]).apgr).toBeNull();
  });
});

describe('eval metrics - segments', () => {
  it('reports n, quality, cost ratio and flagship quality per segment', () => {
    const choice = Int32Array.from([1, 0, 1, 1]);
    const r = segmentResults(['x', 'x', 'y', 'y'], choice, quality, cost, 2, 0);
    expect(r).toEqual({
      x: { n: 2, quality: 1, cost_ratio: 11 / 20, flagship_quality: 1 },
      y: { n: 2, quality: 0, cost_ratio: 2 / 20, flagship_quality: 0.5 },
    });
  });
});
