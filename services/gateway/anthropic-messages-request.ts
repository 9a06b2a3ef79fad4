/**
 * An Anthropic Messages request body as an ExecuteRequest. The system prompt becomes a system
 * message; each `tool_result` block becomes a tool message of its own (placed before the rest of
 * its user turn), so one wire message may become several. `paths` keeps, for each message of the
 * ExecuteRequest, where it came from, so that the router's field paths can be named in this
 * format's terms (`anthropicFieldNamer`).
 */
import type { ContentPart } from '../generated/switchyard/v1/ContentPart.js';
import type { ExecuteRequest__Output } from '../generated/switchyard/v1/ExecuteRequest.js';
import type { Message } from '../generated/switchyard/v1/Message.js';
import type { ToolCall } from '../generated/switchyard/v1/ToolCall.js';
import type { Caller } from './authenticate.js';
import { routingOfModel } from './gateway-model.js';
import { badField, type FieldNamer } from './http-error.js';
import { executeRequestOf } from './run-execute.js';
import { arrayAt, labelsOf, objectAt, optionalNumber, optionalString, positiveInt } from './wire-checks.js';

export interface AnthropicMessagesRequest {
  request: ExecuteRequest__Output;
  stream: boolean;
  fieldName: FieldNamer;
}

interface Origin {
  /** The wire path of the message (or block) it came from. */
  at: string;
  /** The wire path of each of its content parts. */
  content: string[];
}

const USED = new Set(['model', 'messages', 'system', 'max_tokens', 'tools', 'tool_choice', 'temperature', 'stream', 'metadata']);
/** Taken and not used: sampling knobs and hints whose absence does not change what a correct answer is. */
const IGNORED = new Set(['top_p', 'top_k', 'service_tier']);

function textOf(value: unknown, at: string): string {
  if (typeof value === 'string') return value;
  return arrayAt(value, at)
    .map((b, j) => {
      const block = objectAt(b, `${at}[${j}]`);
      if (block.type !== 'text' || typeof block.text !== 'string') throw badField(`${at}[${j}]`, 'only text blocks are supported here');
      return block.text;
    })
    .join('\n');
}

function imagePart(block: Record<string, unknown>, at: string): ContentPart {
  const source = objectAt(block.source, `${at}.source`);
  if (source.type === 'base64') {
    const mediaType = optionalString(source.media_type, `${at}.source.media_type`) ?? '';
    const data = optionalString(source.data, `${at}.source.data`) ?? '';
    return { part: 'image', image: { source: 'url', mediaType: '', url: `data:${mediaType};base64,${data}` } };
  }
  if (source.type === 'url') return { part: 'image', image: { source: 'url', mediaType: '', url: optionalString(source.url, `${at}.source.url`) ?? '' } };
  throw badField(`${at}.source.type`, 'must be base64 or url');
}

/** One wire message as one or more ExecuteRequest messages, with their origins. */
function messages(value: unknown, at: string, toolNames: Map<string, string>, out: Message[], origins: Origin[]): void {
  const m = objectAt(value, at);
  if (m.role !== 'user' && m.role !== 'assistant') throw badField(`${at}.role`, 'must be user or assistant');
  const role = m.role === 'user' ? 'ROLE_USER' : 'ROLE_ASSISTANT';
  if (typeof m.content === 'string') {
    out.push({ role, content: [{ part: 'text', text: m.content }] });
    origins.push({ at, content: [`${at}.content`] });
    return;
  }
  const before = out.length;
  const parts: ContentPart[] = [];
  const partPaths: string[] = [];
  const toolCalls: ToolCall[] = [];
  arrayAt(m.content, `${at}.content`).forEach((b, j) => {
    const bat = `${at}.content[${j}]`;
    const block = objectAt(b, bat);
    if (block.type === 'text') {
      parts.push({ part: 'text', text: optionalString(block.text, `${bat}.text`) ?? '' });
      partPaths.push(bat);
    } else if (block.type === 'image') {
      parts.push(imagePart(block, bat));
      partPaths.push(bat);
    } else if (block.type === 'tool_use' && role === 'ROLE_ASSISTANT') {
      const id = optionalString(block.id, `${bat}.id`) ?? '';
      const name = optionalString(block.name, `${bat}.name`) ?? '';
      toolNames.set(id, name);
      toolCalls.push({ id, name, argumentsJson: JSON.stringify(objectAt(block.input ?? {}, `${bat}.input`)) });
    } else if (block.type === 'tool_result' && role === 'ROLE_USER') {
      const id = optionalString(block.tool_use_id, `${bat}.tool_use_id`) ?? '';
      const text = block.content === undefined ? '' : textOf(block.content, `${bat}.content`);
      out.push({ role: 'ROLE_TOOL', content: [{ part: 'text', text }], toolCallId: id, name: toolNames.get(id) ?? '' });
      origins.push({ at: bat, content: [`${bat}.content`] });
    } else {
      throw badField(`${bat}.type`, `unsupported block type ${JSON.stringify(block.type)} in a ${m.role} message`);
    }
  });
  // A turn of tool results only needs no message of its own; an empty turn keeps one, for the router to reject.
  if (parts.length > 0 || toolCalls.length > 0 || out.length === before) {
    out.push({ role, content: parts, toolCalls });
    origins.push({ at, content: partPaths });
  }
}

function tools(value: unknown, choice: unknown): ExecuteRequest__Output['tools'] {
  const type = choice === undefined || choice === null ? 'auto' : objectAt(choice, 'tool_choice').type;
  if (type !== 'auto' && type !== 'none') throw badField('tool_choice.type', 'only "auto" and "none" are supported: the router cannot force a tool call on every provider');
  if (value === undefined || value === null || type === 'none') return [];
  return arrayAt(value, 'tools').map((t, i) => {
    const tool = objectAt(t, `tools[${i}]`);
    if (tool.type !== undefined && tool.type !== 'custom') throw badField(`tools[${i}].type`, 'only custom (client) tools are supported');
    return {
      name: optionalString(tool.name, `tools[${i}].name`) ?? '',
      description: optionalString(tool.description, `tools[${i}].description`) ?? '',
      parametersJson: JSON.stringify(objectAt(tool.input_schema, `tools[${i}].input_schema`)),
    };
  });
}

export function anthropicMessagesRequest(body: Record<string, unknown>, caller: Caller): AnthropicMessagesRequest {
  for (const key of Object.keys(body)) {
    if (!USED.has(key) && !IGNORED.has(key)) throw badField(key, 'is not a supported request field');
  }
  const routing = routingOfModel(body.model);
  const maxTokens = positiveInt(body.max_tokens, 'max_tokens');
  if (maxTokens === undefined) throw badField('max_tokens', 'is required');
  const out: Message[] = [];
  const origins: Origin[] = [];
  if (body.system !== undefined && body.system !== null) {
    out.push({ role: 'ROLE_SYSTEM', content: [{ part: 'text', text: textOf(body.system, 'system') }] });
    origins.push({ at: 'system', content: ['system'] });
  }
  const toolNames = new Map<string, string>();
  arrayAt(body.messages, 'messages').forEach((m, i) => messages(m, `messages[${i}]`, toolNames, out, origins));
  if (body.stream !== undefined && typeof body.stream !== 'boolean') throw badField('stream', 'must be a boolean');
  const temperature = optionalNumber(body.temperature, 'temperature');
  const request = executeRequestOf({
    messages: out,
    tools: tools(body.tools, body.tool_choice),
    maxOutputTokens: maxTokens,
    labels: labelsOf(body.metadata, 'metadata', caller),
    ...(routing.model ? { model: routing.model } : {}),
    ...(routing.policy ? { policy: routing.policy } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
  });
  const fieldName: FieldNamer = (field) => {
    const m = /^messages\[(\d+)\](?:\.content\[(\d+)\])?(.*)$/.exec(field);
    if (m) {
      const origin = origins[Number(m[1])];
      if (origin) return m[2] !== undefined ? `${origin.content[Number(m[2])] ?? origin.at}${m[3]}` : `${origin.at}${m[3]}`;
    }
    return field
      .replace(/^policy$/, 'model')
      .replace(/^max_output_tokens$/, 'max_tokens')
      .replace(/^tools\[(\d+)\]\.parameters_json/, 'tools[$1].input_schema');
  };
  return { request, stream: body.stream === true, fieldName };
}
