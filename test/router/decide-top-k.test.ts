import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecideResponse__Output } from '../../services/generated/switchyard/v1/DecideResponse.js';
import { DEFAULT_EXPLAIN_TOP_K } from '../../services/router/decide/candidate-rows.js';
import { InvalidArgumentError } from '../../services/shared/errors.js';
import { call, startTestServer, type TestServer } from '../support/grpc-server.js';
import { decideRequest } from '../support/requests.js';
import { defaultConfigObject, routerFixture, type RouterFixture } from '../support/router-fixture.js';

const PROMPT = 'Prove that there are infinitely many primes, and explain each step.';

/** A catalog of `n` models with spread quality and prices. */
function catalogOf(n: number): Record<string, any> {
  const c = defaultConfigObject();
  c.models = Array.from({ length: n }, (_, i) => ({
    id: `m-${String(i).padStart(3, '0')}`,
    provider: ['openai', 'anthropic', 'gemini'][i % 3],
    quality: { benchmark: Number((0.3 + ((i * 37) % 60) / 100).toFixed(2)), source: 'synthetic test score, 2026' },
    prices: { input: Number((0.05 + ((i * 13) % 50) / 10).toFixed(2)), output: Number((0.2 + ((i * 17) % 60) / 4).toFixed(2)) },
    context_window: 200_000,
    max_output_tokens: 8192,
    capabilities: i % 4 === 0 ? ['streaming'] : ['tools', 'json_output', 'streaming'],
    languages: ['*'],
    latency: { ttft_ms: 100 + ((i * 7) % 20) * 50, output_tokens_per_second: 40 + ((i * 11) % 12) * 10 },
    deployments: [{ name: 'd', base_url: 'http://127.0.0.1:9/v1', region: 'us', api_key_env: 'NONE' }],
  }));
  c.rules = [];
  return c;
}

let builtIn: RouterFixture;
let big: RouterFixture;
beforeAll(async () => {
  builtIn = await routerFixture();
  big = await routerFixture({ config: catalogOf(200) });
});

const decide = (f: RouterFixture, k: number | undefined, o: Parameters<typeof decideRequest>[1] = {}) =>
  f.decider.decide({ ...decideRequest(PROMPT, o), ...(k === undefined ? {} : { explainTopK: k }) }).response;

describe('decide - explanations of the top k candidates', () => {
  it('k rows: the chosen model and its fallbacks first, by rank, then the other eligible models by score', () => {
    const r = decide(big, 10);
    expect(r.candidates).toHaveLength(10);
    const ranked = r.candidates.filter((c) => c.rank > 0);
    expect(ranked.map((c) => c.model)).toEqual([r.model, ...r.fallbacks]);
    expect(ranked.map((c) => c.rank)).toEqual(ranked.map((_, i) => i + 1));
    const rest = r.candidates.slice(ranked.length);
    expect(rest.every((c) => c.eligible && c.rank === 0)).toBe(true);
    const scores = rest.map((c) => c.score as number);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('the top k rows are the first k of all the rows', () => {
    const all = decide(big, 1_000_000);
    expect(all.candidates).toHaveLength(200);
    for (const k of [1, 3, 7, 50, 150]) expect(decide(big, k).candidates).toEqual(all.candidates.slice(0, k));
  });

  it('every row of the top k outscores every eligible row left out', () => {
    const all = decide(big, 1_000_000).candidates;
    const top = decide(big, 20).candidates;
    const kept = new Set(top.map((c) => c.model));
    const lowest = Math.min(...top.filter((c) => c.rank === 0).map((c) => c.score as number));
    const left = all.filter((c) => c.eligible && !kept.has(c.model));
    expect(left.length).toBeGreaterThan(100);
    for (const c of left) expect(c.score as number).toBeLessThanOrEqual(lowest);
  });

  it('excluded models come after the eligible ones, and the reason still counts every exclusion', () => {
    const r = decide(big, 1_000_000, { requirements: { capabilities: ['CAPABILITY_TOOLS'] } });
    const firstExcluded = r.candidates.findIndex((c) => !c.eligible);
    expect(firstExcluded).toBe(150);
    expect(r.candidates.slice(firstExcluded).every((c) => !c.eligible)).toBe(true);
    const few = decide(big, 5, { requirements: { capabilities: ['CAPABILITY_TOOLS'] } });
    expect(few.candidates.every((c) => c.eligible)).toBe(true);
    expect(few.reason).toContain('50 excluded (capability: 50)');
    expect(few.reason).toBe(r.reason);
  });

  it('k larger than the catalog explains every model; 0 explains none and decides the same', () => {
    const all = decide(builtIn, 10_000);
    expect(all.candidates).toHaveLength(builtIn.catalog.models.length);
    const none = decide(builtIn, 0);
    expect(none.candidates).toEqual([]);
    expect(none.model).toBe(all.model);
    expect(none.fallbacks).toEqual(all.fallbacks);
    expect(none.reason).toBe(all.reason);
  });

  it(`unset: every model of a small catalog, the top ${DEFAULT_EXPLAIN_TOP_K} of a large one`, () => {
    expect(decide(builtIn, undefined).candidates).toHaveLength(builtIn.catalog.models.length);
    expect(decide(big, undefined).candidates).toEqual(decide(big, 1_000_000).candidates.slice(0, DEFAULT_EXPLAIN_TOP_K));
  });

  it('the decision still knows every eligible model: how many, and the most capable (the savings reference)', () => {
    const o = { requirements: { capabilities: ['CAPABILITY_TOOLS' as const] } };
    const all = decide(big, 1_000_000, o).candidates.filter((c) => c.eligible);
    const top = all.reduce((a, b) => ((b.predictedQuality as number) > (a.predictedQuality as number) || (b.predictedQuality === a.predictedQuality && (b.estimatedCostUsd as number) > (a.estimatedCostUsd as number)) ? b : a));
    const d = big.decider.decide({ ...decideRequest(PROMPT, o), explainTopK: 3 });
    expect(d.eligibleCount).toBe(all.length);
    expect(d.mostCapable).toBe(top.model);
  });

  it('a negative k is INVALID_ARGUMENT naming explain_top_k', () => {
    expect(() => decide(builtIn, -1)).toThrow(InvalidArgumentError);
    expect(() => decide(builtIn, -1)).toThrow('explain_top_k: must be 0 or more, got -1');
  });
});

describe('grpc - Decide explain_top_k', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });
  const prompt = { messages: [{ role: 'ROLE_USER', content: [{ text: PROMPT }] }] };

  it('explain_top_k travels on the wire: 2 rows, and a negative k is INVALID_ARGUMENT naming the field', async () => {
    const { err, res } = await call<DecideResponse__Output>(t.client, 'decide', { ...prompt, explainTopK: 2 });
    expect(err).toBeNull();
    expect(res!.candidates.map((c) => c.model)).toEqual([res!.model, res!.fallbacks[0]]);
    const bad = await call(t.client, 'decide', { ...prompt, explainTopK: -3 });
    expect(bad.err!.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(bad.err!.details).toBe('explain_top_k: must be 0 or more, got -3');
  });
});
