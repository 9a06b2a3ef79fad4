/**
 * ProviderError: the one error type a provider adapter throws (provider.ts, spec v1).
 *
 * `kind` says what went wrong in provider-neutral terms; `retryable` says whether sending the
 * same request again (to this or another deployment) can help. The executor decides between
 * retry, failover and giving up from these two fields alone, and converts the error to a gRPC
 * status at the server boundary.
 *
 * Messages are safe to show a client: they name the provider, the HTTP status and the
 * provider's own explanation with anything that looks like a credential redacted, long quoted
 * values elided and the length bounded. They never contain the request body.
 */
import type { RateLimitInfo } from '../../shared/contracts/provider.js';
import { parseRateLimitHeaders, type HeaderSource } from './rate-limit-headers.js';

export const PROVIDER_ERROR_KINDS = [
  'rate_limit',
  'server',
  'timeout',
  'connection',
  'context_length',
  'auth',
  'permission',
  'bad_request',
  'not_found',
  'malformed_response',
  'stream_interrupted',
  'aborted',
  'content_filter',
  // The request itself cannot be sent (e.g. too deeply nested to encode): the caller's fault,
  // never the endpoint's. Not retried, not failed over, not counted by a breaker.
  'invalid_request',
  // Switchyard failed before any byte went upstream. Not counted by a breaker.
  'internal',
] as const;

export type ProviderErrorKind = (typeof PROVIDER_ERROR_KINDS)[number];

export interface ProviderErrorOptions {
  kind: ProviderErrorKind;
  message: string;
  /** The adapter kind or provider name, e.g. 'openai'. */
  provider?: string;
  status?: number;
  /** Defaults to the kind's usual answer (defaultRetryable). */
  retryable?: boolean;
  retryAfterMs?: number;
  /** The provider's machine-readable error code or type, e.g. 'context_length_exceeded'. */
  providerCode?: string;
  rateLimit?: RateLimitInfo;
  cause?: unknown;
}

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly kind: ProviderErrorKind;
  readonly provider?: string;
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly providerCode?: string;
  readonly rateLimit?: RateLimitInfo;

  constructor(options: ProviderErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = options.kind;
    this.retryable = options.retryable ?? defaultRetryable(options.kind, options.status);
    if (options.provider !== undefined) this.provider = options.provider;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.providerCode !== undefined) this.providerCode = options.providerCode;
    if (options.rateLimit !== undefined) this.rateLimit = options.rateLimit;
  }
}

export function isProviderError(value: unknown): value is ProviderError {
  return value instanceof ProviderError;
}

/** HTTP statuses for which the same request may succeed later: 408, 409, 429 and 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Whether an error of this kind is worth retrying, absent a more specific answer. */
export function defaultRetryable(kind: ProviderErrorKind, status?: number): boolean {
  switch (kind) {
    case 'rate_limit':
    case 'server':
    case 'timeout':
    case 'connection':
    case 'stream_interrupted':
      return true;
    default:
      return status !== undefined && isRetryableStatus(status);
  }
}

/** The usual kind for an HTTP error status. */
export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate_limit';
  if (status === 409 || status >= 500) return 'server';
  return 'bad_request';
}

/** The fields an HTTP error body commonly carries, whatever the provider's envelope. */
export interface HttpErrorInfo {
  status: number;
  /** The provider's message, unsanitised: use it for matching, never show it as is. */
  message?: string;
  /** e.g. OpenAI `error.type`, Anthropic `error.type`. */
  type?: string;
  /** e.g. OpenAI `error.code`, Gemini `error.status`. */
  code?: string;
  param?: string;
  /** The parsed body, when it was JSON. */
  body?: unknown;
}

/** What a provider-specific classifier may decide; unset fields keep the generic answer. */
export interface HttpErrorRefinement {
  kind?: ProviderErrorKind;
  retryable?: boolean;
  retryAfterMs?: number;
}

export interface ErrorFromHttpOptions {
  /** Recognise provider-specific cases (quota errors, overload codes, ...). */
  classify?: (info: HttpErrorInfo) => HttpErrorRefinement | undefined;
  /** Rate-limit info already parsed from the headers; parsed here when absent. */
  rateLimit?: RateLimitInfo;
  /** Clock for Retry-After HTTP dates and RFC 3339 resets; tests pass a fixed one. */
  nowMs?: number;
  /** The provider's error code when it travels outside the body (AWS's `x-amzn-errortype` header). */
  providerCode?: string;
}

/**
 * A ProviderError for a non-2xx HTTP answer. Understands the common error envelopes:
 * OpenAI `{"error":{"message","type","param","code"}}`, Anthropic
 * `{"type":"error","error":{"type","message"}}` and Google `{"error":{"code","message","status"}}`,
 * and falls back to a message naming only the status when the body is something else.
 */
export function errorFromHttp(
  status: number,
  bodyText: string,
  headers: HeaderSource,
  providerName: string,
  options: ErrorFromHttpOptions = {},
): ProviderError {
  const info = parseErrorBody(status, bodyText);
  if (options.providerCode !== undefined) info.code = options.providerCode;
  const rateLimit = options.rateLimit ?? parseRateLimitHeaders(headers, options.nowMs);
  let kind = kindForStatus(status);
  if (kind === 'bad_request' && looksLikeContextLength(info)) kind = 'context_length';
  if (kind === 'bad_request' && looksLikeContentFilter(info)) kind = 'content_filter';
  const refined = options.classify?.(info) ?? {};
  kind = refined.kind ?? kind;
  const retryAfterMs = refined.retryAfterMs ?? rateLimit?.retryAfterMs;
  const providerCode = info.code ?? info.type;
  return new ProviderError({
    kind,
    provider: providerName,
    status,
    retryable: refined.retryable ?? defaultRetryable(kind, status),
    message: describeHttpError(providerName, status, providerCode, info.message),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(providerCode !== undefined ? { providerCode } : {}),
    ...(rateLimit !== undefined ? { rateLimit } : {}),
  });
}

export function parseErrorBody(status: number, bodyText: string): HttpErrorInfo {
  const info: HttpErrorInfo = { status };
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return info;
  }
  info.body = body;
  // Some servers wrap the error in an array (Google's REST API does for a few endpoints).
  const root = Array.isArray(body) ? body[0] : body;
  if (!isRecord(root)) return info;
  const err = isRecord(root.error) ? root.error : typeof root.error === 'string' ? { message: root.error } : root;
  if (typeof err.message === 'string') info.message = err.message;
  else if (typeof root.detail === 'string') info.message = root.detail; // vLLM / FastAPI
  if (typeof err.type === 'string') info.type = err.type;
  if (typeof err.code === 'string') info.code = err.code;
  else if (typeof err.status === 'string') info.code = err.status;
  if (typeof err.param === 'string') info.param = err.param;
  return info;
}

const CONTEXT_LENGTH_CODES = new Set(['context_length_exceeded']);
const CONTEXT_LENGTH_TEXT =
  /context[ _-]?length|context window|maximum context|prompt is too long|too many (input )?tokens|input token count .*exceeds|exceeds the maximum number of tokens/i;

function looksLikeContextLength(info: HttpErrorInfo): boolean {
  if (info.code !== undefined && CONTEXT_LENGTH_CODES.has(info.code)) return true;
  return info.message !== undefined && CONTEXT_LENGTH_TEXT.test(info.message);
}

function looksLikeContentFilter(info: HttpErrorInfo): boolean {
  return info.code === 'content_filter' || info.code === 'content_policy_violation';
}

const MAX_MESSAGE_CHARS = 300;

/** "openai: HTTP 429 (rate_limit_exceeded): Rate limit reached for ..." */
export function describeHttpError(provider: string, status: number, code?: string, message?: string): string {
  const head = `${provider}: HTTP ${status}${code !== undefined ? ` (${code})` : ''}`;
  const safe = message === undefined ? '' : sanitizeProviderMessage(message);
  return safe === '' ? head : `${head}: ${safe}`;
}

/**
 * Makes a provider's message fit to show a client: redacts credential-like tokens and
 * Bearer values, elides long quoted values (which may echo request content), drops control
 * characters and bounds the length.
 */
export function sanitizeProviderMessage(message: string): string {
  let text = message
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\b(Bearer|Basic)\s+[^\s,;]+/gi, '$1 [redacted]')
    .replace(/\b(sk|pk|rk|key|sess)-[A-Za-z0-9_*.-]{6,}/g, '[redacted]')
    .replace(/\bsk-ant-[A-Za-z0-9_*.-]+/g, '[redacted]')
    .replace(/\bAIza[0-9A-Za-z_-]{10,}/g, '[redacted]')
    .replace(/(["'`])([^"'`]{60,})\1/g, '$1…$1')
    .trim();
  if (text.length > MAX_MESSAGE_CHARS) text = `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
  return text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
