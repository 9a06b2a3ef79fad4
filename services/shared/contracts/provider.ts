/**
 * The provider interface, specification version 1.
 *
 * A provider adapter translates one neutral chat request into one provider's HTTP wire format
 * and translates the answer back. Adapters are stateless apart from their configuration; the
 * executor owns retries, timeouts, circuit breaking, rate limiting and cost. An adapter:
 *
 *  - makes exactly one HTTP request per call (no retries of its own);
 *  - honours `signal`: when it aborts, the HTTP request is aborted (the upstream sees the
 *    connection close) and the call rejects with a ProviderError of kind 'aborted';
 *  - injects the active OpenTelemetry context into the request headers (`traceparent`);
 *  - maps every failure to a ProviderError (errors.ts): HTTP status, provider error body,
 *    network failure, malformed JSON, an SSE stream that ends early or carries an error event;
 *    it never throws anything else;
 *  - reports usage as the provider states it (input tokens exclude nothing: cached and
 *    cache-write tokens are reported separately *and* counted in inputTokens), and the
 *    rate-limit headers it saw (rate-limit-headers.ts) on success and on failure;
 *  - never logs, and never puts the API key or prompt text into an error message.
 */
export const PROVIDER_SPEC_VERSION = 'v1';

export type Role = 'system' | 'user' | 'assistant' | 'tool';

export type ContentPart =
  | { type: 'text'; text: string }
  /** An image: either a URL (https: or data:) or raw base64 data with its media type. */
  | { type: 'image'; url?: string; data?: string; mediaType?: string };

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as a JSON text, exactly as the model produced them. */
  arguments: string;
}

export interface ChatMessage {
  role: Role;
  content: ContentPart[];
  /** Assistant messages: the tool calls the model made. */
  toolCalls?: ToolCall[];
  /** Tool messages: the id of the call this message answers. */
  toolCallId?: string;
  /** Tool messages: the tool's name (Gemini needs it). */
  name?: string;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; strict?: boolean };

export interface ChatRequest {
  /** The provider's own model name (the deployment's, not the catalog id). */
  model: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  /** 'auto' (default), 'none', 'required', or the name of one tool. */
  toolChoice?: string;
  responseFormat?: ResponseFormat;
  maxOutputTokens?: number;
  temperature?: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error' | 'other';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the provider's prompt cache (billed at the cached rate). */
  cachedInputTokens: number;
  /** Input tokens written to the provider's prompt cache (billed at the cache-write rate). */
  cacheWriteTokens: number;
}

/** What the provider's rate-limit headers said; absent fields were not sent. */
export interface RateLimitInfo {
  limitRequests?: number;
  remainingRequests?: number;
  limitTokens?: number;
  remainingTokens?: number;
  /** Milliseconds until the request budget resets. */
  resetRequestsMs?: number;
  /** Milliseconds until the token budget resets. */
  resetTokensMs?: number;
  /** Retry-After, in milliseconds. */
  retryAfterMs?: number;
}

export interface ChatResult {
  message: { role: 'assistant'; text: string; toolCalls: ToolCall[] };
  finishReason: FinishReason;
  usage: Usage;
  /** The model that answered, as the provider names it. */
  responseModel: string;
  /** The provider's id of the response, when it gives one. */
  responseId?: string;
  /** The provider's fingerprint of the serving configuration, when it gives one (OpenAI's system_fingerprint). */
  systemFingerprint?: string;
  rateLimit?: RateLimitInfo;
}

export type StreamEvent =
  | { type: 'text-delta'; text: string }
  /** A complete tool call (adapters assemble argument fragments before emitting it). */
  | { type: 'tool-call'; toolCall: ToolCall }
  /** Always the last event of a stream that ended well. */
  | { type: 'finish'; finishReason: FinishReason; usage: Usage; responseModel: string; responseId?: string; systemFingerprint?: string };

export interface StreamResult {
  /** Rate-limit headers of the streaming response, known once it started. */
  rateLimit?: RateLimitInfo;
  /** The events; iteration rejects with a ProviderError (e.g. 'stream_interrupted'). */
  events: AsyncIterable<StreamEvent>;
}

/** Where and how to reach one deployment of a model. */
export interface ProviderEndpoint {
  /** Base URL, e.g. https://api.openai.com/v1 ; adapters append their paths. */
  baseUrl: string;
  /** The API key, already read from the environment by the caller; may be empty for local servers. */
  apiKey: string;
  /** Extra headers (e.g. anthropic-version overrides, OpenAI-Organization). */
  headers?: Record<string, string>;
  /** AWS deployments (kind 'bedrock'): the region to sign for and the credentials, read from the environment. */
  aws?: AwsCredentials;
  /** Azure OpenAI deployments: the api-version and whether `apiKey` is a resource key or an Entra ID token. */
  azure?: { apiVersion: string; auth: 'api-key' | 'entra' };
}

export interface AwsCredentials {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials (STS, SSO) carry one. */
  sessionToken?: string;
}

export interface ProviderAdapter {
  readonly specificationVersion: typeof PROVIDER_SPEC_VERSION;
  /** The adapter kind, as the config's `provider` field names it. */
  readonly kind: string;
  /** One complete answer. Rejects with ProviderError. */
  generate(endpoint: ProviderEndpoint, request: ChatRequest, signal: AbortSignal): Promise<ChatResult>;
  /**
   * A streamed answer. Resolves once the response headers arrived with a 2xx status (so that a
   * caller can fail over before the first token); rejects with ProviderError otherwise.
   */
  stream(endpoint: ProviderEndpoint, request: ChatRequest, signal: AbortSignal): Promise<StreamResult>;
}
