/**
 * Shadow evaluation in process: the simulator as every model's provider (no waits), a Decider,
 * an Executor, an ExecuteEngine whose recorder offers each call to a ShadowEvaluator, and a
 * recording executor in between that can hold a model's calls until a test releases them.
 */
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { Executor } from '../../services/executor/executor.js';
import { startSimulator, type Simulator } from '../../services/executor/simulator/simulator-server.js';
import type { ReplayPlayer } from '../../services/executor/simulator/replay.js';
import { Decider } from '../../services/router/decide/decide.js';
import type { RouteRequestFields } from '../../services/router/decide/validate-request.js';
import { ExecuteEngine } from '../../services/router/execute/execute-engine.js';
import { ModelStore } from '../../services/router/model/model-store.js';
import { ShadowBudget } from '../../services/router/shadow/shadow-budget.js';
import { ShadowEvaluator } from '../../services/router/shadow/shadow-evaluator.js';
import { RoutingState } from '../../services/router/state/routing-state.js';
import { MemoryCasStore } from '../../services/router/tenancy/cas-store.js';
import { Ledger } from '../../services/router/tenancy/ledger.js';
import type { SubmitFeedbackRequest__Output } from '../../services/generated/switchyard/v1/SubmitFeedbackRequest.js';
import { Catalog } from '../../services/shared/catalog.js';
import { PACKAGE_ROOT, parseConfig } from '../../services/shared/config/load-config.js';
import type { Config } from '../../services/shared/config/schema.js';
import type { ExecutorClient, InvokeInput } from '../../services/shared/contracts/invoke.js';
import type { ShadowFact } from '../../services/shared/metrics/metrics-recorder.js';
import { NOOP_METRICS } from '../../services/shared/metrics/metrics-recorder.js';
import { silentLog } from '../support/router-fixture.js';
import { decideRequest, type RequestOptions } from '../support/requests.js';
import { seededRandom } from '../../services/bench/random-model.js';

/** USD per million tokens: routed cheap, the reference dear, the judge in between. */
export const SHADOW_MODELS = [
  { id: 'cheap', regions: ['us', 'eu'], prices: { input: 1, output: 2 }, quality: 0.6 },
  { id: 'mid', regions: ['us', 'eu'], prices: { input: 2, output: 4 }, quality: 0.7 },
  { id: 'judge', regions: ['us', 'eu'], prices: { input: 3, output: 6 }, quality: 0.8 },
  { id: 'ref-us', regions: ['us'], prices: { input: 10, output: 20 }, quality: 0.9 },
] as const;

/** A config object whose policy `test` chooses `cheap`; `shadow` is the shadow section. */
export function shadowConfig(simulatorUrl: string, shadow: Record<string, unknown>, extra: Record<string, unknown> = {}, urls: Record<string, string> = {}): Record<string, unknown> {
  return {
    router: { default_policy: 'test' },
    executor: { simulate_without_credentials: false, retry_attempts: 1, retry_base_ms: 1, retry_cap_ms: 2, total_timeout_ms: 10_000 },
    decision_log: { enabled: false },
    feedback: { metrics: [{ name: 'shadow_win', type: 'float' }] },
    policies: { test: { cost_quality_tradeoff: 0, max_fallbacks: 1 } },
    shadow: { reference_model: 'ref-us', judge_model: 'judge', daily_budget_usd: 100, concurrency: 1, ...shadow },
    models: SHADOW_MODELS.map((m) => ({
      id: m.id,
      provider: 'openai-compatible',
      quality: { benchmark: m.quality, source: 'synthetic test score, 2026' },
      prices: m.prices,
      context_window: 128_000,
      max_output_tokens: 4_096,
      capabilities: ['tools', 'json_output', 'streaming'],
      latency: { ttft_ms: 100, output_tokens_per_second: 100 },
      deployments: m.regions.map((region) => ({ name: `${m.id}-${region}`, base_url: urls[m.id] ?? simulatorUrl, region, model_name: m.id })),
    })),
    ...extra,
  };
}

/** Passes calls through, recording each; `hold(model)` keeps that model's calls waiting until `release()`. */
export class RecordingExecutor implements ExecutorClient {
  readonly calls: InvokeInput[] = [];
  readonly events: string[] = [];
  private held: string | undefined;
  private waiting: (() => void)[] = [];

  constructor(private readonly inner: ExecutorClient) {}

  hold(model: string): void {
    this.held = model;
  }

  release(): void {
    this.held = undefined;
    for (const w of this.waiting.splice(0)) w();
  }

  async invoke(input: InvokeInput, signal: AbortSignal) {
    this.calls.push(input);
    this.events.push(`call ${input.step} ${input.model}`);
    if (this.held === input.model) await new Promise<void>((r) => this.waiting.push(r));
    const out = await this.inner.invoke(input, signal);
    this.events.push(`done ${input.step} ${input.model}`);
    return out;
  }

  invokeStream(input: InvokeInput, signal: AbortSignal) {
    this.calls.push(input);
    return this.inner.invokeStream(input, signal);
  }

  steps(step: string): InvokeInput[] {
    return this.calls.filter((c) => c.step === step);
  }
}

export interface ShadowRig {
  config: Config;
  simulator: Simulator;
  executor: RecordingExecutor;
  engine: ExecuteEngine;
  shadow: ShadowEvaluator;
  budget: ShadowBudget;
  feedback: SubmitFeedbackRequest__Output[];
  facts: ShadowFact[];
  /** The clock of the budget's ledger. */
  clock: { now: number };
  execute(req: RouteRequestFields): ReturnType<ExecuteEngine['execute']>;
  close(): Promise<void>;
}

export async function shadowRig(shadow: Record<string, unknown>, o: { random?: () => number; replay?: ReplayPlayer; extra?: Record<string, unknown>; urls?: Record<string, string> } = {}): Promise<ShadowRig> {
  const simulator = await startSimulator({ ttftMs: 0, tokensPerSecond: 1e9, ...(o.replay ? { replay: o.replay } : {}) });
  const config = parseConfig(stringify(shadowConfig(simulator.url, shadow, o.extra, o.urls)), 'shadow test config');
  const catalog = new Catalog(config, {});
  const state = new RoutingState(catalog);
  const models = await ModelStore.open({ file: resolve(PACKAGE_ROOT, config.router.model_file), catalog, wasm: config.router.wasm, log: silentLog });
  const decider = new Decider({ config, catalog, scoring: models, status: state.current });
  const executor = new RecordingExecutor(new Executor({ config, catalog, env: {}, log: silentLog }));
  const clock = { now: Date.UTC(2026, 0, 10, 12) };
  const ledger = new Ledger({ store: new MemoryCasStore(), now: () => clock.now, holdTtlMs: 60_000 });
  const budget = new ShadowBudget({ ledger, catalog, dailyUsd: config.shadow.daily_budget_usd ?? 1, now: () => clock.now });
  const feedback: SubmitFeedbackRequest__Output[] = [];
  const facts: ShadowFact[] = [];
  const metrics = { ...NOOP_METRICS, shadow: (f: ShadowFact) => void facts.push(f) };
  const evaluator = new ShadowEvaluator({ config, catalog, executor, budget, metrics, log: silentLog, feedback: (f) => void feedback.push(f), ...(o.random ? { random: o.random } : {}) });
  const engine = new ExecuteEngine({
    decider,
    executor,
    config,
    catalog,
    record: (d) => {
      executor.events.push('recorded');
      evaluator.offer(d);
    },
  });
  const controller = new AbortController();
  return {
    config,
    simulator,
    executor,
    engine,
    shadow: evaluator,
    budget,
    feedback,
    facts,
    clock,
    execute: (req) => engine.execute(req, controller.signal),
    async close() {
      await evaluator.close();
      await models.close();
      await simulator.close();
    },
  };
}

/** A request with one user message (defaults filled, as the gRPC server hands them on). */
export function ask(text: string, o: RequestOptions = {}): RouteRequestFields {
  return decideRequest(text, o);
}

/** A seeded uniform source in [0, 1): the benchmarks' mulberry32. */
export const seeded = seededRandom;
