/**
 * The one place where an HTTP request's credentials are checked, before anything is routed:
 * the `authorization: Bearer <key>` header goes to the router's Tenancy, which answers
 * UNAUTHENTICATED (401 here) when a key is required and missing or wrong, and hands back the
 * caller's tenant, never the key. Without tenancy, or with no key configured, every request is
 * an anonymous caller, as on the gRPC port.
 */
import type { IncomingMessage } from 'node:http';
import type { Tenancy } from '../router/tenancy/tenancy.js';
import type { Tenant } from '../router/tenancy/tenant.js';

export interface Caller {
  /** The tenant the request is routed for (labels.tenant); empty for the anonymous caller. */
  tenant: string;
  /** The tenant's rights and limits, when keys are configured. */
  rights?: Tenant;
}

const ANONYMOUS: Caller = { tenant: '' };

export function authenticate(req: IncomingMessage, tenancy: Tenancy | undefined): Caller {
  const rights = tenancy?.authenticateBearer(req.headers.authorization);
  return rights ? { tenant: rights.id, rights } : ANONYMOUS;
}
