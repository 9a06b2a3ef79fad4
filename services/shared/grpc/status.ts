/** The one place where errors become gRPC statuses. */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { ERROR_CLASS_METADATA, SwitchyardError } from '../errors.js';

export interface StatusObject {
  code: status;
  details: string;
  metadata: Metadata;
}

/**
 * Longest status message sent, in characters. grpc-js percent-encodes the message into a
 * trailer; past about 128 KB of encoded text no status reaches the client at all, and the
 * connection's next calls stall. Messages are cut well below that.
 */
export const MAX_STATUS_CHARS = 4_096;

function capped(message: string): string {
  return message.length <= MAX_STATUS_CHARS ? message : `${message.slice(0, MAX_STATUS_CHARS - 40)}... (message cut, ${message.length} characters)`;
}

/** Converts any thrown value to a status safe to send; unknown errors become INTERNAL. */
export function toStatus(err: unknown, log?: (msg: string, err: unknown) => void): Partial<ServiceError> & StatusObject {
  if (err instanceof SwitchyardError) {
    const message = capped(err.message);
    const metadata = new Metadata();
    metadata.set(ERROR_CLASS_METADATA, err.name);
    return { code: err.code, details: message, metadata, message, name: err.name };
  }
  log?.('internal error', err);
  return { code: status.INTERNAL, details: 'internal error', metadata: new Metadata(), message: 'internal error', name: 'InternalError' };
}
