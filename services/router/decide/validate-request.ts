/**
 * Validates a Decide/Execute request and turns it into the neutral form the pipeline and the
 * executors use. Every problem is an InvalidArgumentError naming the field's path; the first
 * problem found is reported.
 */
import type { DecideRequest__Output } from '../../generated/switchyard/v1/DecideRequest.js';
import type { Catalog } from '../../shared/catalog.js';
import type { CapabilityName, StrategyName } from '../../shared/config/schema.js';
import { InvalidArgumentError, shown } from '../../shared/errors.js';
import type { ChatMessage, ResponseFormat, ToolDefinition } from '../../shared/contracts/provider.js';
import { convertMessage, responseFormatFromProto, toolsFromProto } from '../../shared/grpc/chat-from-proto.js';

/** The fields Decide and Execute requests share. */
export type RouteRequestFields = Pick<
  DecideRequest__Output,
  'messages' | 'tools' | 'responseFormat' | 'maxOutputTokens' | 'requirements' | 'preferences' | 'policy' | 'labels' | 'strategy'
> & { model?: string; explainTopK?: number | null };

export interface Labels {
  tenant: string;
  userTier: string;
  task: string;
  session: string;
  extra: Record<string, string>;
}

export interface NormalizedRequest {
  messages: ChatMessage[];
  /** Text of the last user message: what the quality prediction reads. */
  qualityText: string;
  /** UTF-16 length of all other message text, tool definitions and schemas. */
  otherTextUnits: number;
  imageCount: number;
  tools: ToolDefinition[];
  responseFormat: ResponseFormat;
  /** 0 = not set by the request. */
  maxOutputTokens: number;
  requiredCapabilities: Set<CapabilityName>;
  minContextTokens: number;
  regions: string[];
  languages: string[];
  allowModels: Set<string> | null;
  denyModels: Set<string>;
  /** requirements.pin_model: a hard pin; empty when none. */
  pinModel: string;
  tradeoff?: number;
  maxCostUsd?: number;
  latencyBudgetMs?: number;
  /** Execute only: sampling temperature. */
  temperature?: number;
  /** Decide only: how many candidate rows to explain; undefined = the default. */
  explainTopK?: number;
  policy: string;
  labels: Labels;
  strategy?: StrategyName;
  /** The catalog model the request asks for first; undefined when the router chooses. */
  model?: string;
  /** Bytes of content (text and images), for the size limit. */
  contentBytes: number;
}

export interface ValidationLimits {
  maxMessages: number;
  maxRequestBytes: number;
  policies: ReadonlySet<string>;
  catalog: Catalog;
}

const CAPABILITY_NAMES: Record<string, CapabilityName> = {
  CAPABILITY_TOOLS: 'tools',
  CAPABILITY_VISION: 'vision',
  CAPABILITY_JSON_OUTPUT: 'json_output',
  CAPABILITY_STREAMING: 'streaming',
};
const STRATEGY_NAMES: Record<string, StrategyName | undefined> = {
  STRATEGY_UNSPECIFIED: undefined,
  STRATEGY_SINGLE: 'single',
  STRATEGY_CASCADE: 'cascade',
  STRATEGY_SPECULATIVE: 'speculative',
};
const LANGUAGE = /^[a-z]{2,3}$/;
/** Size limits of list and label fields, so that no field (or a message that repeats it) grows without bound. */
export const FIELD_LIMITS = { listEntries: 256, regionChars: 64, labelChars: 256, extraLabels: 64, tools: 256 } as const;
const MAX_OUTPUT_TOKENS = 1_000_000;

function fail(field: string, reason: string): never {
  throw new InvalidArgumentError(field, reason);
}

export function validateRequest(req: RouteRequestFields, limits: ValidationLimits): NormalizedRequest {
  if (req.messages.length === 0) fail('messages', 'must not be empty');
  if (req.messages.length > limits.maxMessages) fail('messages', `has ${req.messages.length} messages, over the limit of ${limits.maxMessages}`);
  const counters = { bytes: 0, images: 0 };
  const messages = req.messages.map((m, i) => convertMessage(m, `messages[${i}]`, counters));

  let lastUser = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role === 'user') {
      lastUser = i;
      break;
    }
  }
  if (lastUser < 0) fail('messages', 'must contain at least one user message');
  const textOf = (m: ChatMessage) => {
    const c = m.content;
    if (c.length === 1) return c[0]!.type === 'text' ? c[0]!.text : '';
    return c.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');
  };
  const qualityText = textOf(messages[lastUser]!);

  const { tools, units: toolUnits0 } = toolsFromProto(req.tools);
  const responseFormat = responseFormatFromProto(req.responseFormat);
  const toolUnits = toolUnits0 + (responseFormat.type === 'json_schema' ? req.responseFormat!.schemaJson.length : 0);

  counters.bytes += toolUnits;
  if (counters.bytes > limits.maxRequestBytes) {
    fail('messages', `the request holds ${counters.bytes} bytes of content, over the limit of ${limits.maxRequestBytes} (server.max_request_bytes)`);
  }

  if (req.maxOutputTokens > MAX_OUTPUT_TOKENS) fail('max_output_tokens', `must be at most ${MAX_OUTPUT_TOKENS}`);

  const r = req.requirements;
  const requiredCapabilities = new Set<CapabilityName>();
  r?.capabilities.forEach((c, i) => {
    const name = CAPABILITY_NAMES[c as string];
    if (!name) fail(`requirements.capabilities[${i}]`, `unknown capability ${shown(c)}`);
    requiredCapabilities.add(name);
  });
  if (tools.length > 0) requiredCapabilities.add('tools');
  if (counters.images > 0) requiredCapabilities.add('vision');
  if (responseFormat.type !== 'text') requiredCapabilities.add('json_output');

  const L = FIELD_LIMITS;
  if (req.tools.length > L.tools) fail('tools', `has ${req.tools.length} tools, over the limit of ${L.tools}`);
  for (const [field, list] of [
    ['requirements.capabilities', r?.capabilities],
    ['requirements.regions', r?.regions],
    ['requirements.languages', r?.languages],
    ['requirements.allow_models', r?.allowModels],
    ['requirements.deny_models', r?.denyModels],
  ] as const) {
    if ((list?.length ?? 0) > L.listEntries) fail(field, `has ${list!.length} entries, over the limit of ${L.listEntries}`);
  }
  const lb = req.labels;
  for (const [field, value] of [
    ['labels.tenant', lb?.tenant],
    ['labels.user_tier', lb?.userTier],
    ['labels.task', lb?.task],
    ['labels.session', lb?.session],
  ] as const) {
    if ((value?.length ?? 0) > L.labelChars) fail(field, `is ${value!.length} characters long, over the limit of ${L.labelChars}`);
  }
  const extra = Object.entries(lb?.extra ?? {});
  if (extra.length > L.extraLabels) fail('labels.extra', `has ${extra.length} labels, over the limit of ${L.extraLabels}`);
  for (const [k, v] of extra) {
    if (k.length > L.labelChars || v.length > L.labelChars) fail(`labels.extra[${shown(k)}]`, `key and value must each be at most ${L.labelChars} characters`);
  }

  const known = limits.catalog;
  const checkModel = (id: string, field: string) => {
    if (!known.get(id)) fail(field, `unknown model ${shown(id)} (known: ${known.ids.join(', ')})`);
  };
  const checkModels = (list: string[], field: string) => list.forEach((id, i) => checkModel(id, `${field}[${i}]`));
  const allow = r?.allowModels ?? [];
  const deny = r?.denyModels ?? [];
  checkModels(allow, 'requirements.allow_models');
  checkModels(deny, 'requirements.deny_models');
  const pinModel = r?.pinModel ?? '';
  if (pinModel) checkModel(pinModel, 'requirements.pin_model');
  (r?.regions ?? []).forEach((g, i) => {
    if (!g.trim()) fail(`requirements.regions[${i}]`, 'must not be empty');
    if (g.length > L.regionChars) fail(`requirements.regions[${i}]`, `is ${g.length} characters long, over the limit of ${L.regionChars}`);
  });
  (r?.languages ?? []).forEach((l, i) => {
    if (!LANGUAGE.test(l)) fail(`requirements.languages[${i}]`, `${shown(l)} is not an ISO 639-1 code (two lowercase letters, e.g. "en")`);
  });

  const p = req.preferences;
  const out: NormalizedRequest = {
    messages,
    qualityText,
    otherTextUnits: messages.reduce((s, m, i) => (i === lastUser ? s : s + textOf(m).length), 0) + toolUnits,
    imageCount: counters.images,
    tools,
    responseFormat,
    maxOutputTokens: req.maxOutputTokens,
    requiredCapabilities,
    minContextTokens: r?.minContextTokens ?? 0,
    regions: r?.regions ?? [],
    languages: r?.languages ?? [],
    allowModels: allow.length > 0 ? new Set(allow) : null,
    denyModels: new Set(deny),
    pinModel,
    policy: req.policy,
    labels: {
      tenant: req.labels?.tenant ?? '',
      userTier: req.labels?.userTier ?? '',
      task: req.labels?.task ?? '',
      session: req.labels?.session ?? '',
      extra: req.labels?.extra ?? {},
    },
    contentBytes: counters.bytes,
  };
  if (p?.costQualityTradeoff !== undefined && p.costQualityTradeoff !== null) {
    const k = p.costQualityTradeoff;
    if (!(k >= 0 && k <= 1)) fail('preferences.cost_quality_tradeoff', `must be in [0, 1], got ${k}`);
    out.tradeoff = k;
  }
  if (p?.maxCostUsd !== undefined && p.maxCostUsd !== null) {
    if (!(p.maxCostUsd > 0) || !Number.isFinite(p.maxCostUsd)) fail('preferences.max_cost_usd', `must be a positive number, got ${p.maxCostUsd}`);
    out.maxCostUsd = p.maxCostUsd;
  }
  if (p?.latencyBudgetMs !== undefined && p.latencyBudgetMs !== null) {
    if (p.latencyBudgetMs === 0) fail('preferences.latency_budget_ms', 'must be positive when set');
    out.latencyBudgetMs = p.latencyBudgetMs;
  }
  const temperature = (req as { temperature?: number | null }).temperature;
  if (temperature !== undefined && temperature !== null) {
    if (!(temperature >= 0 && temperature <= 2)) fail('temperature', `must be in [0, 2], got ${temperature}`);
    out.temperature = temperature;
  }
  const topK = req.explainTopK;
  if (topK !== undefined && topK !== null) {
    if (!Number.isInteger(topK) || topK < 0) fail('explain_top_k', `must be 0 or more, got ${topK}`);
    out.explainTopK = topK;
  }
  if (req.policy && !limits.policies.has(req.policy)) {
    fail('policy', `unknown policy ${shown(req.policy)} (have: ${[...limits.policies].join(', ')})`);
  }
  if (req.model) {
    if (!known.get(req.model)) fail('model', `unknown model ${shown(req.model)} (known: ${known.ids.join(', ')})`);
    out.model = req.model;
  }
  if (!(req.strategy in STRATEGY_NAMES)) fail('strategy', `unknown strategy ${shown(req.strategy)}`);
  const strategy = STRATEGY_NAMES[req.strategy];
  if (strategy) out.strategy = strategy;
  return out;
}
