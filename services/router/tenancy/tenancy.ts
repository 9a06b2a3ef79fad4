/**
 * Auth and tenancy in front of the router, for every door (gRPC here; the HTTP front door
 * calls `authenticateBearer` with its header). It turns a key into a Tenant, the tenant's
 * rights into the request's hard filters, counts requests per minute, and meters every call
 * a request causes against the tenant's budgets and token limit.
 *
 * State that must be exact across replicas (the ledger, revoked keys) lives in JetStream
 * key-value buckets when NATS is configured, otherwise in this process.
 */
import type { Metadata } from '@grpc/grpc-js';
import type { NatsBusOptions } from '../../shared/bus/nats-bus.js';
import type { Catalog } from '../../shared/catalog.js';
import type { Config } from '../../shared/config/schema.js';
import type { ExecutorClient } from '../../shared/contracts/invoke.js';
import type { Logger } from '../../shared/log.js';
import type { RouteRequestFields } from '../decide/validate-request.js';
import { applyTenant } from './apply-tenant.js';
import { KeyDirectory } from './authenticate.js';
import { MemoryCasStore } from './cas-store.js';
import { KvTenancyStore } from './kv-cas-store.js';
import { Ledger } from './ledger.js';
import { MeteredExecutor } from './metered-executor.js';
import { requestLimit, spendLimits, tokenLimit } from './tenant-limits.js';
import { tenantsByKeyHash, type Tenant } from './tenant.js';

/** How long a shutdown waits for settles under way: past the ledger's own retries (about 6 s). */
const SETTLE_DRAIN_MS = 10_000;

export interface TenancyOptions {
  config: Config;
  catalog: Catalog;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Share the ledger and revocations over NATS key-value; absent: in this process. */
  nats?: NatsBusOptions;
  now?: () => number;
  /** Tenants by key hash, when already built (tenantsByKeyHash); default: built here from config and env. */
  keys?: ReadonlyMap<string, Tenant>;
  /** How long a reservation outlives a replica that never settles it; default total_timeout_ms + 60 s. */
  holdTtlMs?: number;
}

export class Tenancy {
  readonly keys: KeyDirectory;
  readonly ledger: Ledger;
  private readonly kv: KvTenancyStore | undefined;
  private readonly now: () => number;

  /** Settles under way (MeteredExecutor), for close to wait on. */
  private readonly settling = new Set<Promise<void>>();

  constructor(private readonly o: TenancyOptions) {
    this.now = o.now ?? Date.now;
    this.keys = new KeyDirectory(o.keys ?? tenantsByKeyHash(o.config, o.env));
    if (o.nats && !this.keys.open) {
      this.kv = new KvTenancyStore({
        nats: o.nats,
        replicas: o.config.bus.kv_replicas,
        onRevocation: (hash, revoked) => (revoked ? this.keys.revoke(hash) : this.keys.restore(hash)),
        onError: (message) => o.log.warn(message),
      });
    }
    this.ledger = new Ledger({ store: this.kv ?? new MemoryCasStore(), now: this.now, holdTtlMs: o.holdTtlMs ?? o.config.executor.total_timeout_ms + 60_000 });
  }

  /** Where the shared state lives. */
  get store(): 'nats' | 'memory' {
    return this.kv ? 'nats' : 'memory';
  }

  /** Resolves once the shared state is reachable (at once in memory). */
  async ready(): Promise<void> {
    await this.kv?.opened();
  }

  /** For the HTTP front door: the tenant of an `Authorization` header value (undefined when the API is open). */
  authenticateBearer(authorization: string | undefined): Tenant | undefined {
    return this.keys.authenticateBearer(authorization);
  }

  authenticateMetadata(md: Metadata): Tenant | undefined {
    return this.keys.authenticateMetadata(md);
  }

  /** The request within the tenant's rights (PERMISSION_DENIED otherwise); unchanged without a tenant. */
  authorize<T extends RouteRequestFields>(req: T, tenant: Tenant | undefined): T {
    return tenant ? applyTenant(req, tenant) : req;
  }

  /** Counts one request against the tenant's per-minute limit (RESOURCE_EXHAUSTED when it is reached). */
  async admitRequest(tenant: Tenant | undefined): Promise<void> {
    const limit = tenant && requestLimit(tenant, this.now());
    if (limit) await this.ledger.take(limit, 1);
  }

  /** The executor a tenant's request calls through: metered when the tenant has a budget or a token limit. */
  executorFor(tenant: Tenant | undefined, base: ExecutorClient): ExecutorClient {
    if (!tenant || (spendLimits(tenant, this.now()).length === 0 && !tokenLimit(tenant, this.now()))) return base;
    return new MeteredExecutor(
      base,
      this.ledger,
      tenant,
      this.o.catalog,
      this.now,
      (e) => this.o.log.error('a call could not be settled in the ledger; its reservation will expire', { tenant: tenant.id, error: e }),
      (settling) => {
        this.settling.add(settling);
        void settling.finally(() => this.settling.delete(settling));
      },
    );
  }

  /** Revokes a key, given its SHA-256, on every replica (this process only without NATS). */
  async revoke(hash: string): Promise<void> {
    if (this.kv) await this.kv.revoke(hash);
    else this.keys.revoke(hash);
  }

  /**
   * Waits for the settles under way (a call the client cancelled is settled after its RPC has
   * ended, so the server's drain does not wait for it), at most `SETTLE_DRAIN_MS`, then closes
   * the shared state: a shutdown does not leave a finished call's reservation to expire.
   */
  async close(): Promise<void> {
    if (this.settling.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, SETTLE_DRAIN_MS)));
      await Promise.race([Promise.allSettled([...this.settling]), limit]);
      clearTimeout(timer);
    }
    await this.kv?.close();
  }
}
