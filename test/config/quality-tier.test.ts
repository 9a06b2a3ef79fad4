import { describe, expect, it } from 'vitest';
import { priorTiers, tierOfScore } from '../../services/shared/quality-tier.js';

describe('quality tier - a prior’s tier from its public score, and its price only at a band’s edge', () => {
  it('the score sets the tier', () => {
    expect([0.88, 0.85, 0.84, 0.75, 0.74, 0.4].map(tierOfScore)).toEqual(['frontier', 'frontier', 'mid', 'mid', 'economy', 'economy']);
  });

  it('a clear score is not moved by its price: a dear model with a mid score is mid', () => {
    const tiers = priorTiers([
      { score: 0.87, outputPrice: 10 },
      { score: 0.8, outputPrice: 75 }, // priced like a flagship
      { score: 0.82, outputPrice: 2 },
      { score: 0.65, outputPrice: 0.6 },
    ]);
    expect(tiers).toEqual(['frontier', 'mid', 'mid', 'economy']);
  });

  it('within 0.01 of an edge the price decides: the tier whose typical list price is nearer (log scale)', () => {
    const catalog = [
      { score: 0.88, outputPrice: 15 },
      { score: 0.82, outputPrice: 2 },
      { score: 0.8, outputPrice: 2.5 },
      { score: 0.65, outputPrice: 0.4 },
    ];
    expect(priorTiers([...catalog, { score: 0.755, outputPrice: 3 }]).at(-1)).toBe('mid');
    expect(priorTiers([...catalog, { score: 0.755, outputPrice: 0.3 }]).at(-1)).toBe('economy');
    expect(priorTiers([...catalog, { score: 0.845, outputPrice: 12 }]).at(-1)).toBe('frontier');
    expect(priorTiers([...catalog, { score: 0.845, outputPrice: 1 }]).at(-1)).toBe('mid');
    // 0.01 from the edge counts as near it: published scores are rounded to 0.01.
    expect(priorTiers([...catalog, { score: 0.76, outputPrice: 5 }]).at(-1)).toBe('mid');
    expect(priorTiers([...catalog, { score: 0.74, outputPrice: 3 }]).at(-1)).toBe('mid');
    expect(priorTiers([...catalog, { score: 0.77, outputPrice: 0.3 }]).at(-1)).toBe('mid');
    // No price to go by (self-hosted): the score alone.
    expect(priorTiers([...catalog, { score: 0.845, outputPrice: 0 }]).at(-1)).toBe('mid');
  });

  it('one model’s tier does not depend on the rest of the catalog', () => {
    const edge = { score: 0.86, outputPrice: 10 };
    expect(priorTiers([edge]).at(-1)).toBe('frontier');
    expect(priorTiers([{ score: 0.88, outputPrice: 75 }, { score: 0.88, outputPrice: 75 }, { score: 0.8, outputPrice: 8 }, edge]).at(-1)).toBe('frontier');
    expect(priorTiers([{ score: 0.8, outputPrice: 10 }, { score: 0.8, outputPrice: 12 }, edge]).at(-1)).toBe('frontier');
  });
});
