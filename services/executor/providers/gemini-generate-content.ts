/**
 * The Gemini adapter (Gemini API, v1beta REST): `POST {baseUrl}/models/{model}:generateContent`
 * and `:streamGenerateContent?alt=sse` (baseUrl e.g.
 * https://generativelanguage.googleapis.com/v1beta) with the key in `x-goog-api-key`.
 * Request translation, answers and streams live in gemini-generate-content-{request,response,stream}.ts.
 */
import { classifyGeminiError } from './classify-gemini-error.js';
import { errorFromResponse, postJson, readJson } from './http.js';
import { PROVIDER_SPEC_VERSION, type ChatRequest, type ChatResult, type ProviderAdapter, type ProviderEndpoint, type RateLimitInfo, type StreamResult } from '../../shared/contracts/provider.js';
import { parseRateLimitHeaders } from './rate-limit-headers.js';
import { GEMINI_PROVIDER, toGeminiRequest } from './gemini-generate-content-request.js';
import { toGeminiChatResult } from './gemini-generate-content-response.js';
import { geminiStreamEvents } from './gemini-generate-content-stream.js';

export function createGeminiGenerateContentAdapter(): ProviderAdapter {
  return {
    specificationVersion: PROVIDER_SPEC_VERSION,
    kind: GEMINI_PROVIDER,

    async generate(endpoint: ProviderEndpoint, request: ChatRequest, signal: AbortSignal): Promise<ChatResult> {
      const body = toGeminiRequest(request);
      const url = modelUrl(endpoint, request.model, 'generateContent');
      const response = await postJson(url, headersFor(endpoint), body, signal, { provider: GEMINI_PROVIDER });
      // Gemini sends no rate-limit headers today; a Retry-After from a proxy in front is still worth keeping.
      const rateLimit = parseRateLimitHeaders(response.headers);
      if (!response.ok) throw await errorFromResponse(response, signal, GEMINI_PROVIDER, errorOptions(rateLimit));
      const result: ChatResult = toGeminiChatResult(await readJson(response, signal, GEMINI_PROVIDER), request.model);
      if (rateLimit !== undefined) result.rateLimit = rateLimit;
      return result;
    },

    async stream(endpoint: ProviderEndpoint, request: ChatRequest, signal: AbortSignal): Promise<StreamResult> {
      const body = toGeminiRequest(request);
      const url = `${modelUrl(endpoint, request.model, 'streamGenerateContent')}?alt=sse`;
      const response = await postJson(url, headersFor(endpoint), body, signal, { provider: GEMINI_PROVIDER });
      const rateLimit = parseRateLimitHeaders(response.headers);
      if (!response.ok) throw await errorFromResponse(response, signal, GEMINI_PROVIDER, errorOptions(rateLimit));
      const result: StreamResult = { events: geminiStreamEvents(response.body, signal, request.model) };
      if (rateLimit !== undefined) result.rateLimit = rateLimit;
      return result;
    },
  };
}

export const geminiGenerateContentAdapter: ProviderAdapter = createGeminiGenerateContentAdapter();

/** `models/gemini-2.5-flash` and `gemini-2.5-flash` name the same model. */
function modelUrl(endpoint: ProviderEndpoint, model: string, method: string): string {
  const id = model.replace(/^models\//, '');
  return `${endpoint.baseUrl.replace(/\/+$/, '')}/models/${encodeURIComponent(id)}:${method}`;
}

function headersFor(endpoint: ProviderEndpoint): Record<string, string> {
  return {
    ...(endpoint.apiKey !== '' ? { 'x-goog-api-key': endpoint.apiKey } : {}),
    ...endpoint.headers,
  };
}

function errorOptions(rateLimit: RateLimitInfo | undefined) {
  return { classify: classifyGeminiError, ...(rateLimit !== undefined ? { rateLimit } : {}) };
}
