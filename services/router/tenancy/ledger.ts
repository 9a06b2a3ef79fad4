/**
 * Counters that must hold across replicas: spend per tenant and period, tokens and requests
 * per minute. Each counter is one entry, `{ used, holds }`, changed only by compare-and-set,
 * so two replicas can never both take the last of a budget.
 *
 * A call first reserves its worst case (a hold); the hold is admitted only if
 * used + every live hold + the new hold stays within the limit. When the call ends, its hold
 * is replaced by what it really cost. A hold carries an expiry: a replica that crashes
 * between reserving and settling leaves holds that the next write to the counter drops. A
 * settle that comes after its hold was dropped still adds its cost, so nothing is lost; a
 * settle the store could not take is tried again, and counted once.
 *
 * Amounts are integers (nano-USD, tokens, requests): sums never drift.
 */
import { randomUUID } from 'node:crypto';
import { ResourceExhaustedError, UnavailableError } from '../../shared/errors.js';
import type { CasStore } from './cas-store.js';

interface Counter {
  used: number;
  /** hold id → [amount, expires at (epoch ms)] */
  holds: Record<string, [number, number]>;
}

export interface Limit {
  /** Store key of the counter (one per tenant, measure and period). */
  key: string;
  limit: number;
  /** Describes the limit in errors: why it refuses, and what it is. */
  describe(used: number, held: number, asked: number): string;
}

export interface Hold {
  key: string;
  id: string;
}

export interface LedgerOptions {
  store: CasStore;
  now?: () => number;
  /** How long a hold outlives a replica that never settles it. */
  holdTtlMs: number;
  /** Compare-and-set attempts before giving up (UNAVAILABLE). */
  maxTries?: number;
}

export class LimitExceededError extends ResourceExhaustedError {}

/** Settles tried again after the store could not be reached (about 6 s in all, with the waits). */
const SETTLE_RETRIES = 5;

function parse(value: string | undefined): Counter {
  return value ? (JSON.parse(value) as Counter) : { used: 0, holds: {} };
}

export class Ledger {
  private readonly now: () => number;

  constructor(private readonly o: LedgerOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Drops expired holds; returns the amount the live ones hold. */
  private prune(c: Counter): number {
    const now = this.now();
    let held = 0;
    for (const [id, [amount, expires]] of Object.entries(c.holds)) {
      if (expires <= now) delete c.holds[id];
      else held += amount;
    }
    return held;
  }

  /** Applies `change` to the counter under compare-and-set, retrying when another writer wins. */
  private async update<T>(key: string, change: (c: Counter) => T): Promise<T> {
    const tries = this.o.maxTries ?? 500;
    for (let i = 0; i < tries; i++) {
      const entry = await this.o.store.get(key);
      const c = parse(entry?.value);
      const out = change(c);
      if (await this.o.store.put(key, JSON.stringify(c), entry?.revision ?? 0)) return out;
      // Another writer won: back off a little, more after each loss, so writers spread out.
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 * (i + 1))));
    }
    throw new UnavailableError(`the ledger counter ${key} is too contended: gave up after ${tries} tries`);
  }

  /** Reserves `amount` against `limit`; throws LimitExceededError when it does not fit. */
  async reserve(limit: Limit, amount: number): Promise<Hold> {
    const id = randomUUID();
    const expires = this.now() + this.o.holdTtlMs;
    await this.update(limit.key, (c) => {
      const held = this.prune(c);
      if (c.used + held + amount > limit.limit) throw new LimitExceededError(limit.describe(c.used, held, amount));
      c.holds[id] = [amount, expires];
    });
    return { key: limit.key, id };
  }

  /** Counts `amount` as used at once if it fits (e.g. one request against a per-minute limit). */
  async take(limit: Limit, amount: number): Promise<void> {
    await this.update(limit.key, (c) => {
      const held = this.prune(c);
      if (c.used + held + amount > limit.limit) throw new LimitExceededError(limit.describe(c.used, held, amount));
      c.used += amount;
    });
  }

  /**
   * Ends a hold: what it held is released and `actual` is counted as used. When the store
   * cannot be reached the settle is tried again (a cluster that lost a node needs moments to
   * elect new leaders). A write that failed that way may still have been applied, so a retry
   * applies only while the hold is still there: the settle removes it in the same write.
   */
  async settle(hold: Hold, actual: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.update(hold.key, (c) => {
          const pending = hold.id in c.holds;
          this.prune(c);
          if (attempt > 0 && !pending) return;
          delete c.holds[hold.id];
          c.used += actual;
        });
        return;
      } catch (e) {
        if (!(e instanceof UnavailableError) || attempt >= SETTLE_RETRIES) throw e;
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
      }
    }
  }

  /**
   * Adds `delta` (negative to take away) to what the counter counts as used, leaving live
   * holds alone: how a reconciliation with the decision record corrects a counter without
   * losing spend settled meanwhile.
   */
  async adjust(key: string, delta: number): Promise<void> {
    await this.update(key, (c) => {
      this.prune(c);
      c.used += delta;
    });
  }

  /**
   * The counter as the store's leader holds it: read by writing it back unchanged under
   * compare-and-set. A plain read may be answered by a replica that lags (JetStream key-value
   * reads go to any replica), which a reconciliation must not take for the truth.
   */
  async readLatest(key: string): Promise<{ used: number; held: number; holds: number }> {
    return this.update(key, (c) => {
      const held = this.prune(c);
      return { used: c.used, held, holds: Object.keys(c.holds).length };
    });
  }

  /** The counter as it stands: used, and held by live holds. */
  async read(key: string): Promise<{ used: number; held: number; holds: number }> {
    const c = parse((await this.o.store.get(key))?.value);
    const held = this.prune(c);
    return { used: c.used, held, holds: Object.keys(c.holds).length };
  }
}
