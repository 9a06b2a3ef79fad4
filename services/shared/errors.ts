/**
 * Errors that cross the service boundary. Each carries the gRPC status it becomes and a
 * message that is safe to show a client (no secrets, no prompt text). `grpc/status.ts`
 * converts them in one place; anything else becomes INTERNAL with a generic message.
 */
import { status } from '@grpc/grpc-js';

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

export class UnavailableError extends SwitchyardError {
  readonly code = status.UNAVAILABLE;
}

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
