/**
 * An OpenAI Chat Completions request body as an ExecuteRequest. Only the shape is checked here,
 * each problem naming the wire field; what the values mean (known model and policy, tool names,
 * JSON schemas, image URLs) is for the router's validation, whose field paths `openAIFieldName`
 * turns back into this format's names.
 */
import type { ContentPart } from '../generated/switchyard/v1/ContentPart.js';
import type { ExecuteRequest__Output } from '../generated/switchyard/v1/ExecuteRequest.js';
import type { Message } from '../generated/switchyard/v1/Message.js';
import type { ToolDefinition } from '../generated/switchyard/v1/ToolDefinition.js';
import type { Caller } from './authenticate.js';
import { routingOfModel } from './gateway-model.js';
import { badField } from './http-error.js';
import { executeRequestOf } from './run-execute.js';
import { arrayAt, labelsOf, objectAt, optionalNumber, optionalString, positiveInt } from './wire-checks.js';

export interface OpenAIChatRequest {
  request: ExecuteRequest__Output;
  stream: boolean;
  includeUsage: boolean;
}

/** Fields taken and used. */
const USED = new Set(['model', 'messages', 'tools', 'tool_choice', 'response_format', 'max_tokens', 'max_completion_tokens', 'temperature', 'stream', 'stream_options', 'metadata', 'n']);
/** Fields taken and not used: hints and sampling knobs whose absence does not change what a correct answer is. */
const IGNORED = new Set(['user', 'store', 'parallel_tool_calls', 'seed', 'top_p', 'presence_penalty', 'frequency_penalty', 'service_tier', 'prompt_cache_key', 'safety_identifier']);

const ROLES: Record<string, Message['role']> = { system: 'ROLE_SYSTEM', developer: 'ROLE_SYSTEM', user: 'ROLE_USER', assistant: 'ROLE_ASSISTANT', tool: 'ROLE_TOOL' };

function contentParts(content: unknown, at: string, role: string): ContentPart[] {
  if (typeof content === 'string') return [{ part: 'text', text: content }];
  if (content === null || content === undefined) {
    if (role === 'assistant') return [];
    throw badField(`${at}.content`, 'is required');
  }
  return arrayAt(content, `${at}.content`).map((p, j) => {
    const pat = `${at}.content[${j}]`;
    const part = objectAt(p, pat);
    if (part.type === 'text') {
      if (typeof part.text !== 'string') throw badField(`${pat}.text`, 'must be a string');
      return { part: 'text', text: part.text };
    }
    if (part.type === 'image_url') {
      const image = objectAt(part.image_url, `${pat}.image_url`);
      if (typeof image.url !== 'string') throw badField(`${pat}.image_url.url`, 'must be a string');
      return { part: 'image', image: { source: 'url', url: image.url, mediaType: '' } };
    }
    throw badField(`${pat}.type`, `unsupported content part type ${JSON.stringify(part.type)} (supported: text, image_url)`);
  });
}

function message(value: unknown, at: string): Message {
  const m = objectAt(value, at);
  const role = typeof m.role === 'string' ? ROLES[m.role] : undefined;
  if (!role) throw badField(`${at}.role`, `must be one of ${Object.keys(ROLES).join(', ')}`);
  const out: Message = { role, content: contentParts(m.content, at, m.role as string) };
  if (m.tool_calls !== undefined && m.tool_calls !== null) {
    out.toolCalls = arrayAt(m.tool_calls, `${at}.tool_calls`).map((c, j) => {
      const cat = `${at}.tool_calls[${j}]`;
      const call = objectAt(c, cat);
      const fn = objectAt(call.function, `${cat}.function`);
      return { id: optionalString(call.id, `${cat}.id`) ?? '', name: optionalString(fn.name, `${cat}.function.name`) ?? '', argumentsJson: optionalString(fn.arguments, `${cat}.function.arguments`) ?? '' };
    });
  }
  if (role === 'ROLE_TOOL') out.toolCallId = optionalString(m.tool_call_id, `${at}.tool_call_id`) ?? '';
  const name = optionalString(m.name, `${at}.name`);
  if (name && role === 'ROLE_TOOL') out.name = name;
  return out;
}

function tools(value: unknown, choice: unknown): ToolDefinition[] {
  if (choice !== undefined && choice !== 'auto' && choice !== 'none') {
    throw badField('tool_choice', 'only "auto" and "none" are supported: the router cannot force a tool call on every provider');
  }
  if (value === undefined || value === null || choice === 'none') return [];
  return arrayAt(value, 'tools').map((t, i) => {
    const tool = objectAt(t, `tools[${i}]`);
    if (tool.type !== 'function') throw badField(`tools[${i}].type`, 'must be "function"');
    const fn = objectAt(tool.function, `tools[${i}].function`);
    const parameters = fn.parameters === undefined ? undefined : objectAt(fn.parameters, `tools[${i}].function.parameters`);
    return {
      name: optionalString(fn.name, `tools[${i}].function.name`) ?? '',
      description: optionalString(fn.description, `tools[${i}].function.description`) ?? '',
      parametersJson: parameters ? JSON.stringify(parameters) : '',
    };
  });
}

function responseFormat(value: unknown): ExecuteRequest__Output['responseFormat'] {
  if (value === undefined || value === null) return null;
  const rf = objectAt(value, 'response_format');
  if (rf.type === 'text') return { type: 'RESPONSE_FORMAT_TYPE_TEXT', schemaName: '', schemaJson: '' };
  if (rf.type === 'json_object') return { type: 'RESPONSE_FORMAT_TYPE_JSON_OBJECT', schemaName: '', schemaJson: '' };
  if (rf.type === 'json_schema') {
    const js = objectAt(rf.json_schema, 'response_format.json_schema');
    const schema = objectAt(js.schema, 'response_format.json_schema.schema');
    return { type: 'RESPONSE_FORMAT_TYPE_JSON_SCHEMA', schemaName: optionalString(js.name, 'response_format.json_schema.name') ?? '', schemaJson: JSON.stringify(schema) };
  }
  throw badField('response_format.type', 'must be one of text, json_object, json_schema');
}

export function openAIChatRequest(body: Record<string, unknown>, caller: Caller): OpenAIChatRequest {
  for (const key of Object.keys(body)) {
    if (!USED.has(key) && !IGNORED.has(key)) throw badField(key, 'is not a supported request argument');
  }
  const routing = routingOfModel(body.model);
  if (body.n !== undefined && body.n !== null && body.n !== 1) throw badField('n', 'only 1 is supported');
  const messages = arrayAt(body.messages, 'messages').map((m, i) => message(m, `messages[${i}]`));
  const maxTokens = positiveInt(body.max_completion_tokens, 'max_completion_tokens') ?? positiveInt(body.max_tokens, 'max_tokens') ?? 0;
  const temperature = optionalNumber(body.temperature, 'temperature');
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') throw badField('stream', 'must be a boolean');
  const stream = body.stream === true;
  const options = body.stream_options === undefined || body.stream_options === null ? {} : objectAt(body.stream_options, 'stream_options');
  if (!stream && body.stream_options !== undefined && body.stream_options !== null) throw badField('stream_options', 'is allowed only with stream: true');
  const request = executeRequestOf({
    messages,
    tools: tools(body.tools, body.tool_choice) as ExecuteRequest__Output['tools'],
    responseFormat: responseFormat(body.response_format),
    maxOutputTokens: maxTokens,
    labels: labelsOf(body.metadata, 'metadata', caller),
    ...(routing.model ? { model: routing.model } : {}),
    ...(routing.policy ? { policy: routing.policy } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
  });
  return { request, stream, includeUsage: options.include_usage === true };
}

/** A field path of the router's validation in this format's names. */
export function openAIFieldName(field: string): string {
  return field
    .replace(/^policy$/, 'model')
    .replace(/^max_output_tokens$/, 'max_completion_tokens')
    .replace(/^response_format\.schema_json$/, 'response_format.json_schema.schema')
    .replace(/^tools\[(\d+)\]\.parameters_json/, 'tools[$1].function.parameters')
    .replace(/^tools\[(\d+)\]\.(name|description)/, 'tools[$1].function.$2')
    .replace(/\.tool_calls\[(\d+)\]\.arguments_json/, '.tool_calls[$1].function.arguments')
    .replace(/\.tool_calls\[(\d+)\]\.name/, '.tool_calls[$1].function.name')
    .replace(/\.content\[(\d+)\]\.image\.url/, '.content[$1].image_url.url')
    .replace(/\.content\[(\d+)\]\.image(?=$|\.)/, '.content[$1].image_url');
}
