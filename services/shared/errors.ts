/**
 * Errors that cross the service boundary. Each carries the gRPC status it becomes and a
 * message that is safe to show a client (no secrets, no prompt text). `grpc/status.ts`
 * converts them in one place; anything else becomes INTERNAL with a generic message.
 */
import { status } from '@grpc/grpc-js';

/** Longest piece of a client's value an error message repeats. */
export const MAX_SHOWN_CHARS = 64;

/**
 * A client-supplied value as an error message quotes it: a string JSON-quoted, anything else
 * as text, cut to MAX_SHOWN_CHARS code points with the full length said when cut, so that a
 * message never grows with the client's input.
 */
export function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  const points = Array.from(text.slice(0, MAX_SHOWN_CHARS * 2));
  const cut = points.length > MAX_SHOWN_CHARS || text.length > MAX_SHOWN_CHARS * 2;
  const head = cut ? points.slice(0, MAX_SHOWN_CHARS).join('') : text;
  const quoted = typeof value === 'string' ? JSON.stringify(head) : head;
  return cut ? `${quoted}... (${text.length} characters)` : quoted;
}

export abstract class SwitchyardError extends Error {
  abstract readonly code: status;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request is malformed: `field` is its path in the request (e.g. `messages[2].role`). */
export class InvalidArgumentError extends SwitchyardError {
  readonly code = status.INVALID_ARGUMENT;
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** The request is well formed but cannot be served as things stand (e.g. no model qualifies). */
export class FailedPreconditionError extends SwitchyardError {
  readonly code = status.FAILED_PRECONDITION;
}

export class NotFoundError extends SwitchyardError {
  readonly code = status.NOT_FOUND;
}

export class UnavailableError extends SwitchyardError {
  readonly code = status.UNAVAILABLE;
}

/** The server answered, but has no executor to run the call on (a router-only process). */
export class NoExecutorError extends UnavailableError {}

/**
 * Trailing metadata key every status built from a SwitchyardError carries, with the error's
 * class: a client tells a server that answered UNAVAILABLE from one it could not reach.
 */
export const ERROR_CLASS_METADATA = 'switchyard-error';

export class UnimplementedError extends SwitchyardError {
  readonly code = status.UNIMPLEMENTED;
}

export class DeadlineExceededError extends SwitchyardError {
  readonly code = status.DEADLINE_EXCEEDED;
}

export class CancelledError extends SwitchyardError {
  readonly code = status.CANCELLED;
}

export class ResourceExhaustedError extends SwitchyardError {
  readonly code = status.RESOURCE_EXHAUSTED;
}

/** The call carries no valid credentials (no key, an unknown key, a revoked key). */
export class UnauthenticatedError extends SwitchyardError {
  readonly code = status.UNAUTHENTICATED;
}

/** The caller is known but the call is outside its rights; the message names the rule. */
export class PermissionDeniedError extends SwitchyardError {
  readonly code = status.PERMISSION_DENIED;
}
