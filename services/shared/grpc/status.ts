/** The one place where errors become gRPC statuses. */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { SwitchyardError } from '../errors.js';

export interface StatusObject {
  code: status;
  details: string;
  metadata: Metadata;
}

/** Converts any thrown value to a status safe to send; unknown errors become INTERNAL. */
export function toStatus(err: unknown, log?: (msg: string, err: unknown) => void): Partial<ServiceError> & StatusObject {
  if (err instanceof SwitchyardError) {
    return { code: err.code, details: err.message, metadata: new Metadata(), message: err.message, name: err.name };
  }
  log?.('internal error', err);
  return { code: status.INTERNAL, details: 'internal error', metadata: new Metadata(), message: 'internal error', name: 'InternalError' };
}
