/**
 * A real server with its /metrics endpoint on, Decide and Execute calls against fake
 * providers (one failing over from a 503ing model), then one scrape read by a Prometheus
 * text-format parser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECISION_SECONDS_BUCKETS } from '../../services/shared/metrics/decision-aggregate.js';
import { OPERATION_DURATION_BUCKETS, TOKEN_USAGE_BUCKETS } from '../../services/shared/metrics/genai-conventions.js';
import {
  PRICES,
  decide,
  execute,
  executeConfig,
  executeRequest,
  executeStream,
  expectedCost,
  standardModels,
  startExecuteServer,
  startStandardFakes,
  type ExecuteServer,
  type StandardFakes,
} from '../support/execute-fixture.js';
import { scrape, type Scrape } from './scrape.js';

const PROMPT = 'What is the capital of France? (planted-prompt-7c2e)';
const TENANT = 'tenant-planted-91ad';

let fakes: StandardFakes;
let s: ExecuteServer;
let m: Scrape;
const costs: number[] = [];
const references: number[] = [];

const ask = (extra = {}) => executeRequest(PROMPT, { labels: { tenant: TENANT }, ...extra });
const le = (buckets: readonly number[]) => [...buckets.map(String), '+Inf'];

beforeAll(async () => {
  fakes = await startStandardFakes();
  s = await startExecuteServer(executeConfig(standardModels(fakes)), { metricsListen: '127.0.0.1:0' });
  for (let i = 0; i < 3; i++) expect((await decide(s.client, ask())).err).toBeNull();
  const unknown = await decide(s.client, ask({ policy: 'policy-planted-3f0a' }));
  expect(unknown.err?.code).toBe(3); // INVALID_ARGUMENT

  const plain = await execute(s.client, ask());
  expect(plain.res!.model).toBe('cheap-openai');
  fakes.cheap.script({ fault: 'overloaded' }, { fault: 'overloaded' });
  const failover = await execute(s.client, ask());
  expect(failover.res!.model).toBe('mid-anthropic');
  fakes.cheap.script({ reply: 'cached-usage' });
  const cached = await execute(s.client, ask());
  expect(cached.res!.usage!.cachedInputTokens).toBeGreaterThan(0);
  const streamed = await executeStream(s.client, ask());
  expect(streamed.done!.model).toBe('cheap-openai');

  for (const r of [plain.res!, failover.res!, cached.res!, streamed.done!]) {
    costs.push(r.costUsd as number);
    // The reference model is the most capable eligible one: top-compat, at its own prices.
    const answer = r.attempts.filter((a) => a.outcome === 'ATTEMPT_OUTCOME_SUCCESS').at(-1)!.usage!;
    references.push(expectedCost({ input: Number(answer.inputTokens), output: Number(answer.outputTokens), cached: Number(answer.cachedInputTokens) }, PRICES.top));
  }
  m = await scrape(s.server.metricsAddress!);
});
afterAll(async () => {
  await s?.close();
  await fakes?.close();
});

describe('metrics - scrape after Decide and Execute calls', () => {
  it('counts every decision by model, policy, strategy and reason kind, and times them', () => {
    // 3 Decide calls and 4 Execute calls decided; the rejected request is no decision.
    expect(m.samples('switchyard_decisions_total').map((x) => [x.labels, Number(x.value)])).toEqual([
      [{ model: 'cheap-openai', policy: 'test', strategy: 'single', reason: 'best_utility' }, 7],
    ]);
    const duration = m.histogram('switchyard_decision_duration', { policy: 'test' });
    expect(duration.map((h) => h.count)).toEqual([7]);
    expect(duration[0]!.buckets.map(([b]) => b)).toEqual(le(DECISION_SECONDS_BUCKETS));
    expect(duration[0]!.buckets.at(-1)![1]).toBe(7);
    expect(duration[0]!.sum).toBeGreaterThan(0);
  });

  it('records GenAI operation duration and token usage with the conventions buckets and request/response models', () => {
    const duration = m.histogram('gen_ai_client_operation_duration');
    expect(duration.map((h) => h.buckets.map(([b]) => b))).toEqual(duration.map(() => le(OPERATION_DURATION_BUCKETS)));
    const by = (model: string) => ({ 'gen_ai.request.model': 'switchyard/test', 'gen_ai.response.model': model, 'gen_ai.operation.name': 'chat' });
    const promName = (labels: Record<string, string>) => Object.fromEntries(Object.entries(labels).map(([k, v]) => [k.replace(/\./g, '_'), v]));
    expect(m.total('gen_ai_client_operation_duration', promName({ ...by('cheap-openai'), 'gen_ai.provider.name': 'openai' }))).toBe(3);
    expect(m.total('gen_ai_client_operation_duration', promName({ ...by('mid-anthropic'), 'gen_ai.provider.name': 'anthropic' }))).toBe(1);

    const tokens = m.histogram('gen_ai_client_token_usage', promName({ ...by('mid-anthropic'), 'gen_ai.token.type': 'input' }));
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.buckets.map(([b]) => b)).toEqual(le(TOKEN_USAGE_BUCKETS));
    expect(tokens[0]!.sum).toBe(24);
    expect(m.total('gen_ai_client_token_usage', { gen_ai_token_type: 'output' })).toBe(4);

    const ttfc = m.histogram('gen_ai_client_operation_time_to_first_chunk');
    expect(ttfc.map((x) => [x.labels.gen_ai_response_model, x.count])).toEqual([['cheap-openai', 1]]);
    expect(ttfc[0]!.buckets.map(([b]) => b)).toEqual(le(OPERATION_DURATION_BUCKETS));
  });

  it('counts the failover, the cost, the reference cost and the savings', () => {
    expect(m.samples('switchyard_fallbacks_total').map((x) => [x.labels, Number(x.value)])).toEqual([[{ model: 'mid-anthropic', policy: 'test' }, 1]]);
    const spent = costs.reduce((a, b) => a + b, 0);
    const reference = references.reduce((a, b) => a + b, 0);
    expect(m.total('switchyard_cost_usd_total')).toBeCloseTo(spent, 12);
    expect(m.total('switchyard_cost_usd_total', { model: 'mid-anthropic' })).toBeCloseTo(costs[1]!, 12);
    expect(m.total('switchyard_reference_cost_usd_total', { policy: 'test' })).toBeCloseTo(reference, 12);
    expect(m.total('switchyard_savings_usd', { policy: 'test' })).toBeCloseTo(reference - spent, 12);
    expect(reference - spent).toBeGreaterThan(0);
  });

  it('counts the prompt-cache hit and shows every circuit closed', () => {
    expect(m.total('switchyard_prompt_cache_hits_total', { model: 'cheap-openai' })).toBe(1);
    expect(m.total('switchyard_prompt_cache_tokens_total', { model: 'cheap-openai' })).toBeGreaterThan(0);
    for (const model of ['cheap-openai', 'mid-anthropic', 'upper-gemini', 'top-compat']) {
      expect(m.total('switchyard_circuit_state', { model, deployment: 'd1', state: 'closed' })).toBe(1);
      expect(m.total('switchyard_circuit_state', { model, deployment: 'd1', state: 'open' })).toBe(0);
    }
  });

  it('carries no prompt, tenant or unknown policy in any label', () => {
    const values = m.labelValues();
    expect(values.length).toBeGreaterThan(50);
    for (const planted of ['planted-prompt-7c2e', TENANT, 'policy-planted-3f0a']) {
      expect(values.filter((v) => v.includes(planted))).toEqual([]);
      expect(m.text).not.toContain(planted);
    }
  });

  it('serves only /metrics', async () => {
    const res = await fetch(`http://${s.server.metricsAddress}/other`);
    expect(res.status).toBe(404);
    await res.text();
  });
});
