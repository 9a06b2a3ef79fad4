/**
 * The OpenAI Chat Completions adapter (kind 'openai'): POST {baseUrl}/chat/completions with a
 * Bearer key. The same translation serves OpenAI-compatible servers (openai-compatible.ts)
 * through a dialect.
 */
import type { HttpErrorInfo, HttpErrorRefinement } from './errors.js';
import { errorFromResponse, postJson, readJson, type ProviderResponse } from './http.js';
import { buildOpenAIChatBody, type OpenAIChatDialect } from './openai-chat-request.js';
import { toChatResult } from './openai-chat-response.js';
import { openAIStreamEvents } from './openai-chat-stream.js';
import {
  PROVIDER_SPEC_VERSION,
  type ChatRequest,
  type ChatResult,
  type ProviderAdapter,
  type ProviderEndpoint,
  type StreamResult,
} from '../../shared/contracts/provider.js';
import { parseOpenAIRateLimitHeaders } from './rate-limit-headers.js';

export interface OpenAIChatAdapterOptions extends OpenAIChatDialect {
  kind: string;
  /** Whether a stream must end with `data: [DONE]` to count as complete. */
  requireDone: boolean;
  /**
   * Where a request goes, with which credential headers and dialect, when that depends on the
   * deployment (Azure's deployment paths and api-version). Default: {baseUrl}/chat/completions
   * with a Bearer key, and this dialect.
   */
  route?: (endpoint: ProviderEndpoint, request: ChatRequest) => OpenAIChatRoute;
  /** Provider-specific error cases; default classifyOpenAIError. */
  classify?: (info: HttpErrorInfo) => HttpErrorRefinement | undefined;
}

export interface OpenAIChatRoute {
  url: string;
  /** Credential headers. */
  headers: Record<string, string>;
  dialect: OpenAIChatDialect;
}

export const OPENAI_DIALECT: OpenAIChatAdapterOptions = {
  kind: 'openai',
  maxTokensField: 'max_completion_tokens',
  streamUsage: true,
  requireDone: true,
};

export function createOpenAIChatAdapter(options: OpenAIChatAdapterOptions = OPENAI_DIALECT): ProviderAdapter {
  const provider = options.kind;
  const route =
    options.route ??
    ((endpoint: ProviderEndpoint): OpenAIChatRoute => ({
      url: chatCompletionsUrl(endpoint.baseUrl),
      headers: endpoint.apiKey !== '' ? { authorization: `Bearer ${endpoint.apiKey}` } : {},
      dialect: options,
    }));

  async function send(endpoint: ProviderEndpoint, request: ChatRequest, signal: AbortSignal, stream: boolean): Promise<ProviderResponse> {
    const target = route(endpoint, request);
    const headers: Record<string, string> = {
      ...endpoint.headers,
      accept: stream ? 'text/event-stream' : 'application/json',
      ...target.headers,
    };
    const body = buildOpenAIChatBody(request, target.dialect, stream);
    const response = await postJson(target.url, headers, body, signal, { provider });
    if (response.ok) return response;
    throw await errorFromResponse(response, signal, provider, {
      classify: options.classify ?? classifyOpenAIError,
      rateLimit: parseOpenAIRateLimitHeaders(response.headers),
    });
  }

  return {
    specificationVersion: PROVIDER_SPEC_VERSION,
    kind: options.kind,

    async generate(endpoint, request, signal): Promise<ChatResult> {
      const response = await send(endpoint, request, signal, false);
      const rateLimit = parseOpenAIRateLimitHeaders(response.headers);
      const body = await readJson(response, signal, provider);
      const result: ChatResult = toChatResult(body, provider, request.model);
      if (rateLimit !== undefined) result.rateLimit = rateLimit;
      return result;
    },

    async stream(endpoint, request, signal): Promise<StreamResult> {
      const response = await send(endpoint, request, signal, true);
      const rateLimit = parseOpenAIRateLimitHeaders(response.headers);
      const events = openAIStreamEvents(response.body, signal, {
        provider,
        requestedModel: request.model,
        requireDone: options.requireDone,
      });
      return rateLimit === undefined ? { events } : { events, rateLimit };
    },
  };
}

export const openAIChatAdapter: ProviderAdapter = createOpenAIChatAdapter();

export function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
}

/**
 * OpenAI specifics: a 429 `insufficient_quota` is a billing state, not a momentary limit, so
 * retrying cannot help (failing over to another provider still can).
 */
export function classifyOpenAIError(info: HttpErrorInfo): HttpErrorRefinement | undefined {
  if (info.code === 'insufficient_quota') return { kind: 'rate_limit', retryable: false };
  if (info.code === 'context_length_exceeded') return { kind: 'context_length', retryable: false };
  return undefined;
}
