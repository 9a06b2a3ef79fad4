/**
 * The executors routers know of, from their announcements: address, models, load. An
 * executor leaves the registry when it withdraws, or when it has not been heard of for its
 * announcement's TTL, but not while the bus itself is down: then the last known executors
 * stay (frozen), and after a reconnect each gets one more TTL to be heard of again.
 */
import type { ExecutorAnnouncement__Output } from '../../generated/switchyard/v1/ExecutorAnnouncement.js';

export interface KnownExecutor {
  id: string;
  address: string;
  models: ReadonlySet<string>;
  inFlight: number;
  load: ReadonlyMap<string, number>;
  seq: number;
  heardAtMs: number;
  ttlMs: number;
}

export class ExecutorRegistry {
  private readonly byId = new Map<string, KnownExecutor>();
  private frozenAt: number | undefined;
  private readonly listeners = new Set<() => void>();

  /** Takes an announcement in; true when something routers use changed. */
  merge(a: ExecutorAnnouncement__Output, now: number): boolean {
    const cur = this.byId.get(a.executorId);
    if (cur && a.seq <= cur.seq && !this.expired(cur, now)) return false;
    if (a.withdrawn) {
      const had = this.byId.delete(a.executorId);
      if (had) this.changed();
      return had;
    }
    const next: KnownExecutor = {
      id: a.executorId,
      address: a.address,
      models: new Set(a.models),
      inFlight: a.inFlight,
      load: new Map(a.load.map((l) => [l.model, l.inFlight])),
      seq: a.seq,
      heardAtMs: now,
      ttlMs: a.ttlMs,
    };
    this.byId.set(a.executorId, next);
    const changed = !cur || cur.address !== next.address || cur.models.size !== next.models.size || [...next.models].some((m) => !cur.models.has(m)) || this.expired(cur, now);
    if (changed) this.changed();
    return changed;
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  onChange(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  expired(e: KnownExecutor, now: number): boolean {
    const t = this.frozenAt ?? now;
    return t - e.heardAtMs > e.ttlMs;
  }

  /** The bus is down: keep what is known. */
  freeze(now: number): void {
    this.frozenAt ??= now;
  }

  /** The bus is back: every executor gets one more TTL to be heard of. */
  thaw(now: number): void {
    if (this.frozenAt === undefined) return;
    this.frozenAt = undefined;
    for (const e of this.byId.values()) e.heardAtMs = Math.max(e.heardAtMs, now);
  }

  get frozen(): boolean {
    return this.frozenAt !== undefined;
  }

  /** Live executors. */
  live(now: number): KnownExecutor[] {
    const out: KnownExecutor[] = [];
    for (const e of this.byId.values()) if (!this.expired(e, now)) out.push(e);
    return out;
  }

  /** Live executors that serve `model`. */
  serving(model: string, now: number): KnownExecutor[] {
    return this.live(now).filter((e) => e.models.has(model));
  }

  get(id: string): KnownExecutor | undefined {
    return this.byId.get(id);
  }

  /** The earliest time a live executor expires (for a re-check), or undefined. */
  nextExpiry(now: number): number | undefined {
    if (this.frozenAt !== undefined) return undefined;
    let t: number | undefined;
    for (const e of this.live(now)) t = Math.min(t ?? Infinity, e.heardAtMs + e.ttlMs + 1);
    return t;
  }

  get size(): number {
    return this.byId.size;
  }
}
