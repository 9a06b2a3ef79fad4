/**
 * Validates a Decide/Execute request and turns it into the neutral form the pipeline and the
 * executors use. Every problem is an InvalidArgumentError naming the field's path; the first
 * problem found is reported.
 */
import type { DecideRequest__Output } from '../../generated/switchyard/v1/DecideRequest.js';
import type { Message__Output } from '../../generated/switchyard/v1/Message.js';
import type { Catalog } from '../../shared/catalog.js';
import type { CapabilityName, StrategyName } from '../../shared/config/schema.js';
import { InvalidArgumentError } from '../../shared/errors.js';
import type { ChatMessage, ContentPart, ResponseFormat, Role, ToolDefinition } from '../../executor/providers/provider.js';
import { checkImage } from './check-image.js';

/** The fields Decide and Execute requests share. */
export type RouteRequestFields = Pick<
  DecideRequest__Output,
  'messages' | 'tools' | 'responseFormat' | 'maxOutputTokens' | 'requirements' | 'preferences' | 'policy' | 'labels' | 'strategy'
>;

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
  tradeoff?: number;
  maxCostUsd?: number;
  latencyBudgetMs?: number;
  /** Execute only: sampling temperature. */
  temperature?: number;
  policy: string;
  labels: Labels;
  strategy?: StrategyName;
  /** Bytes of content (text and images), for the size limit. */
  contentBytes: number;
}

export interface ValidationLimits {
  maxMessages: number;
  maxRequestBytes: number;
  policies: ReadonlySet<string>;
  catalog: Catalog;
}

const ROLES: Record<string, Role> = { ROLE_SYSTEM: 'system', ROLE_USER: 'user', ROLE_ASSISTANT: 'assistant', ROLE_TOOL: 'tool' };
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
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const LANGUAGE = /^[a-z]{2,3}$/;
const MAX_OUTPUT_TOKENS = 1_000_000;

function fail(field: string, reason: string): never {
  throw new InvalidArgumentError(field, reason);
}

function parseJsonObject(text: string, field: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    fail(field, `is not valid JSON (${(e as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'must be a JSON object');
  return value as Record<string, unknown>;
}

function convertMessage(m: Message__Output, at: string, counters: { bytes: number; images: number }): ChatMessage {
  const role = ROLES[m.role as string];
  if (m.role === 'ROLE_UNSPECIFIED') fail(`${at}.role`, 'is required (system, user, assistant or tool)');
  if (!role) fail(`${at}.role`, `unknown role ${JSON.stringify(m.role)}`);
  const content: ContentPart[] = [];
  m.content.forEach((p, j) => {
    const pat = `${at}.content[${j}]`;
    if (p.part === 'text') {
      counters.bytes += p.text!.length;
      content.push({ type: 'text', text: p.text! });
    } else if (p.part === 'image') {
      if (role !== 'user') fail(pat, `images are allowed in user messages only, not ${role}`);
      const image = checkImage(p.image!, `${pat}.image`);
      counters.bytes += image.bytes;
      counters.images++;
      content.push(image.part);
    } else {
      fail(pat, 'has neither text nor image');
    }
  });
  const msg: ChatMessage = { role, content };
  if (m.toolCalls.length > 0) {
    if (role !== 'assistant') fail(`${at}.tool_calls`, 'only assistant messages carry tool calls');
    msg.toolCalls = m.toolCalls.map((c, j) => {
      if (!c.id) fail(`${at}.tool_calls[${j}].id`, 'is required');
      if (!TOOL_NAME.test(c.name)) fail(`${at}.tool_calls[${j}].name`, 'must be 1-64 characters of letters, digits, _ and -');
      parseJsonObject(c.argumentsJson || '{}', `${at}.tool_calls[${j}].arguments_json`);
      counters.bytes += c.argumentsJson.length;
      return { id: c.id, name: c.name, arguments: c.argumentsJson || '{}' };
    });
  }
  if (role === 'tool') {
    if (!m.toolCallId) fail(`${at}.tool_call_id`, 'is required in tool messages');
    msg.toolCallId = m.toolCallId;
    if (m.name) msg.name = m.name;
  }
  if (content.length === 0 && !(role === 'assistant' && msg.toolCalls)) fail(`${at}.content`, 'must not be empty');
  return msg;
}

/** Tool definitions from the wire, validated; `units` is their size in characters. */
export function toolsFromProto(list: DecideRequest__Output['tools']): { tools: ToolDefinition[]; units: number } {
  const names = new Set<string>();
  let units = 0;
  const tools = list.map((t, i) => {
    const at = `tools[${i}]`;
    if (!TOOL_NAME.test(t.name)) fail(`${at}.name`, 'must be 1-64 characters of letters, digits, _ and -');
    if (names.has(t.name)) fail(`${at}.name`, `duplicate tool name "${t.name}"`);
    names.add(t.name);
    const parameters = t.parametersJson ? parseJsonObject(t.parametersJson, `${at}.parameters_json`) : { type: 'object', properties: {} };
    units += t.name.length + t.description.length + t.parametersJson.length;
    return { name: t.name, ...(t.description ? { description: t.description } : {}), parameters };
  });
  return { tools, units };
}

/** The response format from the wire, validated. */
export function responseFormatFromProto(rf: DecideRequest__Output['responseFormat']): ResponseFormat {
  if (!rf || rf.type === 'RESPONSE_FORMAT_TYPE_UNSPECIFIED' || rf.type === 'RESPONSE_FORMAT_TYPE_TEXT') return { type: 'text' };
  if (rf.type === 'RESPONSE_FORMAT_TYPE_JSON_OBJECT') return { type: 'json_object' };
  if (rf.type === 'RESPONSE_FORMAT_TYPE_JSON_SCHEMA') {
    if (!rf.schemaJson) fail('response_format.schema_json', 'is required with RESPONSE_FORMAT_TYPE_JSON_SCHEMA');
    const schema = parseJsonObject(rf.schemaJson, 'response_format.schema_json');
    return { type: 'json_schema', name: rf.schemaName || 'response', schema };
  }
  fail('response_format.type', `unknown type ${JSON.stringify(rf.type)}`);
}

/** Messages from the wire, validated (no size limit applied). */
export function messagesFromProto(messages: Message__Output[]): ChatMessage[] {
  const counters = { bytes: 0, images: 0 };
  return messages.map((m, i) => convertMessage(m, `messages[${i}]`, counters));
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
    if (!name) fail(`requirements.capabilities[${i}]`, `unknown capability ${JSON.stringify(c)}`);
    requiredCapabilities.add(name);
  });
  if (tools.length > 0) requiredCapabilities.add('tools');
  if (counters.images > 0) requiredCapabilities.add('vision');
  if (responseFormat.type !== 'text') requiredCapabilities.add('json_output');

  const known = limits.catalog;
  const checkModels = (list: string[], field: string) =>
    list.forEach((id, i) => {
      if (!known.get(id)) fail(`${field}[${i}]`, `unknown model "${id}" (known: ${known.ids.join(', ')})`);
    });
  const allow = r?.allowModels ?? [];
  const deny = r?.denyModels ?? [];
  checkModels(allow, 'requirements.allow_models');
  checkModels(deny, 'requirements.deny_models');
  (r?.regions ?? []).forEach((g, i) => {
    if (!g.trim()) fail(`requirements.regions[${i}]`, 'must not be empty');
  });
  (r?.languages ?? []).forEach((l, i) => {
    if (!LANGUAGE.test(l)) fail(`requirements.languages[${i}]`, `"${l}" is not an ISO 639-1 code (two lowercase letters, e.g. "en")`);
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
  if (req.policy && !limits.policies.has(req.policy)) {
    fail('policy', `unknown policy "${req.policy}" (have: ${[...limits.policies].join(', ')})`);
  }
  if (!(req.strategy in STRATEGY_NAMES)) fail('strategy', `unknown strategy ${JSON.stringify(req.strategy)}`);
  const strategy = STRATEGY_NAMES[req.strategy];
  if (strategy) out.strategy = strategy;
  return out;
}
