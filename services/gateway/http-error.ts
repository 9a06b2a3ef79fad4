/**
 * Errors as the HTTP front door answers them. `httpErrorOf` is the one place where a thrown
 * value becomes an HTTP status: it gives one neutral description (status, error type and code,
 * the wire field at fault, whether a retry can help) that each wire format renders in its own
 * shape. Messages are the services' own, which are safe to show a client.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import { InvalidArgumentError, SwitchyardError } from '../shared/errors.js';
import { NoEligibleModelError } from '../router/decide/decide.js';
import { ExecuteFailedError } from '../router/execute/execute-types.js';

/** Anthropic's error types, a small set that OpenAI's renderer maps onto its own. */
export type HttpErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error'
  | 'timeout_error';

export interface HttpErrorInfo {
  status: number;
  type: HttpErrorType;
  /** A stable code a client can branch on (e.g. `model_not_found`); null when there is none. */
  code: string | null;
  /** The request field at fault, as the wire format names it; null when none is. */
  param: string | null;
  message: string;
  /** Whether the same request may succeed later; false sends `x-should-retry: false`. */
  retryable: boolean;
  retryAfterMs?: number;
}

/** An error a translator or the HTTP layer raises itself (bad JSON, an unknown field, ...). */
export class HttpError extends Error {
  constructor(readonly info: HttpErrorInfo) {
    super(info.message);
  }
}

/** 400 naming the wire field and the reason, as the gRPC API's INVALID_ARGUMENT does. */
export function badField(param: string, reason: string): HttpError {
  return new HttpError({ status: 400, type: 'invalid_request_error', code: null, param, message: `${param}: ${reason}`, retryable: false });
}

/** Translates a field path of the gRPC request (`messages[2].role`) into the wire's. */
export type FieldNamer = (field: string) => string;

const UPSTREAM_CONFIG_KINDS = new Set(['auth', 'permission', 'not_found']);

function fromExecuteFailure(e: ExecuteFailedError): HttpErrorInfo {
  const base = { message: e.message, param: null };
  if (e.partial) return { ...base, status: 502, type: 'api_error', code: 'stream_interrupted', retryable: true };
  const kind = e.error.kind;
  if (kind === 'rate_limit') {
    return { ...base, status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', retryable: true, ...(e.error.retryAfterMs !== undefined ? { retryAfterMs: e.error.retryAfterMs } : {}) };
  }
  if (kind === 'context_length') return { ...base, status: 400, type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages', retryable: false };
  if (kind === 'bad_request') return { ...base, status: 400, type: 'invalid_request_error', code: 'upstream_bad_request', retryable: false };
  if (kind === 'content_filter') return { ...base, status: 400, type: 'invalid_request_error', code: 'content_filter', retryable: false };
  // The provider refused the deployment's own key or model: the operator must fix it, not the caller.
  if (UPSTREAM_CONFIG_KINDS.has(kind)) return { ...base, status: 502, type: 'api_error', code: `upstream_${kind}`, retryable: false };
  if (kind === 'executor_busy') return { ...base, status: 503, type: 'overloaded_error', code: 'server_busy', retryable: true, retryAfterMs: 1000 };
  if (kind === 'timeout') return { ...base, status: 504, type: 'timeout_error', code: 'upstream_timeout', retryable: true };
  if (kind === 'aborted') return { ...base, status: 499, type: 'api_error', code: 'cancelled', retryable: false };
  return { ...base, status: kind === 'unavailable' ? 503 : 502, type: kind === 'unavailable' ? 'overloaded_error' : 'api_error', code: `upstream_${kind}`, retryable: true };
}

const BY_STATUS: Partial<Record<grpcStatus, Omit<HttpErrorInfo, 'message' | 'param'>>> = {
  [grpcStatus.DEADLINE_EXCEEDED]: { status: 504, type: 'timeout_error', code: 'deadline_exceeded', retryable: true },
  [grpcStatus.CANCELLED]: { status: 499, type: 'api_error', code: 'cancelled', retryable: false },
  [grpcStatus.RESOURCE_EXHAUSTED]: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', retryable: true },
  [grpcStatus.UNAUTHENTICATED]: { status: 401, type: 'authentication_error', code: 'invalid_api_key', retryable: false },
  [grpcStatus.PERMISSION_DENIED]: { status: 403, type: 'permission_error', code: 'permission_denied', retryable: false },
  [grpcStatus.UNAVAILABLE]: { status: 503, type: 'overloaded_error', code: 'unavailable', retryable: true },
  [grpcStatus.UNIMPLEMENTED]: { status: 501, type: 'api_error', code: 'not_implemented', retryable: false },
  [grpcStatus.FAILED_PRECONDITION]: { status: 400, type: 'invalid_request_error', code: 'failed_precondition', retryable: false },
  [grpcStatus.INVALID_ARGUMENT]: { status: 400, type: 'invalid_request_error', code: null, retryable: false },
};

/** Any thrown value as the HTTP error to answer with; unknown errors are logged and become a generic 500. */
export function httpErrorOf(e: unknown, fieldName: FieldNamer, log: (msg: string, err: unknown) => void): HttpErrorInfo {
  if (e instanceof HttpError) return e.info;
  if (e instanceof ExecuteFailedError) return fromExecuteFailure(e);
  if (e instanceof NoEligibleModelError) {
    const param = e.field ? fieldName(e.field) : null;
    return e.onlyUnavailable
      ? { status: 503, type: 'overloaded_error', code: 'no_model_available', param, message: e.message, retryable: true }
      : { status: 400, type: 'invalid_request_error', code: 'no_eligible_model', param, message: e.message, retryable: false };
  }
  if (e instanceof InvalidArgumentError) {
    const param = fieldName(e.field);
    const message = `${param}: ${e.reason}`;
    if ((e.field === 'model' || e.field === 'policy') && e.reason.startsWith('unknown')) {
      return { status: 404, type: 'not_found_error', code: 'model_not_found', param, message, retryable: false };
    }
    return { status: 400, type: 'invalid_request_error', code: null, param, message, retryable: false };
  }
  if (e instanceof SwitchyardError) {
    const known = BY_STATUS[e.code];
    if (known) return { ...known, param: null, message: e.message };
  }
  log('internal error', e);
  return { status: 500, type: 'api_error', code: 'internal_error', param: null, message: 'internal error', retryable: true };
}
