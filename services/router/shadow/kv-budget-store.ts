/**
 * The shadow budget's counters in a JetStream key-value bucket on the bus's own NATS
 * connection, so every replica spends from the same daily budget. Compare-and-set on each
 * key's revision, as the tenancy ledger does (tenancy/kv-cas-store.ts). While NATS is down a
 * read or write throws: the shadow job is then skipped ("budget_unavailable"), never run
 * uncounted.
 */
import { JetStreamApiError } from '@nats-io/jetstream';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { UnavailableError } from '../../shared/errors.js';
import type { CasEntry, CasStore } from '../tenancy/cas-store.js';

export const SHADOW_BUCKET = 'switchyard-shadow-budget';
/** Daily counters are kept a little longer than their day. */
const MAX_AGE_MS = 3 * 86_400_000;

function isConflict(e: unknown): boolean {
  if (e instanceof JetStreamApiError && e.code === 10071) return true;
  return /wrong last sequence|key exists/i.test((e as Error)?.message ?? '');
}

/** Each key-value request's timeout, and how many times a timed-out read is asked in all. */
const READ_TIMEOUT_MS = 2_000;
const READ_ATTEMPTS = 3;

export class KvBudgetStore implements CasStore {
  private opened: { nc: NatsConnection; kv: Promise<KV> } | undefined;

  /** `connection`: the bus's current connection, undefined while it is down. */
  constructor(private readonly connection: () => NatsConnection | undefined) {}

  private bucket(): Promise<KV> {
    const nc = this.connection();
    if (!nc) return Promise.reject(new UnavailableError('the shadow budget (NATS key-value) cannot be reached: NATS is not connected'));
    if (this.opened?.nc !== nc) {
      const kv = new Kvm(jetstream(nc, { timeout: READ_TIMEOUT_MS })).create(SHADOW_BUCKET, { history: 1, ttl: MAX_AGE_MS }).catch((e: unknown) => {
        throw new UnavailableError(`the shadow budget cannot open its key-value bucket: ${(e as Error)?.message ?? e}`);
      });
      kv.catch(() => {
        if (this.opened?.kv === kv) this.opened = undefined;
      });
      this.opened = { nc, kv };
    }
    return this.opened.kv;
  }

  async get(key: string): Promise<CasEntry | undefined> {
    const kv = await this.bucket();
    for (let attempt = 1; ; attempt++) {
      try {
        const e = await kv.get(key);
        return e && e.operation === 'PUT' ? { value: e.string(), revision: e.revision } : undefined;
      } catch (err) {
        // A read changes nothing, so a timed-out one is asked again: a bucket made a moment ago
        // may let its first direct get go unanswered on a busy server.
        if (attempt < READ_ATTEMPTS && /timeout/i.test((err as Error)?.message ?? '')) continue;
        throw new UnavailableError(`the shadow budget cannot be read: ${(err as Error).message}`);
      }
    }
  }

  async put(key: string, value: string, revision: number): Promise<boolean> {
    const kv = await this.bucket();
    try {
      if (revision === 0) await kv.create(key, value);
      else await kv.update(key, value, revision);
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw new UnavailableError(`the shadow budget cannot be written: ${(err as Error).message}`);
    }
  }
}
