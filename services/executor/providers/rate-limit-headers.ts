/**
 * Rate-limit headers, parsed into the provider-neutral RateLimitInfo (provider.ts).
 *
 * OpenAI (and most OpenAI-compatible hosts): `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`,
 * the resets as Go-style durations relative to now ("6m0s", "1s", "20ms"; Azure sends plain
 * seconds). Anthropic: `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`,
 * the resets as absolute RFC 3339 times. Everyone: `retry-after` (seconds or an HTTP date) and
 * `retry-after-ms`. Gemini sends none of these; its RetryInfo `retryDelay` ("30s", "0.5s")
 * parses with parseDurationMs.
 *
 * Parsers never throw: a header they cannot read is left out.
 */
import type { RateLimitInfo } from '../../shared/contracts/provider.js';

/** Anything with a case-insensitive `get`, e.g. a fetch Headers. */
export interface HeaderSource {
  get(name: string): string | null;
}

const UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
  us: 0.001,
  'µs': 0.001,
  'μs': 0.001,
  ns: 0.000_001,
};

/**
 * A duration in milliseconds: Go-style ("6m0s", "1h2m3.5s", "20ms", "0.5s") or a plain
 * number of seconds ("30", "1.5"). Undefined for anything else, and for negative numbers.
 */
export function parseDurationMs(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined) return undefined;
  const value = text.trim();
  if (value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const part = /(\d+(?:\.\d+)?)(ms|us|µs|μs|ns|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = part.exec(value); match !== null; match = part.exec(value)) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
    consumed = part.lastIndex;
  }
  if (consumed !== value.length || consumed === 0) return undefined;
  return Math.round(total * 1000) / 1000;
}

/** Milliseconds from `nowMs` until an RFC 3339 time (never negative). */
export function parseRfc3339ResetMs(text: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (text === null || text === undefined) return undefined;
  const value = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Retry-After in milliseconds: `retry-after-ms` (OpenAI's, a number of milliseconds) first,
 * else `retry-after` as seconds or as an HTTP date.
 */
export function parseRetryAfterMs(headers: HeaderSource, nowMs: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Number(ms);
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** `x-ratelimit-*` (OpenAI style) plus Retry-After; undefined when none is present. */
export function parseOpenAIRateLimitHeaders(headers: HeaderSource, nowMs: number = Date.now()): RateLimitInfo | undefined {
  return compact({
    limitRequests: count(headers.get('x-ratelimit-limit-requests')),
    remainingRequests: count(headers.get('x-ratelimit-remaining-requests')),
    limitTokens: count(headers.get('x-ratelimit-limit-tokens')),
    remainingTokens: count(headers.get('x-ratelimit-remaining-tokens')),
    resetRequestsMs: parseDurationMs(headers.get('x-ratelimit-reset-requests')),
    resetTokensMs: parseDurationMs(headers.get('x-ratelimit-reset-tokens')),
    retryAfterMs: parseRetryAfterMs(headers, nowMs),
  });
}

/**
 * `anthropic-ratelimit-*` plus Retry-After; undefined when none is present. Tokens come from
 * the combined `tokens` family when sent, else from `input-tokens` (the budget a prompt spends).
 */
export function parseAnthropicRateLimitHeaders(
  headers: HeaderSource,
  nowMs: number = Date.now(),
): RateLimitInfo | undefined {
  const h = (name: string): string | null => headers.get(`anthropic-ratelimit-${name}`);
  const tokens = h('tokens-limit') !== null || h('tokens-remaining') !== null ? 'tokens' : 'input-tokens';
  return compact({
    limitRequests: count(h('requests-limit')),
    remainingRequests: count(h('requests-remaining')),
    limitTokens: count(h(`${tokens}-limit`)),
    remainingTokens: count(h(`${tokens}-remaining`)),
    resetRequestsMs: parseRfc3339ResetMs(h('requests-reset'), nowMs),
    resetTokensMs: parseRfc3339ResetMs(h(`${tokens}-reset`), nowMs),
    retryAfterMs: parseRetryAfterMs(headers, nowMs),
  });
}

/** Whichever family the response carries (the names do not overlap); OpenAI's wins if both. */
export function parseRateLimitHeaders(headers: HeaderSource, nowMs: number = Date.now()): RateLimitInfo | undefined {
  const openai = parseOpenAIRateLimitHeaders(headers, nowMs);
  const anthropic = parseAnthropicRateLimitHeaders(headers, nowMs);
  if (openai === undefined) return anthropic;
  if (anthropic === undefined) return openai;
  return { ...anthropic, ...openai };
}

/** A non-negative integer; Azure's "-1" (unknown) and garbage are left out. */
function count(text: string | null): number | undefined {
  if (text === null || !/^\s*\d+\s*$/.test(text)) return undefined;
  return Number(text);
}

function compact(info: Record<keyof RateLimitInfo, number | undefined>): RateLimitInfo | undefined {
  const out: RateLimitInfo = {};
  let any = false;
  for (const [key, value] of Object.entries(info) as Array<[keyof RateLimitInfo, number | undefined]>) {
    if (value !== undefined) {
      out[key] = value;
      any = true;
    }
  }
  return any ? out : undefined;
}
