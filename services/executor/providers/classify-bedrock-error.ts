/**
 * Bedrock errors by their AWS error type, which arrives in the `x-amzn-errortype` header of an
 * HTTP error (e.g. "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/"),
 * or as the `:exception-type` of an exception event in a ConverseStream ("throttlingException").
 */
import type { HttpErrorInfo, HttpErrorRefinement } from './errors.js';

/** "ThrottlingException:http://..." or "throttlingException" → "ThrottlingException". */
export function bedrockErrorType(raw: string | null | undefined): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  const name = raw.split(':')[0]?.split('#').at(-1)?.trim() ?? '';
  return name === '' ? undefined : name.charAt(0).toUpperCase() + name.slice(1);
}

const CONTEXT_LENGTH = /too long|too many (input |total )?tokens|context (window|length)|maximum context|exceeds? the (max|maximum)/i;

export function classifyBedrockError(info: HttpErrorInfo): HttpErrorRefinement | undefined {
  switch (info.code) {
    case 'ThrottlingException':
      return { kind: 'rate_limit', retryable: true };
    case 'ServiceQuotaExceededException':
      // An account quota: waiting does not lift it, another deployment may still serve.
      return { kind: 'rate_limit', retryable: false };
    case 'ServiceUnavailableException':
    case 'InternalServerException':
    case 'ModelNotReadyException':
    case 'ModelStreamErrorException':
    case 'ModelErrorException':
      return { kind: 'server', retryable: true };
    case 'ModelTimeoutException':
      return { kind: 'timeout', retryable: true };
    case 'ValidationException':
      return { kind: info.message !== undefined && CONTEXT_LENGTH.test(info.message) ? 'context_length' : 'bad_request', retryable: false };
    case 'AccessDeniedException':
      return { kind: 'permission', retryable: false };
    case 'ResourceNotFoundException':
      return { kind: 'not_found', retryable: false };
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'IncompleteSignatureException':
    case 'MissingAuthenticationTokenException':
    case 'ExpiredTokenException':
    case 'InvalidClientTokenId':
      return { kind: 'auth', retryable: false };
    default:
      return undefined;
  }
}
