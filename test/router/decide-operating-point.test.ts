import { beforeAll, describe, expect, it } from 'vitest';
import { decideRequest } from '../support/requests.js';
import { routerFixture, type RouterFixture } from '../support/router-fixture.js';
import { FITTED_OUTPUT_TOKENS } from '../../services/router/model/output-length-table.js';

let f: RouterFixture;
beforeAll(async () => {
  f = await routerFixture();
});

const HARD = 'Prove that every finite integral domain is a field, and show where finiteness is needed.';
const decide = (text: string, o: Parameters<typeof decideRequest>[1] = {}) => f.decider.decide(decideRequest(text, o)).response;
const eligible = (r: ReturnType<typeof decide>) => r.candidates!.filter((c) => c.eligible);
const chosen = (r: ReturnType<typeof decide>) => r.candidates!.find((c) => c.model === r.model)!;

describe('decide - policies as operating points', () => {
  it('balanced: the cheapest model within 3% of the best expected quality, and the reason says so', () => {
    for (const text of ['hi', 'Translate to Dutch: see you tomorrow', HARD]) {
      const r = decide(text);
      const best = Math.max(...eligible(r).map((c) => c.predictedQuality!));
      const within = eligible(r).filter((c) => c.predictedQuality! >= 0.97 * best);
      expect(within.map((c) => c.model)).toContain(r.model);
      expect(chosen(r).estimatedCostUsd).toBe(Math.min(...within.map((c) => c.estimatedCostUsd!)));
      expect(r.reason).toContain('policy balanced: the cheapest within 3% of the best expected quality (trade-off 0.60)');
      expect(r.reason).toMatch(/^[\w.-]+: (expected quality 0\.\d\d of the best \([\w.-]+\) at (1\/\d+ of its cost|0\.\d\dx its cost)|the best expected quality)/);
    }
  });

  it('quality: a greeting does not go to the dearest model when a cheaper one is predicted equal', () => {
    const r = decide('hello!', { policy: 'quality' });
    const dearest = eligible(r).reduce((a, b) => (b.estimatedCostUsd! > a.estimatedCostUsd! ? b : a));
    expect(r.model).not.toBe(dearest.model);
    const best = Math.max(...eligible(r).map((c) => c.predictedQuality!));
    expect(chosen(r).predictedQuality!).toBeGreaterThanOrEqual(0.995 * best);
  });

  it('economy: never gives up more than 10% of the best expected quality, however much it saves', () => {
    const r = decide(HARD, { policy: 'economy' });
    const best = Math.max(...eligible(r).map((c) => c.predictedQuality!));
    expect(chosen(r).predictedQuality!).toBeGreaterThanOrEqual(0.9 * best);
    const cheapest = eligible(r).reduce((a, b) => (b.estimatedCostUsd! < a.estimatedCostUsd! ? b : a));
    expect(cheapest.predictedQuality!).toBeLessThan(0.9 * best);
    expect(r.model).not.toBe(cheapest.model);
  });

  it('a trade-off set by the request is the knob alone: at 1 the best expected quality', () => {
    const r = decide('hi', { preferences: { costQualityTradeoff: 1 } });
    expect(chosen(r).predictedQuality).toBe(Math.max(...eligible(r).map((c) => c.predictedQuality!)));
    expect(r.reason).toContain('trade-off 1.00');
    expect(r.reason).not.toContain('within');
  });

  it('predicted gaps shrink on everyday prompts and widen on hard ones', () => {
    const spread = (r: ReturnType<typeof decide>) => {
      const q = ['gpt-5', 'gpt-4o-mini'].map((m) => r.candidates!.find((c) => c.model === m)!.predictedQuality!);
      return q[0]! - q[1]!;
    };
    expect(spread(decide('Write a haiku about the sea.'))).toBeLessThan(spread(decide(HARD)) / 2);
  });

  it('says when a model’s quality comes from a prior and names the task it read', () => {
    const r = decide(HARD);
    expect(r.reason).toMatch(/task: proof \(hard\)/);
    // Each prior with its public score and the tier it sets, and the rule.
    expect(r.reason).toMatch(
      /quality of [\w.-]+ \(public score 0\.\d+, frontier tier\)( and [\w.-]+ \(public score 0\.\d+, \w+ tier\))? from a prior, not routing data: the public score sets the level and the tier, and a measured model of that tier the shape/,
    );
  });
});

describe('decide - a prior placed by its price', () => {
  it('the reason says when a score at a band’s edge left the tier to the price', () => {
    // claude-haiku-4-5: MMLU-Pro 0.76, within 0.01 of the mid band's floor; at $5 per million
    // output tokens it is priced like the mid-tier models, not the economy ones.
    const r = decide(HARD, { requirements: { allowModels: ['claude-haiku-4-5', 'gpt-4o-mini'] } });
    expect(r.reason).toContain('claude-haiku-4-5 (public score 0.76, mid tier by its price at the band’s edge)');
    const clear = decide(HARD, { requirements: { allowModels: ['gpt-5-mini', 'gpt-4o-mini'] } });
    expect(clear.reason).toContain('gpt-5-mini (public score 0.83, mid tier)');
  });
});

describe('decide - expected answer length per request', () => {
  const cost = (r: ReturnType<typeof decide>, m: string) => r.candidates!.find((c) => c.model === m)!.estimatedCostUsd!;

  it('a greeting expects a short answer, a design a long one', () => {
    const hi = decide('hi');
    const design = decide('Design a multi-region payment ledger with exactly-once transfers and p99 under 50 ms.');
    // gpt-5: $10 per million output tokens; the input tokens differ by tens, the outputs by the
    // fitted lengths of the families (output-length-table.ts: about 190 and 770 tokens).
    const out = (family: string) => FITTED_OUTPUT_TOKENS[family]! * 10e-6;
    expect(cost(hi, 'gpt-5')).toBeGreaterThanOrEqual(out('chit-chat'));
    expect(cost(hi, 'gpt-5')).toBeLessThan(out('chit-chat') + 1e-4);
    expect(cost(design, 'gpt-5')).toBeGreaterThanOrEqual(out('design'));
    expect(cost(design, 'gpt-5')).toBeGreaterThan(3 * cost(hi, 'gpt-5'));
  });

  it('max_output_tokens and a JSON response format cap it', () => {
    const design = 'Design a multi-region payment ledger with exactly-once transfers and p99 under 50 ms.';
    expect(cost(decide(design, { maxOutputTokens: 100 }), 'gpt-5')).toBeLessThan(cost(decide(design), 'gpt-5') / 5);
    const json = decide(design, { responseFormat: { type: 'RESPONSE_FORMAT_TYPE_JSON_OBJECT', schemaJson: '', name: '', strict: false } as never });
    expect(cost(json, 'gpt-5')).toBeLessThan(cost(decide(design), 'gpt-5') / 3);
  });
});
