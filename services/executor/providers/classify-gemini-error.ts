/**
 * Google API error bodies (`{"error":{"code","message","status","details"}}`) that need more
 * than the HTTP status to classify. Used with errorFromHttp. Gemini answers a bad API key with
 * 400 INVALID_ARGUMENT (reason API_KEY_INVALID), and a quota error carries its wait in a
 * `google.rpc.RetryInfo` detail rather than a Retry-After header.
 */
import type { HttpErrorInfo, HttpErrorRefinement } from './errors.js';
import { parseDurationMs } from './rate-limit-headers.js';

export function classifyGeminiError(info: HttpErrorInfo): HttpErrorRefinement | undefined {
  const details = errorDetails(info.body);
  const retryAfterMs = retryDelayMs(details);
  const withWait = retryAfterMs !== undefined ? { retryAfterMs } : {};
  if (isBadApiKey(info, details)) return { kind: 'auth', retryable: false };
  switch (info.code) {
    case 'RESOURCE_EXHAUSTED':
      return { kind: 'rate_limit', retryable: true, ...withWait };
    case 'UNAVAILABLE':
    case 'INTERNAL':
      return { kind: 'server', retryable: true, ...withWait };
    case 'DEADLINE_EXCEEDED':
      return { kind: 'timeout', retryable: true };
    case 'UNAUTHENTICATED':
      return { kind: 'auth' };
    case 'PERMISSION_DENIED':
      return { kind: 'permission' };
    case 'NOT_FOUND':
      return { kind: 'not_found' };
    default:
      return retryAfterMs !== undefined ? withWait : undefined;
  }
}

function isBadApiKey(info: HttpErrorInfo, details: Array<Record<string, unknown>>): boolean {
  if (details.some((detail) => detail.reason === 'API_KEY_INVALID')) return true;
  return (info.status === 400 || info.status === 403) && /\bAPI key\b/i.test(info.message ?? '');
}

function retryDelayMs(details: Array<Record<string, unknown>>): number | undefined {
  const retryInfo = details.find((detail) => typeof detail['@type'] === 'string' && detail['@type'].endsWith('google.rpc.RetryInfo'));
  return typeof retryInfo?.retryDelay === 'string' ? parseDurationMs(retryInfo.retryDelay) : undefined;
}

function errorDetails(body: unknown): Array<Record<string, unknown>> {
  const root = Array.isArray(body) ? body[0] : body;
  const error = isRecord(root) && isRecord(root.error) ? root.error : undefined;
  return error !== undefined && Array.isArray(error.details) ? error.details.filter(isRecord) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
