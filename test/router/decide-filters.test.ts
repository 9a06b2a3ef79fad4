import { beforeAll, describe, expect, it } from 'vitest';
import { FailedPreconditionError } from '../../services/shared/errors.js';
import { decideRequest, userMessage } from '../support/requests.js';
import { defaultConfigObject, routerFixture, type RouterFixture } from '../support/router-fixture.js';

let f: RouterFixture;
beforeAll(async () => {
  f = await routerFixture();
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

function reasons(r: ReturnType<RouterFixture['decider']['decide']>['response']): Record<string, string> {
  return Object.fromEntries(r.candidates!.map((c) => [c.model!, c.excludedReason!]));
}

describe('decide - answers with the contract fields', () => {
  it('returns model, ordered fallbacks and one candidate per catalog model', () => {
    const { response: r } = f.decider.decide(decideRequest('Prove that there are infinitely many primes.'));
    expect(r.decisionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(f.catalog.get(r.model!)).toBeDefined();
    expect(r.fallbacks).not.toContain(r.model);
    expect(new Set(r.fallbacks).size).toBe(r.fallbacks!.length);
    expect(r.candidates!.map((c) => c.model).sort()).toEqual(f.catalog.ids.sort());
    for (const c of r.candidates!) {
      expect(c.predictedQuality).toBeGreaterThan(0);
      expect(c.predictedQuality).toBeLessThan(1);
      expect(c.estimatedCostUsd).toBeGreaterThanOrEqual(0);
      if (c.eligible) expect(c.excludedReason).toBe('');
    }
    expect(r.candidates![0]!.model).toBe(r.model);
    expect(r.candidates![0]!.rank).toBe(1);
    expect(r.reason).toContain(r.model!);
    expect(r.plan!.strategy).toBe('STRATEGY_SINGLE');
    expect(r.plan!.models).toEqual([r.model, ...r.fallbacks!]);
    expect(r.decisionTimeNs).toBeGreaterThan(0);
    expect(r.routerModel).toMatch(/^router-model\.syrm@[0-9a-f]{12}$/);
  });

  it('ranks eligible candidates by score', () => {
    const { response: r } = f.decider.decide(decideRequest('Explain quantum entanglement to a child.'));
    const chosen = r.candidates!.find((c) => c.model === r.model)!;
    for (const c of r.candidates!) if (c.eligible) expect(chosen.score).toBeGreaterThanOrEqual(c.score! - 1e-12);
  });

  it('puts another provider first among the fallbacks', () => {
    const { response: r } = f.decider.decide(decideRequest('Summarise the causes of the First World War.'));
    const provider = (id: string) => f.catalog.get(id)!.provider;
    expect(provider(r.fallbacks![0]!)).not.toBe(provider(r.model!));
  });

  it('is deterministic apart from its id and time', () => {
    const a = f.decider.decide(decideRequest('What is the capital of Australia?')).response;
    const b = f.decider.decide(decideRequest('What is the capital of Australia?')).response;
    expect({ ...a, decisionId: '', decisionTimeNs: 0 }).toEqual({ ...b, decisionId: '', decisionTimeNs: 0 });
  });
});

describe('decide - hard filters', () => {
  it('context window: excludes models that cannot hold input plus output', () => {
    const text = 'lorem ipsum dolor sit amet '.repeat(20_000); // ~135k tokens
    const { response: r } = f.decider.decide(decideRequest(text));
    const why = reasons(r);
    expect(why['gpt-4o']).toMatch(/^context window: 128,000 tokens, the request needs about/);
    expect(why['gpt-4.1']).toBe('');
    expect(r.features!.estimatedInputTokens).toBeGreaterThan(128_000);
  });

  it('max output: a request for more output tokens than a model allows excludes it', () => {
    const why = reasons(f.decider.decide(decideRequest('Write a novel.', { maxOutputTokens: 50_000 })).response);
    expect(why['gpt-4o']).toMatch(/^max output: allows 16,384/);
    expect(why['claude-sonnet-4-5']).toBe('');
  });

  it('tools: only models with function calling', () => {
    const { response: r } = f.decider.decide(
      decideRequest('What is the weather in Paris?', {
        tools: [{ name: 'get_weather', description: 'weather', parametersJson: '{"type":"object","properties":{"city":{"type":"string"}}}' }],
      }),
    );
    for (const c of r.candidates!) expect(c.eligible || c.excludedReason!.startsWith('capability')).toBe(true);
    expect(f.catalog.get(r.model!)!.capabilities.has('tools')).toBe(true);
  });

  it('vision: images exclude models without vision', () => {
    const msg = userMessage('What is in this picture?');
    msg.content.push({ image: { data: PNG, mediaType: 'image/png', source: 'data' }, part: 'image' });
    const why = reasons(f.decider.decide(decideRequest('', { messages: [msg] })).response);
    expect(why['llama-3.1-8b-instruct']).toBe('capability: does not support vision');
    expect(why['gpt-4o']).toBe('');
  });

  it('json output: a JSON response format requires it', () => {
    const why = reasons(
      f.decider.decide(decideRequest('List three colours as JSON.', { responseFormat: { type: 'RESPONSE_FORMAT_TYPE_JSON_OBJECT', schemaName: '', schemaJson: '' } })).response,
    );
    expect(Object.values(why).every((w) => w === '')).toBe(true);
  });

  it('language: a requested language the model lacks, and a prompt script none of its languages use', () => {
    expect(reasons(f.decider.decide(decideRequest('Hola', { requirements: { languages: ['ja'] } })).response)['llama-3.1-8b-instruct']).toBe(
      'language: does not support ja',
    );
    const why = reasons(f.decider.decide(decideRequest('Привет! Как решить уравнение x^2 = 4? Объясни подробно.')).response);
    expect(why['llama-3.1-8b-instruct']).toMatch(/^language: the prompt is in cyrillic script/);
    expect(why['gpt-4o']).toBe('');
  });

  it('region: models not served from an allowed region', () => {
    const { response: r } = f.decider.decide(decideRequest('hello', { requirements: { regions: ['local'] } }));
    expect(r.model).toBe('llama-3.1-8b-instruct');
    expect(reasons(r)['gpt-4o']).toBe('region: served from us, requirements.regions allows local');
  });

  it('allow and deny lists', () => {
    const { response: r } = f.decider.decide(decideRequest('hello', { requirements: { allowModels: ['gpt-4o', 'gpt-4o-mini'], denyModels: ['gpt-4o'] } }));
    expect(r.model).toBe('gpt-4o-mini');
    expect(r.fallbacks).toEqual([]);
    const why = reasons(r);
    expect(why['gpt-4o']).toBe('deny list: in requirements.deny_models');
    expect(why['gpt-5']).toBe('allow list: not in requirements.allow_models');
  });

  it('max cost: models whose worst-case cost exceeds it', () => {
    const why = reasons(f.decider.decide(decideRequest('Write an essay.', { preferences: { maxCostUsd: 0.002 } })).response);
    expect(why['claude-opus-4-1']).toMatch(/^cost: up to \$0\.07\d+ for this request, over preferences\.max_cost_usd \$0\.002$/);
    expect(why['gemini-2.5-flash-lite']).toBe('');
  });

  it('latency budget: models expected to answer too slowly', () => {
    const why = reasons(f.decider.decide(decideRequest('hi', { preferences: { latencyBudgetMs: 3000 } })).response);
    expect(why['gpt-5']).toMatch(/^latency: about [\d,]+ ms expected, over preferences\.latency_budget_ms 3,000$/);
    expect(why['gemini-2.5-flash-lite']).toBe('');
  });

  it('unavailable models (no credentials, no simulation) are excluded with the variable to set', async () => {
    const c = defaultConfigObject();
    c.executor.simulate_without_credentials = false;
    const h = await routerFixture({ config: c, env: { ANTHROPIC_API_KEY: 'x' } });
    const { response: r } = h.decider.decide(decideRequest('hello'));
    const why = reasons(r);
    expect(why['gpt-4o']).toBe('unavailable: no credentials: set OPENAI_API_KEY');
    expect(why['gemini-2.5-pro']).toBe('unavailable: no credentials: set GEMINI_API_KEY');
    expect(why['claude-haiku-4-5']).toBe('');
  });

  it('no model qualifies: FAILED_PRECONDITION listing each model and its reason', () => {
    let err: unknown;
    try {
      f.decider.decide(decideRequest('hello', { requirements: { regions: ['mars'] } }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FailedPreconditionError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^no model meets the request's requirements: /);
    for (const id of f.catalog.ids) expect(msg).toContain(`${id}: region: served from`);
  });
});
