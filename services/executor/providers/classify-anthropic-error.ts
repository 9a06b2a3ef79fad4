/**
 * Anthropic error bodies (`{"type":"error","error":{"type","message"}}`) that need more than
 * the HTTP status to classify. Used with errorFromHttp.
 */
import type { HttpErrorInfo, HttpErrorRefinement } from './errors.js';

export function classifyAnthropicError(info: HttpErrorInfo): HttpErrorRefinement | undefined {
  switch (info.type) {
    case 'overloaded_error':
    case 'api_error':
      return { kind: 'server', retryable: true };
    case 'timeout_error':
      return { kind: 'timeout', retryable: true };
    case 'rate_limit_error':
      // A spent monthly budget comes back as a 429 that no wait within reason will clear.
      return { kind: 'rate_limit', retryable: !hasErrorCode(info.body, 'enforced_spend_limit_reached') };
    case 'authentication_error':
      return { kind: 'auth' };
    case 'permission_error':
      return { kind: 'permission' };
    case 'not_found_error':
      return { kind: 'not_found' };
    default:
      return undefined;
  }
}

function hasErrorCode(body: unknown, code: string): boolean {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const details = error !== undefined && isRecord(error.details) ? error.details : undefined;
  return details?.error_code === code;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
