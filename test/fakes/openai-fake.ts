/**
 * A local OpenAI Chat Completions server for tests: replays recorded bodies and SSE chunks
 * (test/fixtures/openai/), checks every request against the API's wire format and records it,
 * and injects faults per request. See ProviderFake in test/executor/provider-conformance.ts.
 *
 * Flavours: 'openai' expects a Bearer key, `max_completion_tokens` and sends OpenAI's
 * rate-limit headers; 'compatible' (vLLM, Ollama, ...) expects `max_tokens`, takes no key
 * when none is configured and sends no rate-limit headers.
 */
import { readFileSync } from 'node:fs';
import type { FakeOptions, FakeStep, ProviderFake, RecordedRequest, WireImage, WireReader } from './fake-contract.js';
import { bodyOf, isRecord, startProviderFake, textOf, type FakeRequest, type StreamCut } from './provider-fake.js';

export type OpenAIFlavour = 'openai' | 'compatible';

export interface OpenAIFakeOptions extends Partial<FakeOptions> {
  flavour?: OpenAIFlavour;
}

/**
 * A stream cut at a chosen point: the first `afterChunks` recorded chunks of the text stream,
 * then the end of the body ('stream_truncated') or the provider's error event
 * ('stream_error'). `afterChunks: 1` sends only the role chunk, so the stream fails before its
 * first token; the plain faults of FakeStep fail after it.
 */
export type OpenAIStreamCut = StreamCut;

export type OpenAIFakeStep = FakeStep | OpenAIStreamCut;

export interface OpenAIFake extends ProviderFake {
  script(...steps: OpenAIFakeStep[]): void;
}

const FIXTURES = new URL('../fixtures/openai/', import.meta.url);

export function readOpenAIFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** Headers OpenAI sends with every answer (values from a real response). */
export const OPENAI_RATE_LIMIT_HEADERS: Record<string, string> = {
  'x-ratelimit-limit-requests': '500',
  'x-ratelimit-limit-tokens': '200000',
  'x-ratelimit-remaining-requests': '499',
  'x-ratelimit-remaining-tokens': '199976',
  'x-ratelimit-reset-requests': '120ms',
  'x-ratelimit-reset-tokens': '7ms',
};

export function startOpenAIFake(options: OpenAIFakeOptions = {}): Promise<OpenAIFake> {
  const flavour = options.flavour ?? 'openai';
  const apiKey = options.apiKey ?? 'sk-test';
  return startProviderFake({
    basePath: '/v1',
    readFixture: readOpenAIFixture,
    check: (method, path, headers, body) => checkOpenAIRequest(method, path, headers, body, { flavour, apiKey }),
    streaming: (request) => request.body.stream === true,
    headers: () => ({
      'x-request-id': `req_${Math.random().toString(16).slice(2, 18)}`,
      'openai-processing-ms': '231',
      'openai-version': '2020-10-01',
      ...(flavour === 'openai' ? OPENAI_RATE_LIMIT_HEADERS : {}),
    }),
    jsonContentType: 'application/json',
    sseHeaders: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
    // each line one `data:` event; the body ends whether or not the lines end with [DONE]
    sseEvent: (line) => `data: ${line}\n\n`,
    errors: {
      server_error: { status: 500, fixture: 'error-500.json' },
      overloaded: { status: 503, fixture: 'error-503.json' },
      rate_limit: {
        status: 429,
        fixture: 'error-429.json',
        headers: { 'retry-after': '2', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '2s' },
      },
      context_length: { status: 400, fixture: 'error-400-context-length.json' },
      auth: { status: 401, fixture: 'error-401.json' },
    },
    faultChunks: 3,
    streamFaultsWithoutStream: 'sse',
    streamLines: (name, request) => sseLines(`${name}.chunks.txt`, includesUsage(request)),
  });
}

export function includesUsage(request: FakeRequest): boolean {
  return isRecord(request.body.stream_options) && request.body.stream_options.include_usage === true;
}

/**
 * The data lines of a recorded stream. Without `stream_options.include_usage`, OpenAI sends no
 * usage chunk and no `usage` field, so those are removed.
 */
export function sseLines(file: string, includeUsage: boolean): string[] {
  const lines = readOpenAIFixture(file).split('\n').filter((line) => line !== '');
  if (includeUsage) return lines;
  return lines.flatMap((line) => {
    if (line === '[DONE]') return [line];
    const chunk = JSON.parse(line) as Record<string, unknown>;
    if (Array.isArray(chunk.choices) && chunk.choices.length === 0) return [];
    delete chunk.usage;
    return [JSON.stringify(chunk)];
  });
}

// ---------------------------------------------------------------------------------------------
// Request checks: what the API would reject, or what our dialect must not send
// ---------------------------------------------------------------------------------------------

const TOP_LEVEL_KEYS = new Set([
  'model', 'messages', 'audio', 'frequency_penalty', 'function_call', 'functions', 'logit_bias', 'logprobs',
  'max_completion_tokens', 'max_tokens', 'metadata', 'modalities', 'n', 'parallel_tool_calls', 'prediction',
  'presence_penalty', 'prompt_cache_key', 'reasoning_effort', 'response_format', 'safety_identifier', 'seed',
  'service_tier', 'stop', 'store', 'stream', 'stream_options', 'temperature', 'tool_choice', 'tools',
  'top_logprobs', 'top_p', 'user', 'verbosity', 'web_search_options',
]);
const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export function checkOpenAIRequest(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: unknown,
  expected: { flavour: OpenAIFlavour; apiKey: string },
): string[] {
  const problems: string[] = [];
  const problem = (text: string): void => void problems.push(text);
  if (method !== 'POST') problem(`method ${method}, want POST`);
  if (path !== '/v1/chat/completions') problem(`path ${path}, want /v1/chat/completions`);
  if (expected.apiKey !== '' && headers.authorization !== `Bearer ${expected.apiKey}`) problem('authorization is not "Bearer <key>"');
  if (expected.apiKey === '' && headers.authorization !== undefined) problem('authorization sent to a keyless endpoint');
  if (!(headers['content-type'] ?? '').startsWith('application/json')) problem('content-type is not application/json');
  return [...problems, ...checkOpenAIChatBody(body, { maxTokensField: expected.flavour === 'openai' ? 'max_completion_tokens' : 'max_tokens' })];
}

export interface ChatBodyExpectations {
  /** The output limit's field; the other one is a problem. */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** Extra top-level keys the server knows (Azure's data_sources, ...). */
  extraKeys?: readonly string[];
  /** Azure takes the model from the path, so the body may omit it. */
  modelOptional?: boolean;
}

/** What the Chat Completions API would reject in a body, or what a dialect must not send. */
export function checkOpenAIChatBody(body: unknown, expected: ChatBodyExpectations): string[] {
  const problems: string[] = [];
  const problem = (text: string): void => void problems.push(text);
  if (!isRecord(body)) return ['body is not a JSON object'];
  const extra = new Set(expected.extraKeys ?? []);
  for (const key of Object.keys(body)) if (!TOP_LEVEL_KEYS.has(key) && !extra.has(key)) problem(`unknown parameter ${key}`);
  if (!expected.modelOptional && (typeof body.model !== 'string' || body.model === '')) problem('model missing');
  if (expected.maxTokensField === 'max_completion_tokens' && body.max_tokens !== undefined) problem('max_tokens is deprecated: send max_completion_tokens');
  if (expected.maxTokensField === 'max_tokens' && body.max_completion_tokens !== undefined) problem('this server wants max_tokens');
  if (body.stream_options !== undefined && body.stream !== true) problem("'stream_options' is only allowed when 'stream' is enabled");
  if (body.stream_options !== undefined && !(isRecord(body.stream_options) && typeof body.stream_options.include_usage === 'boolean')) {
    problem('stream_options.include_usage must be a boolean');
  }
  if (body.temperature !== undefined && !(typeof body.temperature === 'number' && body.temperature >= 0 && body.temperature <= 2)) {
    problem('temperature must be a number in [0, 2]');
  }
  checkMessages(body.messages, problem);
  checkTools(body, problem);
  checkResponseFormat(body, problem);
  return problems;
}

function checkMessages(messages: unknown, problem: (text: string) => void): void {
  if (!Array.isArray(messages) || messages.length === 0) return problem('messages must be a non-empty array');
  const callIds = new Set<string>();
  messages.forEach((m: unknown, i) => {
    const at = `messages[${i}]`;
    if (!isRecord(m)) return problem(`${at} is not an object`);
    switch (m.role) {
      case 'system':
      case 'developer':
        if (!isTextContent(m.content)) problem(`${at}.content must be a string or text parts`);
        break;
      case 'user':
        if (typeof m.content === 'string') break;
        if (!Array.isArray(m.content) || m.content.length === 0) {
          problem(`${at}.content must be a string or a non-empty array of parts`);
          break;
        }
        m.content.forEach((part: unknown, j) => checkUserPart(part, `${at}.content[${j}]`, problem));
        break;
      case 'assistant': {
        const calls = m.tool_calls;
        if (calls !== undefined) {
          if (!Array.isArray(calls) || calls.length === 0) problem(`${at}.tool_calls must be a non-empty array`);
          else calls.forEach((c: unknown, j) => checkToolCall(c, `${at}.tool_calls[${j}]`, problem, callIds));
        }
        if (m.content === null || m.content === undefined) {
          if (calls === undefined) problem(`${at}.content is required unless tool_calls is specified`);
        } else if (!isTextContent(m.content)) problem(`${at}.content must be a string or text parts`);
        break;
      }
      case 'tool':
        if (typeof m.tool_call_id !== 'string' || m.tool_call_id === '') problem(`${at}.tool_call_id missing`);
        else if (!callIds.has(m.tool_call_id)) problem(`${at} must answer a preceding assistant tool call`);
        if (!isTextContent(m.content)) problem(`${at}.content must be a string or text parts`);
        break;
      default:
        problem(`${at}.role ${String(m.role)} is not one of system, developer, user, assistant, tool`);
    }
  });
}

function checkUserPart(part: unknown, at: string, problem: (text: string) => void): void {
  if (!isRecord(part)) return problem(`${at} is not an object`);
  if (part.type === 'text') {
    if (typeof part.text !== 'string') problem(`${at}.text must be a string`);
  } else if (part.type === 'image_url') {
    const image = part.image_url;
    const url = isRecord(image) ? image.url : undefined;
    if (typeof url !== 'string' || !/^(https?:\/\/|data:image\/(png|jpeg|gif|webp);base64,)/.test(url)) {
      problem(`${at}.image_url.url must be an http(s) URL or a base64 image data URL`);
    }
    if (isRecord(image) && image.detail !== undefined && !['auto', 'low', 'high'].includes(String(image.detail))) {
      problem(`${at}.image_url.detail must be auto, low or high`);
    }
  } else if (part.type !== 'input_audio' && part.type !== 'file') {
    problem(`${at}.type ${String(part.type)} is not a user content part`);
  }
}

function checkToolCall(call: unknown, at: string, problem: (text: string) => void, ids: Set<string>): void {
  if (!isRecord(call) || typeof call.id !== 'string' || call.type !== 'function' || !isRecord(call.function)) {
    return problem(`${at} must be {id, type: 'function', function}`);
  }
  ids.add(call.id);
  if (typeof call.function.name !== 'string' || !NAME.test(call.function.name)) problem(`${at}.function.name is invalid`);
  if (typeof call.function.arguments !== 'string') problem(`${at}.function.arguments must be a JSON string`);
}

function checkTools(body: Record<string, unknown>, problem: (text: string) => void): void {
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools) || body.tools.length === 0) problem('tools must be a non-empty array');
    else
      body.tools.forEach((t: unknown, i) => {
        const fn = isRecord(t) && t.type === 'function' && isRecord(t.function) ? t.function : undefined;
        if (fn === undefined) return problem(`tools[${i}] must be {type: 'function', function}`);
        if (typeof fn.name !== 'string' || !NAME.test(fn.name)) problem(`tools[${i}].function.name is invalid`);
        if (fn.parameters !== undefined && !isRecord(fn.parameters)) problem(`tools[${i}].function.parameters must be an object`);
      });
  }
  const choice = body.tool_choice;
  if (choice === undefined) return;
  if (body.tools === undefined) problem('tool_choice is only allowed when tools are specified');
  const named = isRecord(choice) && choice.type === 'function' && isRecord(choice.function) && typeof choice.function.name === 'string';
  if (!named && choice !== 'none' && choice !== 'auto' && choice !== 'required') problem('tool_choice is invalid');
}

function checkResponseFormat(body: Record<string, unknown>, problem: (text: string) => void): void {
  const format = body.response_format;
  if (format === undefined) return;
  if (!isRecord(format)) return problem('response_format must be an object');
  if (format.type === 'json_object') {
    if (!JSON.stringify(body.messages ?? '').toLowerCase().includes('json')) {
      problem("'messages' must contain the word 'json' to use response_format json_object");
    }
  } else if (format.type === 'json_schema') {
    const spec = format.json_schema;
    if (!isRecord(spec) || typeof spec.name !== 'string' || !NAME.test(spec.name)) problem('response_format.json_schema.name is invalid');
    else if (spec.schema !== undefined && !isRecord(spec.schema)) problem('response_format.json_schema.schema must be an object');
  } else if (format.type !== 'text') {
    problem(`response_format.type ${String(format.type)} is invalid`);
  }
}

function isTextContent(content: unknown): boolean {
  if (typeof content === 'string') return true;
  return Array.isArray(content) && content.every((p) => isRecord(p) && p.type === 'text' && typeof p.text === 'string');
}

// ---------------------------------------------------------------------------------------------
// Reading the request format, for the conformance suite
// ---------------------------------------------------------------------------------------------

const messagesOf = (r: RecordedRequest): Array<Record<string, unknown>> => {
  const messages = bodyOf(r).messages;
  return Array.isArray(messages) ? messages.filter(isRecord) : [];
};

export const openAIWire: WireReader = {
  model: (r) => {
    const model = bodyOf(r).model;
    return typeof model === 'string' ? model : undefined;
  },
  streaming: (r) => bodyOf(r).stream === true,
  systemPrompt: (r) => {
    const system = messagesOf(r).find((m) => m.role === 'system' || m.role === 'developer');
    return system === undefined ? undefined : textOf(system.content);
  },
  images: (r) =>
    messagesOf(r).flatMap((m) =>
      Array.isArray(m.content)
        ? m.content.flatMap((p: unknown): WireImage[] =>
            isRecord(p) && p.type === 'image_url' && isRecord(p.image_url) && typeof p.image_url.url === 'string'
              ? [{ url: p.image_url.url }]
              : [],
          )
        : [],
    ),
  toolNames: (r) => {
    const tools = bodyOf(r).tools;
    return Array.isArray(tools) ? tools.map((t: unknown) => String(isRecord(t) && isRecord(t.function) ? t.function.name : '')) : [];
  },
  assistantToolCalls: (r) =>
    messagesOf(r).flatMap((m) =>
      m.role === 'assistant' && Array.isArray(m.tool_calls)
        ? m.tool_calls.filter(isRecord).map((c) => {
            const fn = isRecord(c.function) ? c.function : {};
            return { id: String(c.id), name: String(fn.name), arguments: JSON.parse(String(fn.arguments)) as unknown };
          })
        : [],
    ),
  toolResults: (r) =>
    messagesOf(r)
      .filter((m) => m.role === 'tool')
      .map((m) => ({ id: String(m.tool_call_id), output: textOf(m.content) })),
  jsonOutput: (r) => {
    const format = bodyOf(r).response_format;
    if (!isRecord(format)) return undefined;
    if (format.type === 'json_object') return {};
    if (format.type === 'json_schema' && isRecord(format.json_schema)) return { schema: format.json_schema.schema };
    return undefined;
  },
  maxOutputTokens: (r) => {
    const body = bodyOf(r);
    const value = body.max_completion_tokens ?? body.max_tokens;
    return typeof value === 'number' ? value : undefined;
  },
};
