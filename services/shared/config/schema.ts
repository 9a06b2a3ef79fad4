/**
 * The configuration file's schema. Every object is strict: an unknown key is an error that
 * names its path. Keys are snake_case, as in the YAML; `loadConfig` returns the parsed,
 * validated value, and `catalog.ts` derives what the services use from it.
 */
import { z } from 'zod';
import { checkSpecSchema } from './check-spec.js';

export const CAPABILITIES = ['tools', 'vision', 'json_output', 'streaming'] as const;
export type CapabilityName = (typeof CAPABILITIES)[number];

export const PROVIDER_KINDS = ['openai', 'anthropic', 'gemini', 'openai-compatible'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const STRATEGIES = ['single', 'cascade', 'speculative'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

const nonNegative = z.number().finite().nonnegative();
const positiveInt = z.number().int().positive();
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, 'must be 1-128 characters of letters, digits and . _ : / -');
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name (A-Z, 0-9, _)');

/** How the router model predicts a catalog model's quality. */
export const qualityPrior = z.union([
  z.strictObject({ profile: z.string().min(1) }),
  z.strictObject({ like: z.string().min(1), logit_shift: z.number().finite().default(0) }),
  z.strictObject({ benchmark: z.number().gt(0).lt(1) }),
]);

export const deployment = z.strictObject({
  name: id,
  base_url: z.url({ protocol: /^https?$/ }),
  /** Environment variable that holds the API key; omit for servers that need none. */
  api_key_env: envName.optional(),
  region: z.string().min(1),
  /** The provider's name for the model, when it differs from the catalog id. */
  model_name: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

export const model = z.strictObject({
  id,
  provider: z.enum(PROVIDER_KINDS),
  quality: qualityPrior,
  prices: z.strictObject({
    input: nonNegative,
    output: nonNegative,
    cached_input: nonNegative.optional(),
    cache_write: nonNegative.optional(),
  }),
  context_window: positiveInt,
  max_output_tokens: positiveInt,
  capabilities: z.array(z.enum(CAPABILITIES)).default([]),
  /** ISO 639-1 codes, or ["*"] for a model that handles every common language. */
  languages: z.array(z.string().regex(/^(\*|[a-z]{2,3})$/, 'must be an ISO 639-1 code or "*"')).min(1).default(['*']),
  latency: z.strictObject({ ttft_ms: nonNegative, output_tokens_per_second: z.number().positive() }),
  limits: z.strictObject({ rpm: positiveInt.optional(), tpm: positiveInt.optional() }).default({}),
  deployments: z.array(deployment).min(1),
  /** Where the figures come from. */
  source: z.string().optional(),
});

export const policy = z.strictObject({
  description: z.string().optional(),
  /** 0 = cheapest that does the job, 1 = best quality at any price (tradeoff.ts). */
  cost_quality_tradeoff: z.number().min(0).max(1).default(0.6),
  /** Utility lost per second of expected latency. */
  latency_weight: nonNegative.default(0),
  strategy: z.enum(STRATEGIES).default('single'),
  max_fallbacks: z.number().int().min(0).max(10).default(3),
  /** Answer length assumed for cost and latency estimates, capped by max_output_tokens. */
  expected_output_tokens: positiveInt.default(400),
  /** Cascade: the checks an answer must pass (checks/check-spec.ts). */
  checks: z.array(checkSpecSchema).default(['refusal', 'hedging', 'empty', 'truncated']),
  /** Cascade: at most this many stages. */
  max_stages: z.number().int().min(2).max(5).default(3),
});

export const executorSection = z.strictObject({
  /** Serve models that have no credentials from the built-in simulator (answers are simulated). */
  simulate_without_credentials: z.boolean().default(false),
  /**
   * The simulator replays routing data files (DESIGN.md "Routing data"): a prompt of the data
   * gets the outcome recorded for the model asked (`models` maps catalog ids onto the data's
   * model ids), and the `judge` model grades from that outcome.
   */
  simulator_replay: z
    .strictObject({
      data: z.array(z.string().min(1)).min(1),
      models: z.record(z.string(), z.string().min(1)).default({}),
      judge: z.string().min(1).optional(),
    })
    .optional(),
  /** One provider call, from request to last byte. */
  attempt_timeout_ms: positiveInt.default(60_000),
  /** A stream's time to its first event; past it the call fails over (nothing was sent yet). */
  ttft_timeout_ms: positiveInt.default(20_000),
  /** A whole Execute, all attempts included, when the client sets no shorter deadline. */
  total_timeout_ms: positiveInt.default(120_000),
  /** Calls to one deployment, the first included, when retrying can help. */
  retry_attempts: z.number().int().min(1).max(10).default(2),
  retry_base_ms: positiveInt.default(200),
  retry_cap_ms: positiveInt.default(4_000),
  /** Models tried for one request (the chosen one and its fallbacks). */
  max_models: z.number().int().min(1).max(10).default(4),
  breaker: z
    .strictObject({
      window_ms: positiveInt.default(30_000),
      min_calls: positiveInt.default(10),
      failure_rate: z.number().gt(0).max(1).default(0.5),
      open_ms: positiveInt.default(30_000),
    })
    .default({ window_ms: 30_000, min_calls: 10, failure_rate: 0.5, open_ms: 30_000 }),
  /** Executors a router-only process sends calls to (host:port); empty: in-process executor. */
  remote: z.array(z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port')).default([]),
});

/** The bus: NATS when a URL is set (here or in NATS_URL), otherwise in-process. */
export const busSection = z.strictObject({
  nats: z
    .strictObject({
      /** Server URLs (nats://, tls://); NATS_URL (comma-separated) takes precedence. */
      servers: z.array(z.string().regex(/^(nats|tls|ws|wss):\/\/[^\s]+$/, 'must be a nats://, tls://, ws:// or wss:// URL')).default([]),
      /** Variables the credentials come from (never from this file). */
      token_env: envName.default('NATS_TOKEN'),
      user_env: envName.default('NATS_USER'),
      password_env: envName.default('NATS_PASSWORD'),
      nkey_seed_env: envName.default('NATS_NKEY_SEED'),
      /** TLS files; NATS_TLS_CA, NATS_TLS_CERT, NATS_TLS_KEY override them. */
      tls: z.strictObject({ ca_file: z.string().min(1).optional(), cert_file: z.string().min(1).optional(), key_file: z.string().min(1).optional() }).optional(),
    })
    .default({ servers: [], token_env: 'NATS_TOKEN', user_env: 'NATS_USER', password_env: 'NATS_PASSWORD', nkey_seed_env: 'NATS_NKEY_SEED' }),
  /** This executor's id on the bus (letters, digits, - _); default: host, pid and a random part. */
  executor_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _').optional(),
  /** host:port routers reach this executor at; default: the address it listens on. */
  advertise: z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port').optional(),
  /** Executors report health this often, and at once on a circuit change. */
  health_interval_ms: positiveInt.default(1_000),
  /** A health or rate-limit report holds this long; then it decays. */
  health_ttl_ms: positiveInt.default(5_000),
  /** Reports on a change are at least this far apart (bursts are coalesced). */
  min_report_gap_ms: nonNegative.default(25),
  announce_interval_ms: positiveInt.default(2_000),
  /** An executor not heard of for this long is forgotten (unless the bus itself is down). */
  announce_ttl_ms: positiveInt.default(6_000),
  /** Prompt-cache reports are batched over this period. */
  cache_interval_ms: positiveInt.default(250),
  prompt_cache: z
    .strictObject({
      /** How long a provider keeps a prefix after its last use. */
      ttl_ms: positiveInt.default(300_000),
      /** Entries (model, prefix) a router keeps. */
      max_entries: positiveInt.default(100_000),
      /** Prefixes shorter than this are not reported (providers do not cache them). */
      min_prefix_tokens: nonNegative.default(1_024),
      /** A session keeps its model unless another is better by more than this utility. */
      stickiness_margin: nonNegative.default(0.02),
      /** Sessions a router remembers. */
      max_sessions: positiveInt.default(100_000),
    })
    .default({ ttl_ms: 300_000, max_entries: 100_000, min_prefix_tokens: 1_024, stickiness_margin: 0.02, max_sessions: 100_000 }),
  /** Calls a router makes for one model request, each on another executor. */
  max_executor_attempts: z.number().int().min(1).max(10).default(2),
});

const ruleMatch = z.strictObject({
  tenant: z.array(z.string()).optional(),
  user_tier: z.array(z.string()).optional(),
  task: z.array(z.string()).optional(),
  labels: z.record(z.string(), z.array(z.string())).optional(),
  min_prompt_tokens: z.number().int().nonnegative().optional(),
  max_prompt_tokens: z.number().int().nonnegative().optional(),
  capabilities: z.array(z.enum(CAPABILITIES)).optional(),
});

const ruleAction = z.strictObject({
  /** Choose this model (when it passes the hard filters). */
  pin: id.optional(),
  /** Choose only among these models. */
  restrict: z.array(id).min(1).optional(),
  /** Never choose these models. */
  exclude: z.array(id).min(1).optional(),
  /** Decide with this policy. */
  policy: z.string().min(1).optional(),
  strategy: z.enum(STRATEGIES).optional(),
});

export const rule = z.strictObject({
  name: id,
  match: ruleMatch.default({}),
  action: ruleAction,
  /** Stop evaluating later rules when this one matches. */
  final: z.boolean().default(false),
});

export const config = z.strictObject({
  server: z
    .strictObject({
      listen: z.string().min(1).default('127.0.0.1:50051'),
      max_request_bytes: positiveInt.default(4 * 1024 * 1024),
      max_messages: positiveInt.default(1000),
      shutdown_grace_ms: nonNegative.default(10_000),
      /** host:port of the OpenAI- and Anthropic-compatible HTTP front door; off when unset. */
      http_listen: z.string().regex(/^[^\s]+:\d+$/, 'must be host:port').optional(),
    })
    .default({ listen: '127.0.0.1:50051', max_request_bytes: 4 * 1024 * 1024, max_messages: 1000, shutdown_grace_ms: 10_000 }),
  router: z
    .strictObject({
      model_file: z.string().min(1).default('models/router-model.syrm'),
      default_policy: z.string().min(1).default('balanced'),
      default_max_output_tokens: positiveInt.default(1024),
      /** Put prompt text into logs and decision records. Off by default. */
      prompt_logging: z.boolean().default(false),
      /** Use the WASM core (true) or its TypeScript reference (false). */
      wasm: z.boolean().default(true),
    })
    .default({ model_file: 'models/router-model.syrm', default_policy: 'balanced', default_max_output_tokens: 1024, prompt_logging: false, wasm: true }),
  executor: executorSection.default(executorSection.parse({})),
  bus: busSection.default(busSection.parse({})),
  policies: z.record(id, policy).default({}),
  rules: z.array(rule).default([]),
  models: z.array(model).min(1),
});

export type Config = z.infer<typeof config>;
export type ModelConfig = z.infer<typeof model>;
export type DeploymentConfig = z.infer<typeof deployment>;
export type PolicyConfig = z.infer<typeof policy>;
export type BusConfig = z.infer<typeof busSection>;
export type RuleConfig = z.infer<typeof rule>;
export type QualityPrior = z.infer<typeof qualityPrior>;
