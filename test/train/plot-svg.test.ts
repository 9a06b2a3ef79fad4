import { describe, expect, it } from 'vitest';
import { paretoFrontier, plotSvg } from '../../services/train/plot-svg.js';

describe('plot - cost/quality SVG', () => {
  it('draws the router frontier, every model, the oracle and labelled axes', () => {
    const svg = plotSvg({
      title: 'test <plot>',
      router: [
        { cost: 0.0001, quality: 0.5 },
        { cost: 0.001, quality: 0.7 },
        { cost: 0.002, quality: 0.65 },
      ],
      models: [
        { model: 'cheap', cost_usd: 0.0001, quality: 0.5 },
        { model: 'dear & good', cost_usd: 0.006, quality: 0.72 },
      ],
      oracle: { cost_usd: 0.0002, quality: 0.9 },
      flagship: { model: 'dear & good', quality: 0.72 },
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('mean cost, USD per 1,000 prompts (log scale)');
    expect(svg).toContain('mean quality');
    expect(svg).toContain('test &lt;plot&gt;');
    expect(svg).toContain('dear &amp; good');
    expect(svg).toContain('>oracle</text>');
    expect(svg.match(/<path d="M[^"]*" fill="none" stroke="#1f5fbf"/)).not.toBeNull();
  });

  it('keeps only undominated router points', () => {
    const f = paretoFrontier([
      { cost: 2, quality: 0.6 },
      { cost: 1, quality: 0.5 },
      { cost: 3, quality: 0.55 },
      { cost: 4, quality: 0.8 },
    ]);
    expect(f.map((p) => p.cost)).toEqual([1, 2, 4]);
  });
});
