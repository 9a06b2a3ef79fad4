/**
 * Who is calling: an API key sent as `authorization: Bearer <key>` (gRPC metadata or an HTTP
 * header) becomes a Tenant. Revoked keys are refused from the moment the revocation arrives.
 */
import type { Metadata } from '@grpc/grpc-js';
import { UnauthenticatedError } from '../../shared/errors.js';
import { hashKey, type Tenant } from './tenant.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
/** Longer values are not keys; they are refused without hashing. */
const MAX_KEY_LENGTH = 512;

export class KeyDirectory {
  private readonly revoked = new Set<string>();

  constructor(private readonly byHash: ReadonlyMap<string, Tenant>) {}

  /** No key is configured: the API is open (and served on loopback only). */
  get open(): boolean {
    return this.byHash.size === 0;
  }

  revoke(hash: string): void {
    this.revoked.add(hash);
  }

  /** Takes back a revocation (the key works again). */
  restore(hash: string): void {
    this.revoked.delete(hash);
  }

  /**
   * The tenant of an `authorization` value (`Bearer <key>`). Open mode: undefined, whatever
   * is sent. Otherwise UNAUTHENTICATED for a missing, malformed, unknown or revoked key.
   */
  authenticateBearer(authorization: string | undefined): Tenant | undefined {
    if (this.open) return undefined;
    if (!authorization) throw new UnauthenticatedError('an API key is required: send it as "authorization: Bearer <key>"');
    const m = authorization.length <= MAX_KEY_LENGTH + 16 ? BEARER.exec(authorization) : null;
    if (!m) throw new UnauthenticatedError('the authorization value must be "Bearer <key>"');
    const hash = hashKey(m[1]!);
    const tenant = this.byHash.get(hash);
    if (!tenant) throw new UnauthenticatedError('the API key is not valid');
    if (this.revoked.has(hash)) throw new UnauthenticatedError('the API key has been revoked');
    return tenant;
  }

  /** The tenant of a gRPC call, from its `authorization` metadata. */
  authenticateMetadata(md: Metadata): Tenant | undefined {
    const values = md.get('authorization');
    if (values.length > 1) throw new UnauthenticatedError('send one authorization value, not several');
    const v = values[0];
    return this.authenticateBearer(typeof v === 'string' ? v : v?.toString('utf8'));
  }
}
