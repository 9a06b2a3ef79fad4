/**
 * The Decider scores models into per-model arrays and ranks only as far as the answer reads;
 * the reference (the Decider as it was, in reference-decider.ts) built an object per model and
 * sorted them all. Over many prompts, policies, requirements, rules, session stickiness and
 * two catalogs (the built-in one and a 300-model one with tied models), both must give the same
 * answer, row for row, and the same errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../services/shared/catalog.js';
import { parseConfig, PACKAGE_ROOT } from '../../../services/shared/config/load-config.js';
import type { Config } from '../../../services/shared/config/schema.js';
import { Decider, type DecideContext } from '../../../services/router/decide/decide.js';
import type { DecideResponse__Output as DecideResponse } from '../../../services/generated/switchyard/v1/DecideResponse.js';
import type { DecideRequest__Output } from '../../../services/generated/switchyard/v1/DecideRequest.js';
import { ModelStore } from '../../../services/router/model/model-store.js';
import { RoutingState } from '../../../services/router/state/routing-state.js';
import { PromptCacheRouting } from '../../../services/router/cache/prompt-cache.js';
import { PromptCacheTable } from '../../../services/router/cache/prompt-cache-table.js';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { decideRequest, message, userMessage, type RequestOptions } from '../../support/requests.js';
import { defaultConfigObject, silentLog } from '../../support/router-fixture.js';
import { LABELLED_MIX } from '../labelled-mix.js';
import { ReferenceDecider } from './reference-decider.js';

interface Pair {
  decider: Decider;
  reference: ReferenceDecider;
  catalog: Catalog;
  state: RoutingState;
}

async function pair(configObject: Record<string, any>): Promise<Pair> {
  const config: Config = parseConfig(stringify(configObject), 'test config');
  const catalog = new Catalog(config, {});
  const state = new RoutingState(catalog);
  const models = await ModelStore.open({ file: resolve(PACKAGE_ROOT, config.router.model_file), catalog, wasm: true, log: silentLog });
  const ctx = (): DecideContext => ({
    config,
    catalog,
    scoring: models,
    status: state.current,
    promptCache: new PromptCacheRouting(new PromptCacheTable({ maxEntries: 100 }), { stickinessMargin: 0.05, maxSessions: 100, sessionTtlMs: 60_000 }),
  });
  return { decider: new Decider(ctx()), reference: new ReferenceDecider(ctx()), catalog, state };
}

/** A catalog of `n` models whose quality, prices and speeds repeat every 60 models, so that many tie. */
function bigCatalog(n: number): Record<string, any> {
  const c = defaultConfigObject();
  const providers = ['openai', 'anthropic', 'gemini'];
  c.models = Array.from({ length: n }, (_, i) => ({
    id: `m-${String(i).padStart(3, '0')}`,
    provider: providers[i % 3],
    quality: { benchmark: Number((0.3 + ((i * 37) % 60) / 100).toFixed(2)), source: 'synthetic test score, 2026' },
    prices: { input: Number((0.05 + ((i * 13) % 30) / 10).toFixed(2)), output: Number((0.2 + ((i * 17) % 20) / 4).toFixed(2)) },
    context_window: i % 7 === 0 ? 16_000 : 200_000,
    max_output_tokens: 8192,
    capabilities: i % 5 === 0 ? ['streaming'] : ['tools', 'json_output', 'streaming'],
    languages: i % 6 === 0 ? ['en', 'fr'] : i % 6 === 1 ? ['en', 'ja', 'zh'] : ['*'],
    latency: { ttft_ms: 100 + ((i * 7) % 6) * 50, output_tokens_per_second: 40 + ((i * 11) % 4) * 10 },
    deployments: [{ name: 'd', base_url: 'http://127.0.0.1:9/v1', region: i % 4 === 0 ? 'eu' : 'us', api_key_env: 'NONE' }],
  }));
  c.rules = [];
  return c;
}

function withRules(c: Record<string, any>, ids: string[]): Record<string, any> {
  c.rules = [
    { name: 'free-cheap', match: { user_tier: ['free'] }, action: { restrict: ids.slice(-4) } },
    { name: 'legal-pin', match: { task: ['legal'] }, action: { pin: ids[1] }, final: true },
    { name: 'hard-pin', match: { task: ['audit'] }, action: { pin: ids[2], pin_hard: true, pin_fallbacks: true } },
    { name: 'acme-out', match: { tenant: ['acme'] }, action: { exclude: ids.slice(0, 3) } },
    { name: 'eu-cascade', match: { labels: { team: ['eu'] } }, action: { strategy: 'cascade' } },
  ];
  return c;
}

/** Request variations: each prompt is asked under several of them. */
function variations(ids: string[], policies: string[]): RequestOptions[] {
  return [
    {},
    { labels: { session: 's1' } },
    { labels: { userTier: 'free' } },
    { labels: { task: 'legal' } },
    { labels: { task: 'audit' } },
    { labels: { tenant: 'acme', task: 'legal' } },
    { labels: { extra: { team: 'eu' } } },
    { strategy: 'STRATEGY_CASCADE' },
    { strategy: 'STRATEGY_SPECULATIVE' },
    { model: ids[3]! },
    { requirements: { denyModels: ids.slice(0, 4) } },
    { requirements: { allowModels: ids.slice(2, 5) } },
    { requirements: { pinModel: ids[4]! } },
    { requirements: { regions: ['eu'] } },
    { requirements: { capabilities: ['CAPABILITY_TOOLS'] }, maxOutputTokens: 9000 },
    { preferences: { costQualityTradeoff: 0.9 } },
    { preferences: { maxCostUsd: 0.002 } },
    { preferences: { latencyBudgetMs: 900 } },
    ...policies.map((policy) => ({ policy })),
  ];
}

type Outcome = { ok: true; response: Record<string, unknown> } | { ok: false; error: string };

function outcome(run: () => { response: DecideResponse }): Outcome {
  try {
    const { decisionId: _id, decisionTimeNs: _ns, ...response } = run().response;
    return { ok: true, response };
  } catch (err) {
    return { ok: false, error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

function compareAll(p: Pair, prompts: string[], options: RequestOptions[]): { compared: number; answered: number } {
  let compared = 0;
  let answered = 0;
  for (const text of prompts) {
    for (const o of options) {
      const req: DecideRequest__Output = { ...decideRequest(text, o), explainTopK: 1_000_000 };
      const expected = outcome(() => p.reference.decide(req));
      const actual = outcome(() => p.decider.decide(req));
      expect(actual, `${text.slice(0, 40)} with ${JSON.stringify(o)}`).toEqual(expected);
      compared++;
      if (expected.ok) answered++;
    }
  }
  return { compared, answered };
}

const PROMPTS = LABELLED_MIX.map((p) => p.prompt);

describe('decide - equivalence of the per-model arrays with the object-per-model path', () => {
  let builtIn: Pair;
  let big: Pair;
  beforeAll(async () => {
    const c = defaultConfigObject();
    builtIn = await pair(withRules(c, c.models.map((m: { id: string }) => m.id)));
    const b = bigCatalog(300);
    big = await pair(withRules(b, b.models.map((m: { id: string }) => m.id)));
  });

  it('built-in catalog: every prompt of the labelled mix under every variation gives the same answer', () => {
    const ids = builtIn.catalog.ids;
    const { compared, answered } = compareAll(builtIn, PROMPTS, variations([...ids], Object.keys(defaultConfigObject().policies)));
    expect(compared).toBeGreaterThan(2000);
    expect(answered).toBeGreaterThan(compared / 2);
  });

  it('300-model catalog with ties: the same answers, rows in the same order', () => {
    const ids = big.catalog.ids;
    const { compared, answered } = compareAll(big, PROMPTS.slice(0, 40), variations([...ids], ['quality', 'economy']));
    expect(compared).toBeGreaterThan(500);
    expect(answered).toBeGreaterThan(compared / 2);
  });

  it('prompts in scripts some models do not read, and prompts too long for some context windows, give the same answers', () => {
    const prompts = ['この関数の計算量を説明してください。', '请把这段话翻译成英文：今天天气很好。', 'Объясни, как работает сборщик мусора.', `Summarise this: ${'the long report goes on. '.repeat(3_500)}`];
    const ids = [...big.catalog.ids];
    const { compared, answered } = compareAll(big, prompts, [{}, { policy: 'quality' }, { requirements: { denyModels: ids.slice(0, 2) } }, { labels: { userTier: 'free' } }]);
    expect(compared).toBe(16);
    expect(answered).toBeGreaterThan(8);
    // Some models were excluded for each reason, so the common path and the full filter both ran.
    const rows = (text: string) => big.decider.decide({ ...decideRequest(text, {}), explainTopK: 1_000_000 }).response.candidates;
    expect(rows(prompts[0]!).some((c) => c.excludedReason!.startsWith('language:'))).toBe(true);
    expect(rows(prompts[3]!).some((c) => c.excludedReason!.startsWith('context window:'))).toBe(true);
  });

  it('conversations with a system prompt and earlier turns, and models made unavailable, give the same answers', () => {
    const ids = [...builtIn.catalog.ids];
    builtIn.state.update(new Map(builtIn.catalog.models.map((m) => [m.index, m.index % 3 === 0 ? { available: false, reason: 'circuit open' } : { available: true, ttftMs: 300 + m.index }])));
    try {
      const messages = (text: string) => [message('ROLE_SYSTEM', 'You are terse.'), userMessage('Earlier question.'), message('ROLE_ASSISTANT', 'Earlier answer.'), userMessage(text)];
      const options = variations(ids, ['quality']).map((o) => ({ ...o, labels: { session: 'conv', ...o.labels } }));
      const { compared } = compareAll(builtIn, PROMPTS.slice(0, 30), options);
      expect(compared).toBeGreaterThan(500);
      for (const text of PROMPTS.slice(0, 30)) {
        const req = { ...decideRequest(text, { messages: messages(text) }), explainTopK: 1_000_000 };
        expect(outcome(() => builtIn.decider.decide(req))).toEqual(outcome(() => builtIn.reference.decide(req)));
      }
    } finally {
      builtIn.state.update(new Map(builtIn.catalog.models.map((m) => [m.index, builtIn.state.base(m.index)])));
    }
  });
});
