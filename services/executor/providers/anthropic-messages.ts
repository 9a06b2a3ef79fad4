/**
 * The Anthropic Messages adapter: `POST {baseUrl}/messages` (baseUrl e.g.
 * https://api.anthropic.com/v1) with `x-api-key` and `anthropic-version: 2023-06-01`.
 * Request translation, answers and streams live in anthropic-messages-{request,response,stream}.ts.
 */
import { classifyAnthropicError } from './classify-anthropic-error.js';
import { errorFromResponse, postJson, readJson } from './http.js';
import { PROVIDER_SPEC_VERSION, type ChatRequest, type ChatResult, type ProviderAdapter, type ProviderEndpoint, type StreamEvent, type StreamResult } from '../../shared/contracts/provider.js';
import { parseAnthropicRateLimitHeaders } from './rate-limit-headers.js';
import { ANTHROPIC_PROVIDER, toAnthropicRequest, type AnthropicRequestOptions } from './anthropic-messages-request.js';
import { toAnthropicChatResult } from './anthropic-messages-response.js';
import { AnthropicStreamTranslator } from './anthropic-messages-stream.js';
import { parseSse } from './sse.js';

export const ANTHROPIC_VERSION = '2023-06-01';

export type AnthropicMessagesOptions = AnthropicRequestOptions;

export function createAnthropicMessagesAdapter(options: AnthropicMessagesOptions = {}): ProviderAdapter {
  return {
    specificationVersion: PROVIDER_SPEC_VERSION,
    kind: ANTHROPIC_PROVIDER,

    async generate(endpoint: ProviderEndpoint, request: ChatRequest, signal: AbortSignal): Promise<ChatResult> {
      const plan = toAnthropicRequest(request, options);
      const response = await postJson(messagesUrl(endpoint), headersFor(endpoint, 'application/json'), plan.body, signal, {
        provider: ANTHROPIC_PROVIDER,
      });
      const rateLimit = parseAnthropicRateLimitHeaders(response.headers);
      if (!response.ok) throw await errorFromResponse(response, signal, ANTHROPIC_PROVIDER, errorOptions(rateLimit));
      const body = await readJson(response, signal, ANTHROPIC_PROVIDER);
      const result: ChatResult = toAnthropicChatResult(body, request.model, plan.jsonToolName);
      if (rateLimit !== undefined) result.rateLimit = rateLimit;
      return result;
    },

    async stream(endpoint: ProviderEndpoint, request: ChatRequest, signal: AbortSignal): Promise<StreamResult> {
      const plan = toAnthropicRequest(request, options);
      const body = { ...plan.body, stream: true };
      const response = await postJson(messagesUrl(endpoint), headersFor(endpoint, 'text/event-stream'), body, signal, {
        provider: ANTHROPIC_PROVIDER,
      });
      const rateLimit = parseAnthropicRateLimitHeaders(response.headers);
      if (!response.ok) throw await errorFromResponse(response, signal, ANTHROPIC_PROVIDER, errorOptions(rateLimit));
      const translator = new AnthropicStreamTranslator(request.model, plan.jsonToolName);
      const result: StreamResult = { events: translate(response.body, signal, translator) };
      if (rateLimit !== undefined) result.rateLimit = rateLimit;
      return result;
    },
  };
}

export const anthropicMessagesAdapter: ProviderAdapter = createAnthropicMessagesAdapter();

async function* translate(
  body: ReadableStream<Uint8Array> | null,
  signal: AbortSignal,
  translator: AnthropicStreamTranslator,
): AsyncGenerator<StreamEvent, void, undefined> {
  for await (const sse of parseSse(body, signal, { provider: ANTHROPIC_PROVIDER })) {
    const events = translator.push(sse);
    yield* events;
    if (events.some((event) => event.type === 'finish')) return;
  }
  translator.end();
}

function messagesUrl(endpoint: ProviderEndpoint): string {
  return `${endpoint.baseUrl.replace(/\/+$/, '')}/messages`;
}

function headersFor(endpoint: ProviderEndpoint, accept: string): Record<string, string> {
  return {
    accept,
    'anthropic-version': ANTHROPIC_VERSION,
    ...(endpoint.apiKey !== '' ? { 'x-api-key': endpoint.apiKey } : {}),
    ...endpoint.headers,
  };
}

function errorOptions(rateLimit: ReturnType<typeof parseAnthropicRateLimitHeaders>) {
  return { classify: classifyAnthropicError, ...(rateLimit !== undefined ? { rateLimit } : {}) };
}
