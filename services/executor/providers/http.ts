/**
 * The one HTTP path every provider adapter uses. postJson sends a JSON POST over node:http(s)
 * with keep-alive connection pools (about a third of fetch's cost per call, measured) and
 * returns the answer as a ProviderResponse (the part of a fetch Response adapters read). It
 * injects the active OpenTelemetry context into its headers (W3C `traceparent`/`tracestate`
 * with the default propagator; a no-op when no SDK is registered), and turns failures to
 * reach the server into ProviderErrors. It returns the response whatever its status: the
 * adapter decides what a status means (errorFromResponse covers the common case).
 */
import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { context, propagation } from '@opentelemetry/api';
import { errorFromHttp, ProviderError, type ErrorFromHttpOptions } from './errors.js';
import { IncomingProviderResponse, type ProviderResponse } from './provider-response.js';

export type { ProviderResponse } from './provider-response.js';

export interface PostJsonOptions {
  /** Names the provider in error messages; defaults to the URL's host. */
  provider?: string;
}

export async function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  signal: AbortSignal,
  options: PostJsonOptions = {},
): Promise<ProviderResponse> {
  let payload: string;
  try {
    payload = JSON.stringify(body);
  } catch (cause) {
    // A request nested too deep to encode is the caller's error, not the provider's.
    throw new ProviderError({ kind: 'invalid_request', provider: options.provider ?? safeHost(url), message: `the request cannot be encoded as JSON (${(cause as Error)?.message ?? String(cause)})`, retryable: false, cause });
  }
  return postText(url, headers, payload, signal, options);
}

/**
 * postJson with the body already serialised, for requests whose headers cover the exact bytes
 * (a SigV4 signature). The trace context headers are added unsigned, as AWS allows.
 */
export async function postText(
  url: string,
  headers: Record<string, string>,
  payload: string,
  signal: AbortSignal,
  options: PostJsonOptions = {},
): Promise<ProviderResponse> {
  const provider = options.provider ?? safeHost(url);
  if (signal.aborted) throw errorFromAbort(signal, provider);
  const sent: Record<string, string> = { 'content-type': 'application/json', ...lowerCaseKeys(headers) };
  propagation.inject(context.active(), sent);
  try {
    return await send(target(url), sent, payload, signal);
  } catch (cause) {
    throw errorFromFetchFailure(cause, signal, provider);
  }
}

/** Connection pools, one per scheme, kept alive between calls. */
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

interface Target {
  protocol: string;
  options: http.RequestOptions;
}

/** Parsed request targets by URL: a deployment's URLs are few and asked for on every call. */
const TARGETS = new Map<string, Target>();

function target(url: string): Target {
  let t = TARGETS.get(url);
  if (t === undefined) {
    const u = new URL(url);
    t = { protocol: u.protocol, options: urlToHttpOptions(u) };
    if (TARGETS.size >= 1024) TARGETS.clear();
    TARGETS.set(url, t);
  }
  return t;
}

/**
 * One POST. Aborting `signal` destroys the request, also while the body is being read, so the
 * server sees its connection close; reading the body then fails.
 */
function send(url: Target, headers: Record<string, string>, payload: string, signal: AbortSignal): Promise<ProviderResponse> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new TypeError(`unsupported URL scheme ${url.protocol}`));
  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? https.request : http.request;
    headers['content-length'] = String(Buffer.byteLength(payload));
    const req = request({ ...url.options, method: 'POST', agent: AGENTS[url.protocol as 'http:' | 'https:'], headers }, (res) => {
      res.once('close', () => signal.removeEventListener('abort', onAbort));
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 599) {
        res.destroy();
        reject(Object.assign(new Error(`unexpected HTTP status ${status}`), { code: 'EPROTO' }));
        return;
      }
      const empty = status === 204 || status === 205 || status === 304;
      if (empty) res.resume();
      resolve(new IncomingProviderResponse(res, empty));
    });
    const onAbort = () => req.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    req.once('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      reject(e);
    });
    req.end(payload);
  });
}

/** Reads a whole JSON body; a broken connection or a body that is not JSON is a ProviderError. */
export async function readJson(response: ProviderResponse, signal: AbortSignal, provider: string): Promise<unknown> {
  const text = await readText(response, signal, provider);
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ProviderError({
      kind: 'malformed_response',
      provider,
      status: response.status,
      message: `${provider}: the response body is not valid JSON`,
      cause,
    });
  }
}

/** Reads a whole body as text, with the same failure mapping as postJson. */
export async function readText(response: ProviderResponse, signal: AbortSignal, provider: string): Promise<string> {
  try {
    return await response.text();
  } catch (cause) {
    throw errorFromFetchFailure(cause, signal, provider);
  }
}

/** The ProviderError for a non-2xx response: reads its body and applies errorFromHttp. */
export async function errorFromResponse(
  response: ProviderResponse,
  signal: AbortSignal,
  provider: string,
  options: ErrorFromHttpOptions = {},
): Promise<ProviderError> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    if (signal.aborted) return errorFromAbort(signal, provider);
    // The status alone still says what happened.
  }
  return errorFromHttp(response.status, text, response.headers, provider, options);
}

/** 'timeout' when the signal's reason is a TimeoutError (AbortSignal.timeout), else 'aborted'. */
export function errorFromAbort(signal: AbortSignal, provider: string): ProviderError {
  const reason: unknown = signal.reason;
  if (reason instanceof ProviderError) return reason;
  const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
  return new ProviderError({
    kind: timedOut ? 'timeout' : 'aborted',
    provider,
    retryable: timedOut,
    message: timedOut ? `${provider}: the request timed out` : `${provider}: the request was cancelled`,
    cause: reason,
  });
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** Maps what fetch (undici) throws to 'aborted' / 'timeout' / 'connection'. */
export function errorFromFetchFailure(cause: unknown, signal: AbortSignal, provider: string): ProviderError {
  if (cause instanceof ProviderError) return cause;
  if (signal.aborted) return errorFromAbort(signal, provider);
  const code = networkCode(cause);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new ProviderError({ kind: 'timeout', provider, message: `${provider}: the server did not answer in time (${code})`, cause });
  }
  return new ProviderError({
    kind: 'connection',
    provider,
    message: `${provider}: could not complete the HTTP exchange${code !== undefined ? ` (${code})` : ''}`,
    cause,
  });
}

/** The errno-style code of a network error, looking through fetch's `cause` chain. */
function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) out[key.toLowerCase()] = value;
  return out;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'provider';
  }
}
