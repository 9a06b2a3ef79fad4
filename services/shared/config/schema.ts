/**
 * The configuration file's schema. Every object is strict: an unknown key is an error that
 * names its path. Keys are snake_case, as in the YAML; `loadConfig` returns the parsed,
 * validated value, and `catalog.ts` derives what the services use from it.
 */
import { z } from 'zod';
import { checkSpecSchema } from './check-spec.js';
import { SHADOW_DEFAULTS, shadowSection } from './shadow-schema.js';

import { driftSection, statusPageSection } from './monitoring-section.js';

export const CAPABILITIES = ['tools', 'vision', 'json_output', 'streaming'] as const;
export type CapabilityName = (typeof CAPABILITIES)[number];

export const PROVIDER_KINDS = ['openai', 'anthropic', 'gemini', 'openai-compatible', 'bedrock', 'azure-openai'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];
/** The kinds whose deployments are a base URL and, optionally, a key in one variable. */
const KEYED_KINDS = ['openai', 'anthropic', 'gemini', 'openai-compatible'] as const;

export const STRATEGIES = ['single', 'cascade', 'speculative'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

const nonNegative = z.number().finite().nonnegative();
const positiveInt = z.number().int().positive();
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, 'must be 1-128 characters of letters, digits and . _ : / -');
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name (A-Z, 0-9, _)');

/** How the router model predicts a catalog model's quality. */
export const qualityPrior = z.union([
  /** A model the routing data measured; `source` may name the data. */
  z.strictObject({ profile: z.string().min(1), source: z.string().min(1).optional() }),
  z.strictObject({ like: z.string().min(1), logit_shift: z.number().finite().default(0), source: z.string().min(1).optional() }),
  /**
   * A public score: like the profile `like` (default: the one of nearest mean), moved to the
   * score. `source` (the benchmark and its date) is required: load-config.ts says so by name,
   * since a union's own error could not.
   */
  z.strictObject({ benchmark: z.number().gt(0).lt(1), like: z.string().min(1).optional(), source: z.string().min(1).optional() }),
]);

const deploymentFields = {
  name: id,
  /** Residency label the router filters on (us, eu, local, ...). */
  region: z.string().min(1),
  /** The provider's name for the model, when it differs from the catalog id. */
  model_name: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
};

/**
 * A deployment, tagged by its provider kind. A deployment without `provider` takes its
 * model's (see `model`), so one model can be served by, say, Anthropic in the US and Bedrock in
 * the EU.
 */
export const deployment = z.discriminatedUnion('provider', [
  z.strictObject({
    provider: z.enum(KEYED_KINDS),
    ...deploymentFields,
    base_url: z.url({ protocol: /^https?$/ }),
    /** Environment variable that holds the API key; omit for servers that need none. */
    api_key_env: envName.optional(),
  }),
  /** AWS Bedrock (Converse / ConverseStream), signed with SigV4. */
  z.strictObject({
    provider: z.literal('bedrock'),
    ...deploymentFields,
    /** The AWS region to call and sign for, e.g. eu-central-1. */
    aws_region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1'),
    /** Default https://bedrock-runtime.{aws_region}.amazonaws.com (set it for a VPC endpoint). */
    base_url: z.url({ protocol: /^https?$/ }).optional(),
    /** Variables the credentials come from (never from this file). */
    access_key_id_env: envName.default('AWS_ACCESS_KEY_ID'),
    secret_access_key_env: envName.default('AWS_SECRET_ACCESS_KEY'),
    /** Read when set: temporary credentials carry a session token. */
    session_token_env: envName.default('AWS_SESSION_TOKEN'),
  }),
  /** Azure OpenAI: {base_url}/openai/deployments/{model_name}/chat/completions?api-version=... */
  z.strictObject({
    provider: z.literal('azure-openai'),
    ...deploymentFields,
    /** The resource endpoint, e.g. https://my-resource.openai.azure.com */
    base_url: z.url({ protocol: /^https?$/ }),
    /** e.g. 2024-10-21; each deployment may pin its own. */
    api_version: z.string().regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/, 'must be an Azure api-version such as 2024-10-21'),
    api_key_env: envName,
    /** 'api-key': the variable holds a resource key; 'entra': it holds a Microsoft Entra ID bearer token. */
    auth: z.enum(['api-key', 'entra']).default('api-key'),
  }),
]);

/** A deployment without its own `provider` takes the model's, before validation. */
function inheritProvider(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const m = raw as Record<string, unknown>;
  if (typeof m.provider !== 'string' || !Array.isArray(m.deployments)) return raw;
  const deployments = m.deployments.map((d: unknown) =>
    typeof d === 'object' && d !== null && !Array.isArray(d) && !('provider' in d) ? { provider: m.provider, ...d } : d,
  );
  return { ...m, deployments };
}

const modelObject = z.strictObject({
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

export const model = z.preprocess(inheritProvider, modelObject);

/**
 * Exploration with logged propensities (router/policy/exploration.ts): a share of decisions
 * goes to near-best eligible models with known probabilities. Off when absent.
 */
export const exploration = z.strictObject({
  /** The share of decisions that may go to a near-best model other than the best, in (0, 0.5]. */
  share: z.number().gt(0).max(0.5),
  /** Models within this much utility of the best (quality units) are near-best. */
  utility_margin: z.number().min(0).max(1).default(0.05),
  /** epsilon_greedy: the share is split evenly over the set; softmax: by exp(utility gap / temperature). */
  method: z.enum(['epsilon_greedy', 'softmax']).default('epsilon_greedy'),
  temperature: z.number().positive().default(0.02),
});

export const policy = z.strictObject({
  description: z.string().optional(),
  /** 0 = cheapest that does the job, 1 = best quality at any price (tradeoff.ts). */
  cost_quality_tradeoff: z.number().min(0).max(1).default(0.6),
  /** Utility lost per second of expected latency. */
  latency_weight: nonNegative.default(0),
  /** Choose among the models within this share of the best expected quality; 0 = the knob alone (policy/operating-point.ts). */
  quality_margin: z.number().min(0).max(0.5).default(0),
  strategy: z.enum(STRATEGIES).default('single'),
  max_fallbacks: z.number().int().min(0).max(10).default(3),
  /** Answer length assumed for cost and latency when the task's family gives none, capped by max_output_tokens. */
  expected_output_tokens: positiveInt.default(400),
  /** Cascade: the checks an answer must pass (checks/check-spec.ts). */
  checks: z.array(checkSpecSchema).default(['refusal', 'hedging', 'empty', 'truncated']),
  /** Cascade: at most this many stages. */
  max_stages: z.number().int().min(2).max(5).default(3),
  /**
   * Cascade: what happens when the last stage's answer fails a check too. "return": the answer
   * is returned with check_status FAILED and the reason; "error": the call fails with
   * FAILED_PRECONDITION naming the check.
   */
  on_final_check_failure: z.enum(['return', 'error']).default('return'),
  /** The model savings are measured against in decision records; default: the catalog's most expensive. */
  reference_model: id.optional(),
  /** Exploration with logged propensities; off when absent. Never applies to pinned requests. */
  exploration: exploration.optional(),
});

const filePath = z.string().min(1);

/** TLS for a server: its certificate and key; with `client_ca_file`, clients must present a certificate it signed (mTLS). Files are reloaded when they change. */
export const serverTls = z.strictObject({
  cert_file: filePath,
  key_file: filePath,
  client_ca_file: filePath.optional(),
  /** The files are read again this often; a changed certificate is used for new connections. */
  reload_interval_ms: positiveInt.default(5_000),
});

/** TLS for a client: the CA that signed the server's certificate; with cert and key files, the client's own certificate (mTLS). */
export const clientTls = z
  .strictObject({
    ca_file: filePath,
    cert_file: filePath.optional(),
    key_file: filePath.optional(),
    /** The name the server's certificate must carry, when it differs from the host dialled. */
    server_name: z.string().min(1).optional(),
    reload_interval_ms: positiveInt.default(5_000),
  })
  .refine((t) => (t.cert_file === undefined) === (t.key_file === undefined), { message: 'cert_file and key_file go together', path: ['key_file'] });

const tenantId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _');

/** An API key: its SHA-256 (hex) in the file, or the variable whose value is hashed at load. */
export const tenantKey = z.union([
  z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (the SHA-256 of the key)') }),
  z.strictObject({ env: envName }),
]);

export const tenant = z.strictObject({
  keys: z.array(tenantKey).min(1),
  /** Models the tenant may use; absent: every model. */
  models: z.array(id).min(1).optional(),
  /** Policies the tenant may ask for; absent: every policy. */
  policies: z.array(id).min(1).optional(),
  /** The policy of a request that names none; default router.default_policy. */
  default_policy: id.optional(),
  /** Regions its requests may be served from; absent: any. */
  regions: z.array(z.string().min(1)).min(1).optional(),
  limits: z.strictObject({ rpm: positiveInt.optional(), tpm: positiveInt.optional() }).default({}),
  /** Spend caps in USD (UTC day and month); absent: no cap. */
  budget: z.strictObject({ daily_usd: z.number().finite().positive().optional(), monthly_usd: z.number().finite().positive().optional() }).default({}),
});

export const executorSection = z.strictObject({
  /**
   * ExecutorService calls (from remote routers) worked on at once; past it a call is answered
   * RESOURCE_EXHAUSTED naming this key, and the router tries another executor.
   */
  max_in_flight: positiveInt.default(512),
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
  /** How a router reaches remote executors: TLS, and mTLS with a client certificate. */
  tls: clientTls.optional(),
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
  /** Replicas of the JetStream key-value buckets (the budget ledger, revoked keys): 3 on a cluster of 3 or more, so losing a node loses no count. */
  kv_replicas: z.number().int().min(1).max(5).default(1),
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

/** Router models promoted over NATS (services/router/model/model-follower.ts); needs JetStream. */
export const modelPromotionSection = z.strictObject({
  /** Follow promoted models when NATS is configured; false: only the model file. */
  enabled: z.boolean().default(true),
  /** This replica's name in `switchyard model status` (letters, digits, - _); default: host, pid and a random part. */
  replica_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _').optional(),
  /** A replica rewrites what it runs this often (and at once on a change). */
  report_interval_ms: positiveInt.default(10_000),
  /** At start, how long a replica waits for the promoted model before serving on its file; 0: never wait. */
  startup_wait_ms: nonNegative.default(5_000),
});

/** Metrics and logs (traces follow the standard OTEL_* variables). */
export const telemetrySection = z.strictObject({
  /** host:port of the Prometheus scrape endpoint (`/metrics`); off when unset. `serve --metrics-listen` overrides it. */
  metrics_listen: z.string().regex(/^[^\s]+:\d+$/, 'must be host:port').optional(),
  /** Least severe log level written; SWITCHYARD_LOG_LEVEL overrides it. */
  log_level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

const regex = z.string().min(1).refine((p) => {
  try {
    new RegExp(p, 'g');
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

/** The decision log (services/router/record/): where records go and what they may hold. */
export const decisionLogSection = z.strictObject({
  enabled: z.boolean().default(true),
  /** auto: JetStream when NATS is configured, else the local file store. */
  store: z.enum(['auto', 'file', 'jetstream']).default('auto'),
  /** Records waiting to be written; when full, new ones are dropped and counted. */
  queue_size: positiveInt.default(10_000),
  /** Records written in one batch, and the longest a record waits for a batch to fill. */
  batch_size: positiveInt.default(256),
  flush_interval_ms: positiveInt.default(20),
  /** Applied to prompt and answer text before it is stored (only with router.prompt_logging). */
  redact: z
    .array(z.strictObject({ pattern: regex, replace: z.string().default('[redacted]') }))
    .default([
      { pattern: 'sk-[A-Za-z0-9_-]{16,}', replace: '[key]' },
      { pattern: '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}', replace: '[email]' },
    ]),
  file: z
    .strictObject({
      /** Directory of the segment files, relative to the working directory. */
      dir: z.string().min(1).default('.switchyard/decisions'),
      /** A segment is closed when it reaches this size or age. */
      segment_bytes: positiveInt.default(16 * 1024 * 1024),
      segment_ms: positiveInt.default(3_600_000),
      /** Oldest segments are deleted past this total size or age. */
      max_bytes: positiveInt.default(1024 * 1024 * 1024),
      max_age_ms: positiveInt.default(30 * 86_400_000),
      /** Make written records durable against a crash of the machine (a crash of the process loses none that were written). */
      fsync: z.boolean().default(true),
      /** Group commit: one fdatasync for all batches written within this many ms (0: one after every batch). */
      fsync_interval_ms: z.number().int().min(0).default(1_000),
    })
    .default({ dir: '.switchyard/decisions', segment_bytes: 16 * 1024 * 1024, segment_ms: 3_600_000, max_bytes: 1024 * 1024 * 1024, max_age_ms: 30 * 86_400_000, fsync: true, fsync_interval_ms: 1_000 }),
  jetstream: z
    .strictObject({
      stream: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _').default('SWITCHYARD_DECISIONS'),
      replicas: z.number().int().min(1).max(5).default(1),
      max_bytes: positiveInt.default(10 * 1024 * 1024 * 1024),
      max_age_ms: positiveInt.default(30 * 86_400_000),
      /** A record published twice within this window is stored once. */
      duplicate_window_ms: positiveInt.default(120_000),
    })
    .default({ stream: 'SWITCHYARD_DECISIONS', replicas: 1, max_bytes: 10 * 1024 * 1024 * 1024, max_age_ms: 30 * 86_400_000, duplicate_window_ms: 120_000 }),
});

export const feedbackMetric = z.strictObject({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, _ . -, starting with a letter'),
  type: z.enum(['boolean', 'float']),
  better: z.enum(['higher', 'lower']).default('higher'),
  /** decision: a value per decision; episode: per episode (the decisions' `session` label). */
  per: z.enum(['decision', 'episode']).default('decision'),
  /**
   * Declares the metric a grade of the answer's quality, for `train --from-log` and
   * `eval --from-log`: a value of `min` maps to quality 0 and `max` to 1 (flipped when lower is
   * better), clamped; with several such metrics on a decision, their weighted mean.
   */
  quality: z.strictObject({ min: z.number().default(0), max: z.number().default(1), weight: z.number().positive().default(1) }).optional(),
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
  /**
   * Make the pin hard: only the pinned model may answer; when a hard filter excludes it the
   * request fails with FAILED_PRECONDITION, and the plan is a single call with no fallback.
   */
  pin_hard: z.boolean().optional(),
  /** With pin_hard: allow fallbacks to other eligible models when the pinned one fails. */
  pin_fallbacks: z.boolean().optional(),
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
      /**
       * RouterService calls worked on at once; past it a call is answered RESOURCE_EXHAUSTED at
       * once. Keeps an overloaded server from piling up calls whose deadlines then pass together
       * (see services/shared/grpc/admission.ts for why that breaks whole connections).
       */
      max_in_flight: positiveInt.default(512),
      /**
       * HTTP front door requests worked on at once (health and status pages aside); past it a
       * request is answered 503 with Retry-After, naming this key.
       */
      http_max_in_flight: positiveInt.default(512),
      /** TLS (and mTLS with client_ca_file) for every gRPC listener of this process. */
      tls: serverTls.optional(),
      /** Role all: where ExecutorService is served, apart from the public port; loopback unless mTLS is on. */
      internal_listen: z.string().min(1).default('127.0.0.1:0'),
      /** host:port of the OpenAI- and Anthropic-compatible HTTP front door; off when unset. */
      http_listen: z.string().regex(/^[^\s]+:\d+$/, 'must be host:port').optional(),
    })
    .default({ listen: '127.0.0.1:50051', max_request_bytes: 4 * 1024 * 1024, max_messages: 1000, shutdown_grace_ms: 10_000, max_in_flight: 512, http_max_in_flight: 512, internal_listen: '127.0.0.1:0' }),
  router: z
    .strictObject({
      model_file: z.string().min(1).default('models/router-model.syrm'),
      default_policy: z.string().min(1).default('balanced'),
      default_max_output_tokens: positiveInt.default(1024),
      /** Put prompt text into logs and decision records. Off by default. */
      prompt_logging: z.boolean().default(false),
      /** Use the WASM core (true) or its TypeScript reference (false). */
      wasm: z.boolean().default(true),
      model_promotion: modelPromotionSection.default(modelPromotionSection.parse({})),
    })
    .default({ model_file: 'models/router-model.syrm', default_policy: 'balanced', default_max_output_tokens: 1024, prompt_logging: false, wasm: true, model_promotion: modelPromotionSection.parse({}) }),
  executor: executorSection.default(executorSection.parse({})),
  decision_log: decisionLogSection.default(decisionLogSection.parse({})),
  feedback: z
    .strictObject({ metrics: z.array(feedbackMetric).default([]) })
    .default({ metrics: [] }),
  /** Shadow evaluation (shadow-schema.ts); off by default. */
  shadow: shadowSection.default(SHADOW_DEFAULTS),
  bus: busSection.default(busSection.parse({})),
  telemetry: telemetrySection.default(telemetrySection.parse({})),
  /** The live drift monitor and the status page (monitoring-section.ts). */
  drift: driftSection.default(driftSection.parse({})),
  status_page: statusPageSection.default(statusPageSection.parse({})),
  policies: z.record(id, policy).default({}),
  rules: z.array(rule).default([]),
  /** Tenants and their API keys; none: the API is open and served on loopback only. */
  tenants: z.record(tenantId, tenant).default({}),
  models: z.array(model).min(1),
});

export type Config = z.infer<typeof config>;
export type ModelConfig = z.infer<typeof modelObject>;
export type DeploymentConfig = z.infer<typeof deployment>;
export type PolicyConfig = z.infer<typeof policy>;
export type ExplorationConfig = z.infer<typeof exploration>;
export type BusConfig = z.infer<typeof busSection>;
export type ModelPromotionConfig = z.infer<typeof modelPromotionSection>;
export type TelemetryConfig = z.infer<typeof telemetrySection>;
export type DecisionLogConfig = z.infer<typeof decisionLogSection>;
export type FeedbackMetricConfig = z.infer<typeof feedbackMetric>;
export type RuleConfig = z.infer<typeof rule>;
export type TenantConfig = z.infer<typeof tenant>;
export type ServerTlsConfig = z.infer<typeof serverTls>;
export type ClientTlsConfig = z.infer<typeof clientTls>;
export type QualityPrior = z.infer<typeof qualityPrior>;
