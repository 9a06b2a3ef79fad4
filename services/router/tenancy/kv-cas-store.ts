/**
 * Tenancy state in JetStream key-value buckets, shared by every replica: the ledger's counters
 * (compare-and-set on each key's revision) and the revoked keys (watched, so a revocation
 * reaches every replica as soon as it is written). One NATS connection, made in the
 * background and kept up by nats.js; until it is up, ledger calls wait a little and then
 * fail with UNAVAILABLE rather than let spend go uncounted.
 */
import { JetStreamApiError } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { connectionOptions, type NatsBusOptions } from '../../shared/bus/nats-bus.js';
import { UnavailableError } from '../../shared/errors.js';
import type { CasEntry, CasStore } from './cas-store.js';

export const LEDGER_BUCKET = 'switchyard-ledger';
export const REVOKED_BUCKET = 'switchyard-revoked-keys';
/** Counters outlive the longest period they count (a month). */
const LEDGER_MAX_AGE_MS = 35 * 86_400_000;
const WAIT_FOR_CONNECTION_MS = 5_000;

function isConflict(e: unknown): boolean {
  if (e instanceof JetStreamApiError && e.code === 10071) return true;
  return /wrong last sequence|key exists/i.test((e as Error)?.message ?? '');
}

export interface KvTenancyOptions {
  nats: NatsBusOptions;
  /** Called with each revoked key hash (revoked: true) and each revocation taken back. */
  onRevocation(hash: string, revoked: boolean): void;
  onError?(message: string): void;
}

export class KvTenancyStore implements CasStore {
  private nc: NatsConnection | undefined;
  private closing = false;
  private readonly ready: Promise<{ ledger: KV; revoked: KV }>;

  constructor(private readonly o: KvTenancyOptions) {
    this.ready = this.open();
    this.ready.catch(() => undefined);
  }

  private async open(): Promise<{ ledger: KV; revoked: KV }> {
    for (;;) {
      if (this.closing) throw new UnavailableError('closed');
      try {
        const nc = await connect({ ...connectionOptions(this.o.nats), name: `${this.o.nats.name}-tenancy` });
        this.nc = nc;
        const kvm = new Kvm(nc);
        const ledger = await kvm.create(LEDGER_BUCKET, { history: 1, ttl: LEDGER_MAX_AGE_MS });
        const revoked = await kvm.create(REVOKED_BUCKET, { history: 1 });
        void this.watchRevocations(revoked);
        // The revocations made before this replica started, before it lets any call in.
        for await (const hash of await revoked.keys()) this.o.onRevocation(hash, true);
        return { ledger, revoked };
      } catch (e) {
        this.o.onError?.(`tenancy store: cannot open the key-value buckets: ${(e as Error).message}`);
        await this.nc?.close().catch(() => undefined);
        this.nc = undefined;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  private async watchRevocations(kv: KV): Promise<void> {
    const it = await kv.watch();
    for await (const e of it) this.o.onRevocation(e.key, e.operation === 'PUT');
  }

  /** Resolves once the buckets are open and every existing revocation is known. */
  async opened(): Promise<void> {
    await this.ready;
  }

  private async buckets(): Promise<{ ledger: KV; revoked: KV }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UnavailableError('the tenancy store (NATS key-value) cannot be reached')), WAIT_FOR_CONNECTION_MS);
    });
    try {
      return await Promise.race([this.ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async get(key: string): Promise<CasEntry | undefined> {
    const { ledger } = await this.buckets();
    try {
      const e = await ledger.get(key);
      return e && e.operation === 'PUT' ? { value: e.string(), revision: e.revision } : undefined;
    } catch (err) {
      throw new UnavailableError(`the tenancy store cannot be read: ${(err as Error).message}`);
    }
  }

  async put(key: string, value: string, revision: number): Promise<boolean> {
    const { ledger } = await this.buckets();
    try {
      if (revision === 0) await ledger.create(key, value);
      else await ledger.update(key, value, revision);
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw new UnavailableError(`the tenancy store cannot be written: ${(err as Error).message}`);
    }
  }

  /** Revokes a key (by its SHA-256) on every replica. */
  async revoke(hash: string): Promise<void> {
    const { revoked } = await this.buckets();
    await revoked.put(hash, new Date().toISOString());
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.nc?.close().catch(() => undefined);
  }
}
