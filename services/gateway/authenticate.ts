/**
 * The one place where an HTTP request's credentials are checked, before anything is routed.
 * Tenancy plugs in here: it reads the request's key, answers 401 (an HttpError with type
 * `authentication_error`) when it is missing or wrong, and hands the router the caller's tenant,
 * never the key. Until then every request is accepted as an anonymous caller and no header is read.
 */
import type { IncomingMessage } from 'node:http';

export interface Caller {
  /** The tenant the request is routed for (labels.tenant); empty for the anonymous caller. */
  tenant: string;
}

const ANONYMOUS: Caller = { tenant: '' };

export function authenticate(_req: IncomingMessage): Caller {
  return ANONYMOUS;
}
