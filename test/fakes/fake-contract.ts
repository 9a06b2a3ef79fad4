/**
 * What every provider fake offers the tests (test/fakes/*-fake.ts implement it): the requests it
 * recorded, the replies and faults it can be scripted with, how a test reads a provider's request
 * format, and the values the fakes' recorded replies carry.
 */
import type { Usage } from '../../services/shared/contracts/provider.js';

// ---------------------------------------------------------------------------------------------
// What a fake offers
// ---------------------------------------------------------------------------------------------

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. '/v1/chat/completions'. */
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** Where the request breaks the provider's wire format (path, auth, body shape); empty when it is right. */
  problems: string[];
  /** Resolves when the client closed the connection before the fake finished its reply. */
  closedEarly: Promise<void>;
}

/** Answers every fake can give, each a recorded provider reply carrying the EXPECTED values. */
export type FakeReply =
  | 'text'
  | 'tool-call'
  | 'tool-result'
  | 'json'
  | 'cached-usage'
  | 'finish-length'
  | 'finish-content-filter';

/**
 * Faults every fake can inject: `server_error` HTTP 500, `overloaded` 503 (or the provider's
 * own overload status), `rate_limit` 429 with `retry-after: 2`, `context_length` the
 * provider's 400 for a too-long prompt, `auth` 401, `hang` never answers, `reset` destroys the
 * connection before answering, `malformed_json` a 200 whose body (or first stream event) is
 * cut-off JSON, `stream_truncated` a stream that stops after a few events (no finish, no end
 * marker), `stream_error` a stream that carries the provider's error event after a few events.
 */
export type FakeFault =
  | 'server_error'
  | 'overloaded'
  | 'rate_limit'
  | 'context_length'
  | 'auth'
  | 'hang'
  | 'reset'
  | 'malformed_json'
  | 'stream_truncated'
  | 'stream_error';

export type FakeStep =
  /** A recorded reply; streamed when the request asked for a stream. */
  | { reply: FakeReply; chunkDelayMs?: number }
  /** A provider-specific fixture file by name, without extension. */
  | { fixture: string; chunkDelayMs?: number }
  | { fault: FakeFault }
  /** Any status and JSON body. */
  | { status: number; body: unknown; headers?: Record<string, string> };

export interface ProviderFake {
  /** The endpoint base URL to give the adapter (ProviderEndpoint.baseUrl). */
  url: string;
  requests: RecordedRequest[];
  /** Queues what the next requests get, one step each; an empty queue answers { reply: 'text' }. */
  script(...steps: FakeStep[]): void;
  /** Forgets recorded requests and queued steps. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeOptions {
  /** The key the fake expects; '' means the request must carry none. */
  apiKey: string;
}

// ---------------------------------------------------------------------------------------------
// How the suite reads a provider's request format
// ---------------------------------------------------------------------------------------------

export interface WireImage {
  url?: string;
  data?: string;
  mediaType?: string;
}

export interface WireReader {
  model(request: RecordedRequest): string | undefined;
  streaming(request: RecordedRequest): boolean;
  systemPrompt(request: RecordedRequest): string | undefined;
  images(request: RecordedRequest): WireImage[];
  toolNames(request: RecordedRequest): string[];
  /** Tool calls of assistant messages sent back to the model, arguments parsed. */
  assistantToolCalls(request: RecordedRequest): Array<{ id?: string; name: string; arguments: unknown }>;
  /** Tool results sent to the model; `output` as the text the provider receives. */
  toolResults(request: RecordedRequest): Array<{ id?: string; name?: string; output: string }>;
  /** Whether JSON output was requested, and with which schema. */
  jsonOutput(request: RecordedRequest): { schema?: unknown } | undefined;
  maxOutputTokens(request: RecordedRequest): number | undefined;
}

// ---------------------------------------------------------------------------------------------
// The row and the expectations
// ---------------------------------------------------------------------------------------------

export const EXPECTED = {
  text: 'The capital of France is Paris.',
  textUsage: { inputTokens: 24, outputTokens: 8, cachedInputTokens: 0, cacheWriteTokens: 0 } as Usage,
  toolCall: { name: 'get_weather', arguments: { city: 'Paris' } as unknown },
  toolCallUsage: { inputTokens: 82, outputTokens: 17, cachedInputTokens: 0, cacheWriteTokens: 0 } as Usage,
  toolResultText: 'It is 18°C and sunny in Paris.',
  json: { city: 'Paris', country: 'France' } as unknown,
  cachedUsage: { inputTokens: 1536, outputTokens: 8, cachedInputTokens: 1280, cacheWriteTokens: 0 } as Usage,
  lengthText: 'The capital of',
  /** HTTP status of the `overloaded` fault. */
  overloadedStatus: 503,
  /** HTTP status of the `auth` fault (AWS answers a bad signature with 403). */
  authStatus: 401,
  /** Retry-After of the `rate_limit` fault; undefined for providers that send none. */
  rateLimitRetryAfterMs: 2000 as number | undefined,
};

export type ConformanceExpectations = typeof EXPECTED;

/** A 1x1 transparent PNG. */
export const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
