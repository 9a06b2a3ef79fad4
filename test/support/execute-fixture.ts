/**
 * Shared set-up of the Execute suites (test/execute/): catalogs whose deployments point at the
 * local fake providers, configs written to a temporary file for startServer, the environment
 * that holds the fakes' keys, gRPC calls of Execute, ExecuteStream and Invoke, and an
 * ExecuteEngine assembled in process for tests that need to inject randomness.
 */
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { Executor } from '../../services/executor/executor.js';
import { ExecuteEngine } from '../../services/router/execute/execute-engine.js';
import { Decider } from '../../services/router/decide/decide.js';
import { ModelStore } from '../../services/router/model/model-store.js';
import { bridgeExecutorHealth } from './executor-health-bridge.js';
import { RoutingState } from '../../services/router/state/routing-state.js';
import { startServer, type RunningServer, type ServerOptions } from '../../services/server/switchyard-server.js';
import { routerClient } from '../../services/shared/grpc/router-client.js';
import { Catalog } from '../../services/shared/catalog.js';
import { PACKAGE_ROOT, parseConfig } from '../../services/shared/config/load-config.js';
import type { Config, ProviderKind } from '../../services/shared/config/schema.js';
import { switchyardProto } from '../../services/shared/grpc/proto.js';
import type { ProtoGrpcType as ExecutorProto } from '../../services/generated/executor_service.js';
import type { ExecutorServiceClient } from '../../services/generated/switchyard/v1/ExecutorService.js';
import type { RouterServiceClient } from '../../services/generated/switchyard/v1/RouterService.js';
import type { DecideResponse__Output } from '../../services/generated/switchyard/v1/DecideResponse.js';
import type { ExecuteRequest } from '../../services/generated/switchyard/v1/ExecuteRequest.js';
import type { ExecuteResponse__Output } from '../../services/generated/switchyard/v1/ExecuteResponse.js';
import type { ExecuteStreamResponse__Output } from '../../services/generated/switchyard/v1/ExecuteStreamResponse.js';
import type { InvokeRequest } from '../../services/generated/switchyard/v1/InvokeRequest.js';
import type { InvokeResponse__Output } from '../../services/generated/switchyard/v1/InvokeResponse.js';
import type { ListModelsResponse__Output } from '../../services/generated/switchyard/v1/ListModelsResponse.js';
import { silentLog } from './router-fixture.js';
import type { ProviderFake } from '../fakes/fake-contract.js';
import { startAnthropicFake, type AnthropicFake } from '../fakes/anthropic-fake.js';
import { startGeminiFake, type GeminiFake } from '../fakes/gemini-fake.js';
import { startOpenAIFake, type OpenAIFake } from '../fakes/openai-fake.js';

/** The keys the fakes expect by default, under the variables the catalog names. */
export const FAKE_KEYS = {
  OPENAI_API_KEY: 'sk-test',
  ANTHROPIC_API_KEY: 'sk-ant-test',
  GEMINI_API_KEY: 'AIza-gemini-test-key',
} as const;

const KEY_ENV: Record<ProviderKind, string | undefined> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  gemini: 'GEMINI_API_KEY',
  'openai-compatible': undefined,
  bedrock: undefined,
  'azure-openai': 'AZURE_OPENAI_API_KEY',
};

/** The answer every fake gives by default (EXPECTED.text of the conformance suite). */
export const FAKE_TEXT = 'The capital of France is Paris.';

export interface TestModel {
  id: string;
  provider: ProviderKind;
  /** Base URLs of the deployments, in order (deployment names d1, d2, ...). */
  urls: string[];
  /** The region of each deployment, in the order of `urls`; default "us". */
  regions?: string[];
  /** USD per million tokens. */
  prices: { input: number; output: number; cached_input?: number; cache_write?: number };
  /** The quality prior (a benchmark score in (0, 1)). */
  quality: number;
  contextWindow?: number;
  /** Overrides the provider's usual key variable; null: the deployments need no key. */
  apiKeyEnv?: string | null;
  /** The catalog's typical time to first token and output rate (the simulator uses both). */
  ttftMs?: number;
  outputTokensPerSecond?: number;
}

export interface ConfigOptions {
  executor?: Record<string, unknown>;
  policies?: Record<string, Record<string, unknown>>;
  rules?: Record<string, unknown>[];
  server?: Record<string, unknown>;
}

/** Executor settings that keep a suite fast: short timeouts and backoff. */
export const FAST_EXECUTOR = {
  simulate_without_credentials: false,
  attempt_timeout_ms: 2_000,
  ttft_timeout_ms: 1_500,
  total_timeout_ms: 10_000,
  retry_attempts: 2,
  retry_base_ms: 5,
  retry_cap_ms: 20,
  max_models: 4,
  // Breakers that stay closed, so the faults one test injects do not close a model for the
  // next (circuit-breaker-opens-and-heals sets its own).
  breaker: { window_ms: 60_000, min_calls: 1_000, failure_rate: 1, open_ms: 1_000 },
};

/**
 * A config object (snake_case, as in the YAML). The default policy `test` picks the cheapest
 * eligible model (trade-off 0), so with well-separated prices the decision's order is the
 * price order, except that the first fallback comes from another provider.
 */
export function executeConfig(models: TestModel[], o: ConfigOptions = {}): Record<string, unknown> {
  return {
    server: { shutdown_grace_ms: 2_000, ...o.server },
    router: { default_policy: 'test' },
    executor: { ...FAST_EXECUTOR, ...o.executor },
    policies: {
      test: { cost_quality_tradeoff: 0, max_fallbacks: 3, expected_output_tokens: 400 },
      ...o.policies,
    },
    rules: o.rules ?? [],
    models: models.map((m) => {
      const keyEnv = m.apiKeyEnv === null ? undefined : (m.apiKeyEnv ?? KEY_ENV[m.provider]);
      const window = m.contextWindow ?? 128_000;
      return {
        id: m.id,
        provider: m.provider,
        quality: { benchmark: m.quality, source: 'synthetic test score, 2026' },
        prices: m.prices,
        context_window: window,
        max_output_tokens: Math.min(8_192, window),
        capabilities: ['tools', 'json_output', 'streaming'],
        latency: { ttft_ms: m.ttftMs ?? 300, output_tokens_per_second: m.outputTokensPerSecond ?? 100 },
        deployments: m.urls.map((url, i) => ({
          name: `d${i + 1}`,
          base_url: url,
          region: m.regions?.[i] ?? 'us',
          ...(keyEnv ? { api_key_env: keyEnv } : {}),
        })),
      };
    }),
  };
}

/** Prices of the standard catalog, USD per million tokens: each model costs more than the one before. */
export const PRICES = {
  cheap: { input: 1, output: 2, cached_input: 0.25 },
  mid: { input: 2, output: 4, cached_input: 0.2 },
  upper: { input: 3, output: 6, cached_input: 0.3 },
  top: { input: 4, output: 8 },
} as const;

/**
 * One fake per model of the standard catalog, so a test can tell from the fake that was called
 * which model answered: `cheap` (openai), `mid` (anthropic), `upper` (gemini) and `top`
 * (a keyless openai-compatible server). With the `test` policy a request goes to
 * cheap-openai, then mid-anthropic, upper-gemini and top-compat.
 */
export interface StandardFakes {
  cheap: OpenAIFake;
  mid: AnthropicFake;
  upper: GeminiFake;
  top: OpenAIFake;
  all: ProviderFake[];
  reset(): void;
  close(): Promise<void>;
}

export async function startStandardFakes(): Promise<StandardFakes> {
  const [cheap, mid, upper, top] = await Promise.all([
    startOpenAIFake({ apiKey: FAKE_KEYS.OPENAI_API_KEY }),
    startAnthropicFake({ apiKey: FAKE_KEYS.ANTHROPIC_API_KEY }),
    startGeminiFake({ apiKey: FAKE_KEYS.GEMINI_API_KEY }),
    startOpenAIFake({ flavour: 'compatible', apiKey: '' }),
  ]);
  const all = [cheap, mid, upper, top];
  return {
    cheap,
    mid,
    upper,
    top,
    all,
    reset: () => all.forEach((f) => f.reset()),
    close: async () => void (await Promise.all(all.map((f) => f.close()))),
  };
}

export function standardModels(f: Pick<StandardFakes, 'cheap' | 'mid' | 'upper' | 'top'>): TestModel[] {
  return [
    { id: 'cheap-openai', provider: 'openai', urls: [f.cheap.url], prices: { ...PRICES.cheap }, quality: 0.6 },
    { id: 'mid-anthropic', provider: 'anthropic', urls: [f.mid.url], prices: { ...PRICES.mid }, quality: 0.7 },
    { id: 'upper-gemini', provider: 'gemini', urls: [f.upper.url], prices: { ...PRICES.upper }, quality: 0.8 },
    { id: 'top-compat', provider: 'openai-compatible', urls: [f.top.url], prices: { ...PRICES.top }, quality: 0.9 },
  ];
}

/** Wire-format problems any fake saw, by fake (empty when every request was well formed). */
export function wireProblems(fakes: readonly ProviderFake[]): string[] {
  return fakes.flatMap((f) => f.requests.flatMap((r) => r.problems.map((p) => `${f.url}: ${p}`)));
}

/** Writes a config object to a fresh temporary YAML file; returns its path. */
export function writeConfig(config: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-execute-'));
  const path = join(dir, 'switchyard.yaml');
  writeFileSync(path, stringify(config));
  return path;
}

export interface ExecuteServer {
  server: RunningServer;
  /** RouterService client (router roles). */
  client: RouterServiceClient;
  /** ExecutorService client (executor roles). */
  executorClient: ExecutorServiceClient;
  close(): Promise<void>;
}

export function executorServiceClient(address: string): ExecutorServiceClient {
  const Service = (switchyardProto().grpcObject as unknown as ExecutorProto).switchyard.v1.ExecutorService;
  return new Service(address, grpc.credentials.createInsecure());
}

/** Starts a real server on a free loopback port with this config and environment. */
export async function startExecuteServer(
  config: Record<string, unknown>,
  opts: Omit<ServerOptions, 'configPath'> = {},
): Promise<ExecuteServer> {
  const server = await startServer({
    listen: '127.0.0.1:0',
    log: silentLog,
    watchModel: false,
    env: { ...FAKE_KEYS },
    ...opts,
    configPath: writeConfig(config),
  });
  const client = routerClient(server.address);
  // Role all serves ExecutorService on its internal listener, apart from the public port.
  const executorClient = executorServiceClient(server.internalAddress ?? server.address);
  return {
    server,
    client,
    executorClient,
    async close() {
      client.close();
      executorClient.close();
      await server.shutdown(1_000);
    },
  };
}

/** An ExecuteRequest with one user message. */
export function executeRequest(text: string, extra: Partial<ExecuteRequest> = {}): ExecuteRequest {
  return { messages: [{ role: 'ROLE_USER', content: [{ text }] }], ...extra };
}

export interface CallOptions {
  deadlineMs?: number;
  metadata?: grpc.Metadata;
}

function unary<Res>(client: grpc.Client, method: string, request: unknown, o: CallOptions = {}): Promise<{ err: grpc.ServiceError | null; res?: Res; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    (client as any)[method](request, o.metadata ?? new grpc.Metadata(), { deadline: Date.now() + (o.deadlineMs ?? 10_000) }, (err: grpc.ServiceError | null, res?: Res) =>
      resolve({ err, ...(res ? { res } : {}), ms: Date.now() - started }),
    );
  });
}

export const execute = (client: RouterServiceClient, request: ExecuteRequest, o?: CallOptions) =>
  unary<ExecuteResponse__Output>(client, 'execute', request, o);

export const decide = (client: RouterServiceClient, request: ExecuteRequest, o?: CallOptions) =>
  unary<DecideResponse__Output>(client, 'decide', request, o);

export const listModels = (client: RouterServiceClient) => unary<ListModelsResponse__Output>(client, 'listModels', {});

export const invoke = (client: ExecutorServiceClient, request: InvokeRequest, o?: CallOptions) =>
  unary<InvokeResponse__Output>(client, 'invoke', request, o);

export interface StreamResult {
  events: ExecuteStreamResponse__Output[];
  err: grpc.ServiceError | null;
  /** The text of every text_delta, joined. */
  text: string;
  done?: ExecuteResponse__Output;
}

/**
 * Runs ExecuteStream to its end and collects what arrived. `onEvent` sees each event and may
 * return 'cancel' to cancel the call from the client side.
 */
export function executeStream(
  client: RouterServiceClient,
  request: ExecuteRequest,
  o: CallOptions & { onEvent?: (e: ExecuteStreamResponse__Output) => 'cancel' | undefined } = {},
): Promise<StreamResult> {
  return new Promise((resolve) => {
    const events: ExecuteStreamResponse__Output[] = [];
    const call = client.executeStream({ request }, o.metadata ?? new grpc.Metadata(), { deadline: Date.now() + (o.deadlineMs ?? 10_000) });
    let err: grpc.ServiceError | null = null;
    call.on('data', (e: ExecuteStreamResponse__Output) => {
      events.push(e);
      if (o.onEvent?.(e) === 'cancel') call.cancel();
    });
    call.on('error', (e: grpc.ServiceError) => (err = e));
    call.on('status', () => {
      // 'status' comes after the last 'data' and after 'error'.
      setImmediate(() => {
        const text = events.flatMap((e) => (e.event === 'textDelta' ? [e.textDelta!] : [])).join('');
        const done = events.find((e) => e.event === 'done')?.done ?? undefined;
        resolve({ events, err, text, ...(done ? { done } : {}) });
      });
    });
  });
}

/** An OpenAI chat completion body with this text and usage, to script a fake's answer. */
export function openAICompletion(
  text: string,
  o: { model?: string; promptTokens?: number; completionTokens?: number; finishReason?: string } = {},
): Record<string, unknown> {
  const promptTokens = o.promptTokens ?? 24;
  const completionTokens = o.completionTokens ?? Math.max(1, Math.ceil(text.length / 4));
  return {
    id: `chatcmpl-test${Math.random().toString(16).slice(2, 12)}`,
    object: 'chat.completion',
    created: 1741569952,
    model: o.model ?? 'gpt-test',
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: o.finishReason ?? 'stop' }],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    },
  };
}

/** USD per attempt, computed the way a provider's bill does it, from per-million prices. */
export function expectedCost(
  usage: { input: number; output: number; cached?: number },
  prices: { input: number; output: number; cached_input?: number },
): number {
  const cached = usage.cached ?? 0;
  return ((usage.input - cached) * prices.input + cached * (prices.cached_input ?? prices.input) + usage.output * prices.output) / 1e6;
}

/** Waits until `predicate` holds, polling; throws with `what` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface InProcessEngine {
  config: Config;
  catalog: Catalog;
  executor: Executor;
  decider: Decider;
  state: RoutingState;
  engine: ExecuteEngine;
  close(): void;
}

/**
 * The router and executor of an `all` server without the gRPC layer, so that a test can give
 * the executor its random source (deployment order among equally idle deployments).
 */
export async function inProcessEngine(
  configObject: Record<string, unknown>,
  o: { env?: NodeJS.ProcessEnv; random?: () => number } = {},
): Promise<InProcessEngine> {
  const config = parseConfig(stringify(configObject), 'test config');
  const env = o.env ?? { ...FAKE_KEYS };
  const catalog = new Catalog(config, env);
  const state = new RoutingState(catalog);
  const models = await ModelStore.open({ file: resolve(PACKAGE_ROOT, config.router.model_file), catalog, wasm: config.router.wasm, log: silentLog });
  const decider = new Decider({ config, catalog, scoring: models, status: state.current });
  const executor = new Executor({ config, catalog, env, log: silentLog, ...(o.random ? { random: o.random } : {}) });
  const stopBridge = bridgeExecutorHealth(executor, state);
  const engine = new ExecuteEngine({ decider, executor, config, catalog });
  return {
    config,
    catalog,
    executor,
    decider,
    state,
    engine,
    close() {
      stopBridge();
      void models.close();
    },
  };
}
