/**
 * Chat messages, tools and response formats from the wire (protobuf) into the neutral chat
 * types, validated. Every problem is an InvalidArgumentError naming the field's path. Used by
 * the RouterService (Decide, Execute) and the ExecutorService (Invoke) alike.
 */
import type { DecideRequest__Output } from '../../generated/switchyard/v1/DecideRequest.js';
import type { Message__Output } from '../../generated/switchyard/v1/Message.js';
import type { ChatMessage, ContentPart, ResponseFormat, Role, ToolDefinition } from '../contracts/provider.js';
import { InvalidArgumentError, shown } from '../errors.js';
import { checkImage } from './check-image.js';

const ROLES: Record<string, Role> = { ROLE_SYSTEM: 'system', ROLE_USER: 'user', ROLE_ASSISTANT: 'assistant', ROLE_TOOL: 'tool' };
export const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function fail(field: string, reason: string): never {
  throw new InvalidArgumentError(field, reason);
}

/**
 * Deepest nesting of objects and arrays a JSON field may have. Deeper values overflow the
 * stack of recursive code downstream (JSON.stringify when a provider request is encoded,
 * schema walks), so they are refused here, at the API, with the field named.
 */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of objects and arrays in JSON text, counted without recursion. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

export function parseJsonObject(text: string, field: string): Record<string, unknown> {
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) fail(field, `nests objects and arrays ${depth} levels deep, over the limit of ${MAX_JSON_DEPTH}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    fail(field, `is not valid JSON (${(e as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'must be a JSON object');
  return value as Record<string, unknown>;
}

export function convertMessage(m: Message__Output, at: string, counters: { bytes: number; images: number }): ChatMessage {
  const role = ROLES[m.role as string];
  if (m.role === 'ROLE_UNSPECIFIED') fail(`${at}.role`, 'is required (system, user, assistant or tool)');
  if (!role) fail(`${at}.role`, `unknown role ${shown(m.role)}`);
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
    if (names.has(t.name)) fail(`${at}.name`, `duplicate tool name ${shown(t.name)}`);
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
  fail('response_format.type', `unknown type ${shown(rf.type)}`);
}

/** Messages from the wire, validated (no size limit applied). */
export function messagesFromProto(messages: Message__Output[]): ChatMessage[] {
  const counters = { bytes: 0, images: 0 };
  return messages.map((m, i) => convertMessage(m, `messages[${i}]`, counters));
}
