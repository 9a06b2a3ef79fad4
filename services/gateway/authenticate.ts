/**
 * The one place where an HTTP request's credentials are checked, before anything is routed:
 * the `authorization: Bearer <key>` header goes to the router's Tenancy, which answers
 * UNAUTHENTICATED (401 here) when a key is required and missing or wrong, and hands back the
 * caller's tenant, never the key. Without tenancy, or with no key configured, every request is
 * an anonymous caller, as on the gRPC port.
 *
 * Browsers cannot send a bearer header to a page they open, so HTTP Basic credentials are
 * accepted too, the API key as the password (the user name is ignored): a browser asks for
 * them when a route answers 401 with a `WWW-Authenticate: Basic` challenge (the status page).
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

const BASIC = /^Basic[ \t]+([A-Za-z0-9+/=]{1,1024})[ \t]*$/i;

/** The authorization value as a bearer credential: a Basic credential's password is the key. */
export function bearerOf(authorization: string | undefined): string | undefined {
  const m = authorization ? BASIC.exec(authorization) : null;
  if (!m) return authorization;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = colon < 0 ? decoded : decoded.slice(colon + 1);
  // A password that is not a single token cannot be a key; let the bearer check say so.
  return key && !/\s/.test(key) ? `Bearer ${key}` : 'Basic';
}

export function authenticate(req: IncomingMessage, tenancy: Tenancy | undefined): Caller {
  const rights = tenancy?.authenticateBearer(bearerOf(req.headers.authorization));
  return rights ? { tenant: rights.id, rights } : ANONYMOUS;
}
