/**
 * Tenancy state in JetStream key-value buckets, shared by every replica: the ledger's counters
 * (compare-and-set on each key's revision) and the revoked keys (watched, so a revocation
 * reaches every replica as soon as it is written). One NATS connection, made in the
 * background and kept up by nats.js; until it is up, ledger calls wait a little and then
 * fail with UNAVAILABLE rather than let spend go uncounted.
 *
 * Why a write carries a message id besides its expected revision: on a replicated bucket
 * (bus.kv_replicas > 1) nats-server checks `Nats-Expected-Last-Subject-Sequence` only before
 * it proposes the write to its peers, not as part of the replicated write, so two writes made
 * at the same revision at about the same time are both accepted and the later one overwrites
 * the earlier (nats-io/nats-server#4320; seen here with 2.9.10: 6 writers adding 1 to a
 * counter at the revision they read had 118 of 450 acknowledged writes overwritten, none
 * with one replica). The ledger then lost settled spend and could admit past a budget. The
 * id names the revision the write was based on (`key@revision`); the server registers an id
 * when it proposes the write, so a second write from the same revision is answered as a
 * duplicate, which is the conflict compare-and-set should have reported.
 */
import { JetStreamApiError, jetstream, type JetStreamClient } from '@nats-io/jetstream';
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

/** Errors that say no JetStream server took the request: it surely did not happen. */
function notReceived(e: unknown): boolean {
  return /no responders|jetstream is not enabled|503/i.test((e as Error)?.message ?? '');
}

export interface KvTenancyOptions {
  nats: NatsBusOptions;
  /** Replicas of the buckets when this store makes them (bus.kv_replicas); default 1. */
  replicas?: number;
  /** Called with each revoked key hash (revoked: true) and each revocation taken back. */
  onRevocation(hash: string, revoked: boolean): void;
  onError?(message: string): void;
}

export class KvTenancyStore implements CasStore {
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
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
        this.js = jetstream(nc);
        const kvm = new Kvm(nc);
        const replicas = this.o.replicas ?? 1;
        const ledger = await kvm.create(LEDGER_BUCKET, { history: 1, ttl: LEDGER_MAX_AGE_MS, replicas });
        const revoked = await kvm.create(REVOKED_BUCKET, { history: 1, replicas });
        this.watchRevocations(revoked).catch((e) => this.o.onError?.(`tenancy store: the watch of revoked keys failed: ${(e as Error).message}`));
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

  /**
   * Runs `op`, again while it fails with an error `again` says is safe to retry, for up to
   * WAIT_FOR_CONNECTION_MS: a cluster that lost a node answers "no responders" or "JetStream
   * not enabled" for the moments its leaders are re-elected, and the client reconnects.
   */
  private async retrying<T>(op: () => Promise<T>, again: (e: unknown) => boolean): Promise<T> {
    const until = Date.now() + WAIT_FOR_CONNECTION_MS;
    for (let i = 0; ; i++) {
      try {
        return await op();
      } catch (e) {
        if (!again(e) || Date.now() >= until || this.closing) throw e;
        await new Promise((r) => setTimeout(r, Math.min(250, 25 * (i + 1))));
      }
    }
  }

  async get(key: string): Promise<CasEntry | undefined> {
    const { ledger } = await this.buckets();
    try {
      // A read changes nothing: any failure may be retried.
      const e = await this.retrying(() => ledger.get(key), (err) => !isConflict(err));
      if (!e) return undefined;
      // A deleted or purged key is empty, but a write must name the revision of its marker.
      return { value: e.operation === 'PUT' ? e.string() : '', revision: e.revision };
    } catch (err) {
      throw new UnavailableError(`the tenancy store cannot be read: ${(err as Error).message}`);
    }
  }

  async put(key: string, value: string, revision: number): Promise<boolean> {
    await this.buckets();
    try {
      // A write is retried only when it surely did not happen (nothing answered it); after a
      // timeout it may have, and writing again could count it twice: that fails instead.
      const js = this.js!;
      const write = () => js.publish(`$KV.${LEDGER_BUCKET}.${key}`, value, { msgID: `${key}@${revision}`, expect: { lastSubjectSequence: revision } });
      const ack = await this.retrying(write, notReceived);
      // Another write from the same revision was accepted first (see the top of this file).
      return !ack.duplicate;
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
