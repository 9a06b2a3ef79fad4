/**
 * A local Anthropic Messages server for tests: replays recorded message bodies and streams
 * (test/fixtures/anthropic/), checks every request against the API's wire format and records
 * it, and injects faults per request. See ProviderFake in test/executor/provider-conformance.ts.
 *
 * `url` is the adapter's base URL (`…/v1`); `origin` is what the official SDK takes as
 * `baseURL` (it appends `/v1/messages` itself). Streams are sent as Anthropic sends them: one
 * named SSE event per line of a `.chunks.txt` fixture (`event:` is the JSON's `type`); a reply
 * with no recorded stream is streamed by cutting its message into the same event sequence.
 * When a request forces a tool (`tool_choice: {type: 'tool'}`), tool_use blocks of the reply
 * carry that tool's name, as the model's would.
 */
import { readFileSync } from 'node:fs';
import type { FakeOptions, ProviderFake, RecordedRequest, WireImage, WireReader } from './fake-contract.js';
import { bodyOf, isRecord, recordedStream, splitText, startProviderFake, textOf } from './provider-fake.js';

const FIXTURES = new URL('../fixtures/anthropic/', import.meta.url);

export function readAnthropicFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

export interface AnthropicFake extends ProviderFake {
  /** http://127.0.0.1:port, the official SDK's baseURL. */
  origin: string;
}

export function startAnthropicFake(options: Partial<FakeOptions> = {}): Promise<AnthropicFake> {
  const apiKey = options.apiKey ?? 'sk-ant-test';
  return startProviderFake({
    basePath: '/v1',
    readFixture: readAnthropicFixture,
    check: (method, path, headers, body) => checkAnthropicRequest(method, path, headers, body, { apiKey }),
    streaming: (request) => request.body.stream === true,
    headers: () => ({
      'request-id': `req_011CS${Math.random().toString(36).slice(2, 18)}`,
      'anthropic-organization-id': '36562039-1ae4-48e6-ae28-1e517e3d2d12',
      ...anthropicRateLimitHeaders(),
    }),
    jsonContentType: 'application/json',
    sseHeaders: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
    // one named event per line; `event:` is its `type`
    sseEvent: (line) => `event: ${/^\{"type":"([a-z_]+)"/.exec(line)?.[1] ?? 'message_start'}\ndata: ${line}\n\n`,
    errors: {
      server_error: { status: 500, fixture: 'error-500.json' },
      overloaded: { status: 529, fixture: 'error-529.json' },
      rate_limit: { status: 429, fixture: 'error-429.json', headers: { 'retry-after': '2', 'anthropic-ratelimit-input-tokens-remaining': '0' } },
      context_length: { status: 400, fixture: 'error-400-context-length.json' },
      auth: { status: 401, fixture: 'error-401.json' },
    },
    faultChunks: 4,
    streamFaultsWithoutStream: 'json',
    replyBody: (name, request) => JSON.stringify(withForcedTool(JSON.parse(readAnthropicFixture(`${name}.json`)), forcedToolName(request.body))),
    streamLines: (name, request) => streamLines(name, forcedToolName(request.body)),
  });
}

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

/** What Anthropic sends with every answer; the resets are RFC 3339 times. */
export function anthropicRateLimitHeaders(nowMs: number = Date.now()): Record<string, string> {
  const at = (seconds: number): string => new Date(Math.ceil(nowMs / 1000) * 1000 + seconds * 1000).toISOString().replace('.000Z', 'Z');
  return {
    'anthropic-ratelimit-requests-limit': '1000',
    'anthropic-ratelimit-requests-remaining': '999',
    'anthropic-ratelimit-requests-reset': at(1),
    'anthropic-ratelimit-tokens-limit': '96000',
    'anthropic-ratelimit-tokens-remaining': '95000',
    'anthropic-ratelimit-tokens-reset': at(1),
    'anthropic-ratelimit-input-tokens-limit': '80000',
    'anthropic-ratelimit-input-tokens-remaining': '79000',
    'anthropic-ratelimit-input-tokens-reset': at(1),
    'anthropic-ratelimit-output-tokens-limit': '16000',
    'anthropic-ratelimit-output-tokens-remaining': '16000',
    'anthropic-ratelimit-output-tokens-reset': at(1),
  };
}

/** The data of each stream event: the recorded stream when there is one, else the message cut into events. */
function streamLines(name: string, forcedTool: string | undefined): string[] {
  const events =
    recordedStream(readAnthropicFixture, name)?.map((line) => JSON.parse(line) as Record<string, unknown>) ??
    messageToEvents(JSON.parse(readAnthropicFixture(`${name}.json`)) as Record<string, unknown>);
  return events.map((event) => JSON.stringify(withForcedTool(event, forcedTool)));
}

/** The stream Anthropic sends for a message: text in a few deltas, tool input in JSON fragments. */
export function messageToEvents(message: Record<string, unknown>): Array<Record<string, unknown>> {
  const usage = isRecord(message.usage) ? message.usage : {};
  const content = Array.isArray(message.content) ? message.content.filter(isRecord) : [];
  const events: Array<Record<string, unknown>> = [
    {
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
    },
  ];
  content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      if (index === 0) events.push({ type: 'ping' });
      for (const piece of splitText(String(block.text))) {
        events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
      }
    } else if (block.type === 'tool_use') {
      events.push({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
      const json = JSON.stringify(block.input ?? {});
      const cut = Math.ceil(json.length / 2);
      for (const piece of ['', json.slice(0, cut), json.slice(cut)]) {
        events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } });
      }
    } else {
      events.push({ type: 'content_block_start', index, content_block: block });
    }
    events.push({ type: 'content_block_stop', index });
  });
  events.push(
    {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason ?? 'end_turn', stop_sequence: message.stop_sequence ?? null },
      usage: {
        input_tokens: usage.input_tokens ?? 0,
        cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
        cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
        output_tokens: usage.output_tokens ?? 0,
      },
    },
    { type: 'message_stop' },
  );
  return events;
}

/** Renames tool_use blocks (in a message or a content_block_start) to the forced tool. */
function withForcedTool<T>(value: T, forcedTool: string | undefined): T {
  if (forcedTool === undefined || !isRecord(value)) return value;
  const rename = (block: unknown): unknown => (isRecord(block) && block.type === 'tool_use' ? { ...block, name: forcedTool } : block);
  if (Array.isArray(value.content)) return { ...value, content: value.content.map(rename) };
  if (isRecord(value.content_block)) return { ...value, content_block: rename(value.content_block) };
  return value;
}

function forcedToolName(body: Record<string, unknown>): string | undefined {
  const choice = body.tool_choice;
  return isRecord(choice) && choice.type === 'tool' && typeof choice.name === 'string' ? choice.name : undefined;
}

// ---------------------------------------------------------------------------------------------
// Request checks: what the Messages API would reject
// ---------------------------------------------------------------------------------------------

const TOP_LEVEL_KEYS = new Set([
  'model', 'messages', 'max_tokens', 'system', 'tools', 'tool_choice', 'temperature', 'top_p', 'top_k',
  'stop_sequences', 'stream', 'metadata', 'thinking', 'service_tier', 'container', 'mcp_servers', 'context_management',
]);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

export function checkAnthropicRequest(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: unknown,
  expected: { apiKey: string },
): string[] {
  const problems: string[] = [];
  const problem = (text: string): void => void problems.push(text);
  if (method !== 'POST') problem(`method ${method}, want POST`);
  if (path !== '/v1/messages') problem(`path ${path}, want /v1/messages`);
  if (expected.apiKey !== '' && headers['x-api-key'] !== expected.apiKey) problem('x-api-key is not the key');
  if (expected.apiKey === '' && headers['x-api-key'] !== undefined) problem('x-api-key sent to a keyless endpoint');
  if (headers.authorization !== undefined) problem('authorization header sent: Anthropic takes the key in x-api-key');
  if (headers['anthropic-version'] !== '2023-06-01') problem('anthropic-version is not 2023-06-01');
  if (!(headers['content-type'] ?? '').startsWith('application/json')) problem('content-type is not application/json');
  if (!isRecord(body)) return [...problems, 'body is not a JSON object'];

  for (const key of Object.keys(body)) if (!TOP_LEVEL_KEYS.has(key)) problem(`${key}: Extra inputs are not permitted`);
  if (typeof body.model !== 'string' || body.model === '') problem('model: Field required');
  if (!(Number.isInteger(body.max_tokens) && (body.max_tokens as number) >= 1)) problem('max_tokens: Field required (an integer >= 1)');
  if (body.stream !== undefined && typeof body.stream !== 'boolean') problem('stream must be a boolean');
  if (body.temperature !== undefined && !(typeof body.temperature === 'number' && body.temperature >= 0 && body.temperature <= 1)) {
    problem('temperature: must be in [0, 1]');
  }
  if (body.system !== undefined && typeof body.system !== 'string' && !isTextBlocks(body.system)) {
    problem('system: must be a string or text blocks');
  }
  const toolNames = checkTools(body, problem);
  checkMessages(body.messages, toolNames, problem);
  return problems;
}

function checkTools(body: Record<string, unknown>, problem: (text: string) => void): Set<string> {
  const names = new Set<string>();
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) problem('tools: must be an array');
    else
      body.tools.forEach((tool: unknown, i) => {
        if (!isRecord(tool) || typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) return problem(`tools.${i}.name: invalid`);
        if (names.has(tool.name)) problem(`tools: tool names must be unique (${tool.name})`);
        names.add(tool.name);
        const schema = tool.input_schema;
        if (!isRecord(schema) || schema.type !== 'object') problem(`tools.${i}.input_schema: must be a JSON Schema of type object`);
        if (tool.description !== undefined && typeof tool.description !== 'string') problem(`tools.${i}.description: must be a string`);
      });
  }
  const choice = body.tool_choice;
  if (choice !== undefined) {
    if (!isRecord(choice) || !['auto', 'any', 'tool', 'none'].includes(String(choice.type))) problem('tool_choice.type: must be auto, any, tool or none');
    else if (choice.type === 'tool' && (typeof choice.name !== 'string' || !names.has(choice.name))) problem('tool_choice.name: must name a tool in tools');
    if (body.tools === undefined) problem('tool_choice may only be specified while providing tools');
  }
  return names;
}

function checkMessages(messages: unknown, toolNames: Set<string>, problem: (text: string) => void): void {
  if (!Array.isArray(messages) || messages.length === 0) return problem('messages: at least one message is required');
  let pendingToolUses = new Set<string>();
  messages.forEach((m: unknown, i) => {
    const at = `messages.${i}`;
    if (!isRecord(m) || (m.role !== 'user' && m.role !== 'assistant')) return problem(`${at}.role: must be user or assistant`);
    if (i === 0 && m.role !== 'user') problem('messages: the first message must use the user role');
    const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    if (!Array.isArray(blocks) || (blocks.length === 0 && i < messages.length - 1)) {
      return problem(`${at}: all messages must have non-empty content except for the optional final assistant message`);
    }
    const answered = new Set<string>();
    let seenOther = false;
    blocks.forEach((block: unknown, j) => {
      const where = `${at}.content.${j}`;
      if (!isRecord(block)) return problem(`${where}: not a content block`);
      if (block.type !== 'tool_result') seenOther = true;
      switch (block.type) {
        case 'text':
          if (typeof block.text !== 'string' || block.text === '') problem(`${where}: text content blocks must be non-empty`);
          break;
        case 'image':
          checkImage(block, where, problem);
          if (m.role !== 'user') problem(`${where}: images are only allowed in user messages`);
          break;
        case 'tool_use':
          if (m.role !== 'assistant') problem(`${where}: tool_use blocks are only allowed in assistant messages`);
          if (typeof block.id !== 'string' || !/^[a-zA-Z0-9_-]+$/.test(block.id)) problem(`${where}.id: invalid`);
          if (typeof block.name !== 'string' || !TOOL_NAME.test(block.name)) problem(`${where}.name: invalid`);
          if (!isRecord(block.input)) problem(`${where}.input: must be an object`);
          if (typeof block.id === 'string') answered.add(block.id);
          break;
        case 'tool_result':
          if (m.role !== 'user') problem(`${where}: tool_result blocks are only allowed in user messages`);
          if (seenOther) problem(`${where}: tool_result blocks must come first in the user message`);
          if (typeof block.tool_use_id !== 'string' || !pendingToolUses.has(block.tool_use_id)) {
            problem(`${where}: unexpected tool_use_id; each tool_result must answer a tool_use of the previous message`);
          }
          if (block.content !== undefined && typeof block.content !== 'string' && !Array.isArray(block.content)) {
            problem(`${where}.content: must be a string or blocks`);
          }
          if (block.is_error !== undefined && typeof block.is_error !== 'boolean') problem(`${where}.is_error: must be a boolean`);
          break;
        default:
          if (!['document', 'thinking', 'redacted_thinking', 'search_result'].includes(String(block.type))) {
            problem(`${where}.type: unknown content block type ${String(block.type)}`);
          }
      }
    });
    if (m.role === 'user' && pendingToolUses.size > 0) {
      const results = blocks.filter((b: unknown) => isRecord(b) && b.type === 'tool_result').length;
      if (results < pendingToolUses.size) problem(`${at}: tool_use ids were found without tool_result blocks immediately after`);
    }
    pendingToolUses = m.role === 'assistant' ? answered : new Set();
    if (toolNames.size === 0 && blocks.some((b: unknown) => isRecord(b) && (b.type === 'tool_use' || b.type === 'tool_result'))) {
      problem(`${at}: requests which include tool_use or tool_result blocks must define tools`);
    }
  });
}

function checkImage(block: Record<string, unknown>, where: string, problem: (text: string) => void): void {
  const source = block.source;
  if (!isRecord(source)) return problem(`${where}.source: Field required`);
  if (source.type === 'base64') {
    if (!IMAGE_TYPES.has(String(source.media_type))) problem(`${where}.source.media_type: must be one of ${[...IMAGE_TYPES].join(', ')}`);
    if (typeof source.data !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(source.data)) problem(`${where}.source.data: must be base64`);
  } else if (source.type === 'url') {
    if (typeof source.url !== 'string' || !/^https?:\/\//.test(source.url)) problem(`${where}.source.url: must be an http(s) URL`);
  } else {
    problem(`${where}.source.type: must be base64 or url`);
  }
}

function isTextBlocks(value: unknown): boolean {
  return Array.isArray(value) && value.every((b) => isRecord(b) && b.type === 'text' && typeof b.text === 'string');
}

// ---------------------------------------------------------------------------------------------
// Reading the request format, for the conformance suite
// ---------------------------------------------------------------------------------------------

const blocksOf = (r: RecordedRequest, role: string): Array<Record<string, unknown>> => {
  const messages = bodyOf(r).messages;
  if (!Array.isArray(messages)) return [];
  return messages
    .filter((m: unknown): m is Record<string, unknown> => isRecord(m) && m.role === role)
    .flatMap((m) => (typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : Array.isArray(m.content) ? m.content.filter(isRecord) : []));
};

export const anthropicWire: WireReader = {
  model: (r) => {
    const model = bodyOf(r).model;
    return typeof model === 'string' ? model : undefined;
  },
  streaming: (r) => bodyOf(r).stream === true,
  systemPrompt: (r) => {
    const system = bodyOf(r).system;
    return system === undefined ? undefined : textOf(system);
  },
  images: (r) =>
    blocksOf(r, 'user').flatMap((b): WireImage[] => {
      if (b.type !== 'image' || !isRecord(b.source)) return [];
      if (b.source.type === 'url') return [{ url: String(b.source.url) }];
      return [{ data: String(b.source.data), mediaType: String(b.source.media_type) }];
    }),
  toolNames: (r) => {
    const tools = bodyOf(r).tools;
    return Array.isArray(tools) ? tools.map((t: unknown) => String(isRecord(t) ? t.name : '')) : [];
  },
  assistantToolCalls: (r) =>
    blocksOf(r, 'assistant')
      .filter((b) => b.type === 'tool_use')
      .map((b) => ({ id: String(b.id), name: String(b.name), arguments: b.input })),
  toolResults: (r) =>
    blocksOf(r, 'user')
      .filter((b) => b.type === 'tool_result')
      .map((b) => ({ id: String(b.tool_use_id), output: textOf(b.content) })),
  /** JSON output is asked for by forcing one tool; its input_schema is the schema. */
  jsonOutput: (r) => {
    const body = bodyOf(r);
    const forced = forcedToolName(body);
    if (forced === undefined || !Array.isArray(body.tools)) return undefined;
    const tool = body.tools.find((t: unknown) => isRecord(t) && t.name === forced);
    return isRecord(tool) ? { schema: tool.input_schema } : undefined;
  },
  maxOutputTokens: (r) => {
    const value = bodyOf(r).max_tokens;
    return typeof value === 'number' ? value : undefined;
  },
};
