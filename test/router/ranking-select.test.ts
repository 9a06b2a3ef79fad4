import { describe, expect, it } from 'vitest';
import { ModelScores, RankedModels, selectFirst } from '../../services/router/decide/ranking.js';
import type { CatalogModel } from '../../services/shared/catalog.js';
import { seededRandom } from '../../services/bench/random-model.js';

/** Scores for `n` models with few distinct values, so that ties decide many places. */
function scores(n: number, seed: number, eligibleShare = 0.8): ModelScores {
  const rand = seededRandom(seed);
  const models = Array.from({ length: n }, (_, i) => ({ id: `m${i}`, provider: `p${i % 3}` }) as unknown as CatalogModel);
  const s = new ModelScores(models);
  let e = 0;
  for (let i = 0; i < n; i++) {
    s.utility[i] = Math.floor(rand() * 7) / 7;
    s.cost[i] = Math.floor(rand() * 3);
    s.below[i] = rand() < 0.2 ? 1 : 0;
    if (rand() < eligibleShare) s.eligible[e++] = i;
  }
  s.eligibleCount = e;
  return s;
}

function sortedAll(s: ModelScores, first: (a: number, b: number) => boolean): number[] {
  return Array.from(s.eligible.subarray(0, s.eligibleCount)).sort((a, b) => (first(a, b) ? -1 : first(b, a) ? 1 : 0));
}

describe('ranking - selecting the first models', () => {
  it('gives exactly the first m of a full sort, in both orders, for small and large catalogs', () => {
    let checked = 0;
    for (const n of [1, 5, 12, 33, 100, 1000]) {
      for (let seed = 1; seed <= 5; seed++) {
        const s = scores(n, seed * 7919 + n);
        const byRank = sortedAll(s, (a, b) => s.before(a, b));
        const byScore = sortedAll(s, (a, b) => s.scoresAbove(a, b));
        for (const m of [1, 2, 8, 32, 300, 2000]) {
          expect(selectFirst(s, m, 'rank')).toEqual(byRank.slice(0, m));
          expect(selectFirst(s, m, 'score')).toEqual(byScore.slice(0, m));
          checked++;
        }
      }
    }
    expect(checked).toBe(180);
  });

  it('finds the first model after the first that a test accepts, as a walk of the whole ranking does', () => {
    for (const n of [4, 40, 400]) {
      for (let seed = 1; seed <= 6; seed++) {
        const s = scores(n, seed * 104_729 + n);
        if (s.eligibleCount < 2) continue;
        const ranked = new RankedModels(s);
        if (seed % 2 === 0) ranked.moveToFront(s.eligible[s.eligibleCount - 1]!);
        const all = ranked.all();
        for (const provider of ['p0', 'p1', 'p2', 'none']) {
          const accept = (i: number) => s.models[i]!.provider === provider;
          const expected = all.findIndex((x, p) => p > 0 && accept(x));
          // A fresh ranking, so that the search starts from the few models ranked so far.
          const fresh = new RankedModels(s);
          if (seed % 2 === 0) fresh.moveToFront(s.eligible[s.eligibleCount - 1]!);
          expect(fresh.findAfterFirst(accept)).toBe(expected);
        }
      }
    }
  });
});
