import { describe, expect, it } from 'vitest';
import { foldOf, splitFolds } from '../../services/train/folds.js';

describe('folds - split by id hash', () => {
  const ids = Array.from({ length: 1000 }, (_, i) => `prompt-${i}`);

  it('is deterministic and independent of order', () => {
    const a = splitFolds(ids, 5);
    const b = splitFolds(ids, 5);
    expect(a).toEqual(b);
    const reversed = [...ids].reverse();
    for (const id of ids) expect(foldOf(id, 5)).toBe(foldOf(id, 5));
    const byId = new Map(reversed.map((id) => [id, foldOf(id, 5)]));
    a.forEach(({ test }, f) => test.forEach((i) => expect(byId.get(ids[i]!)).toBe(f)));
  });

  it('partitions every prompt into exactly one held-out fold, roughly evenly', () => {
    const folds = splitFolds(ids, 5);
    const held = folds.flatMap((f) => f.test).sort((x, y) => x - y);
    expect(held).toEqual(ids.map((_, i) => i));
    for (const f of folds) {
      expect(f.train.length + f.test.length).toBe(ids.length);
      expect(f.test.length).toBeGreaterThan(150);
      expect(f.test.length).toBeLessThan(250);
    }
  });

  it('keeps prompts that share an id together, and pins known values', () => {
    expect(foldOf('mmlu-pro-70', 5)).toBe(foldOf('mmlu-pro-70', 5));
    expect([foldOf('a', 5), foldOf('b', 5), foldOf('mmlu-pro-70', 5)]).toEqual([0, 4, 1]);
    expect(() => foldOf('a', 1)).toThrow(/folds must be/);
  });
});
