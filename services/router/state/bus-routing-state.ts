/**
 * The router's side of the bus: it takes in executors' health, rate-limit, prompt-cache and
 * announcement messages, and after each one builds the routing state Decide reads (a new
 * snapshot, swapped whole) and the tables the executor pool chooses from.
 *
 * A model is shut when every executor that serves it reports its circuit open, or every one
 * is cooling down after a 429 or held back by provider-reported limits; it is open again when
 * a report says so, or when the reports expire (a stale report decays: nothing holds a model
 * open or shut forever). Its time to first token is the mean live figure. With discovery, a
 * model no live executor serves is unavailable.
 *
 * On start, and after every reconnect, it asks executors for their whole state (sync). While
 * the bus is down it keeps routing on what it last knew: health ages and decays, the known
 * executors stay.
 */
import { randomBytes } from 'node:crypto';
import type { HealthReport__Output } from '../../generated/switchyard/v1/HealthReport.js';
import type { ModelHealth__Output } from '../../generated/switchyard/v1/ModelHealth.js';
import type { RateLimitReport__Output } from '../../generated/switchyard/v1/RateLimitReport.js';
import type { Bus } from '../../shared/bus/bus.js';
import { decode, encode } from '../../shared/bus/codec.js';
import { SUBJECTS, WILDCARDS } from '../../shared/bus/subjects.js';
import type { Catalog } from '../../shared/catalog.js';
import type { ModelStatus } from '../decide/hard-filters.js';
import type { PromptCacheTable } from '../cache/prompt-cache-table.js';
import { ExecutorRegistry } from './executor-registry.js';
import { ReportTable } from './report-table.js';
import type { RoutingState } from './routing-state.js';

export interface BusRoutingStateOptions {
  bus: Bus;
  state: RoutingState;
  catalog: Catalog;
  cache: PromptCacheTable;
  /** Use announcements to decide which models can be served (router role). */
  discovery: boolean;
  /**
   * With discovery: the executors announced are the only ones there are (no static addresses
   * to fall back on), so before any announces itself, or once every one is gone, no model can
   * be served and each is unavailable ("no executor serves it").
   */
  announcedOnly?: boolean;
  /** Consider only this executor's reports (a process whose router calls its own executor). */
  onlyExecutor?: string;
  now?: () => number;
}

export class BusRoutingState {
  readonly health = new ReportTable<HealthReport__Output>();
  readonly limits = new ReportTable<RateLimitReport__Output>();
  readonly executors = new ExecutorRegistry();
  readonly cache: PromptCacheTable;
  readonly id = `router-${randomBytes(4).toString('hex')}`;
  private readonly now: () => number;
  private readonly offs: (() => void)[] = [];
  private recheck: NodeJS.Timeout | undefined;
  private recheckAt = Infinity;
  private wasDown = false;
  private readonly listeners = new Set<() => void>();
  /** Messages taken in, by kind (for measurements). */
  readonly received = { health: 0, ratelimit: 0, cache: 0, announce: 0 };

  constructor(private readonly o: BusRoutingStateOptions) {
    this.now = o.now ?? Date.now;
    this.cache = o.cache;
    const b = o.bus;
    this.offs.push(
      b.subscribe(WILDCARDS.health, (_s, data) => {
        const r = decode('health', data);
        this.received.health++;
        if (r && this.health.merge(r, this.now())) this.rebuild();
      }),
      b.subscribe(WILDCARDS.ratelimit, (_s, data) => {
        const r = decode('ratelimit', data);
        this.received.ratelimit++;
        if (r && this.limits.merge(r, this.now())) this.rebuild();
      }),
      b.subscribe(WILDCARDS.cache, (_s, data) => {
        const r = decode('cache', data);
        this.received.cache++;
        if (r) this.cache.merge(r, Math.max(0, Number(r.sentAtMs) - this.now()));
      }),
      b.subscribe(WILDCARDS.announce, (_s, data) => {
        const r = decode('announce', data);
        this.received.announce++;
        if (r && this.executors.merge(r, this.now())) this.rebuild();
      }),
      b.onStatus((s) => {
        if (s === 'disconnected') {
          this.wasDown = true;
          this.executors.freeze(this.now());
        } else {
          this.executors.thaw(this.now());
          if (this.wasDown) this.requestSync();
          this.wasDown = false;
        }
        this.changed();
      }),
    );
    this.requestSync();
    if (o.announcedOnly) this.rebuild();
  }

  /** Asks every executor for its whole state now. */
  requestSync(): void {
    this.o.bus.publish(SUBJECTS.sync(), encode('sync', { requesterId: this.id, sentAtMs: this.now() }));
  }

  /** Called after every change of what routing sees (tests measure with it). */
  onChange(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  /** The fresh health of `model` on executor `executorId`, if reported. */
  modelHealth(executorId: string, model: string): ModelHealth__Output | undefined {
    return this.health.get(executorId, this.now())?.byModel.get(model);
  }

  /** Whether executor `executorId` is cooling down or held back for `model`. */
  rateLimited(executorId: string, model: string): boolean {
    const m = this.limits.get(executorId, this.now())?.byModel.get(model);
    const now = this.now();
    return !!m && (m.coolingUntilMs > now || m.blockedUntilMs > now);
  }

  /** Rebuilds every model's status from the tables and swaps the snapshot in. */
  rebuild(): void {
    const now = this.now();
    let next = Infinity;
    const soon = (t: number) => {
      if (t > now && t < next) next = t;
    };
    const announced = this.o.discovery && (this.o.announcedOnly === true || this.executors.live(now).length > 0);
    const health = [...this.health.fresh(now)];
    const limits = [...this.limits.fresh(now)];
    for (const h of health) soon(this.health.expiresAt(h) + 1);
    for (const l of limits) soon(this.limits.expiresAt(l) + 1);
    const e = this.executors.nextExpiry(now);
    if (e !== undefined) soon(e);

    const update = new Map<number, ModelStatus>();
    for (const m of this.o.catalog.models) {
      const only = this.o.onlyExecutor;
      const serving = only !== undefined ? new Set([only]) : announced ? new Set(this.executors.serving(m.id, now).map((x) => x.id)) : undefined;
      const base = this.o.state.base(m.index);
      if (serving && serving.size === 0) {
        update.set(m.index, base.available ? { available: false, reason: 'no executor serves it' } : base);
        continue;
      }
      let status: ModelStatus = announced ? { available: true } : base;
      if (!status.available) {
        update.set(m.index, status);
        continue;
      }
      const hs = health.filter((h) => !serving || serving.has(h.report.executorId)).flatMap((h) => (h.byModel.get(m.id) ? [h.byModel.get(m.id)!] : []));
      const reported = serving ? serving.size : hs.length;
      const open = hs.filter((x) => x.circuit === 'CIRCUIT_STATE_OPEN');
      if (hs.length > 0 && open.length === reported) {
        for (const x of open) soon(x.openUntilMs);
        update.set(m.index, { available: false, reason: `circuit open on every executor (${open.length})` });
        continue;
      }
      const ls = limits.filter((l) => !serving || serving.has(l.report.executorId)).flatMap((l) => (l.byModel.get(m.id) ? [l.byModel.get(m.id)!] : []));
      const lreported = serving ? serving.size : ls.length;
      if (ls.length > 0 && ls.length === lreported) {
        if (ls.every((x) => x.coolingUntilMs > now)) {
          const until = Math.min(...ls.map((x) => x.coolingUntilMs));
          soon(until);
          update.set(m.index, { available: false, reason: `rate limited (429): cooling down for ${Math.ceil((until - now) / 1000)} s` });
          continue;
        }
        if (ls.every((x) => x.blockedUntilMs > now || x.coolingUntilMs > now)) {
          const until = Math.min(...ls.map((x) => Math.max(x.blockedUntilMs, x.coolingUntilMs)));
          soon(until);
          update.set(m.index, { available: false, reason: `rate limited: the provider's reported budget is spent for ${Math.ceil((until - now) / 1000)} s` });
          continue;
        }
      }
      const ttfts = hs.filter((x) => x.circuit !== 'CIRCUIT_STATE_OPEN' && x.ttftEwmaMs > 0).map((x) => x.ttftEwmaMs);
      if (ttfts.length > 0) status = { ...status, ttftMs: ttfts.reduce((a, b) => a + b, 0) / ttfts.length };
      update.set(m.index, status);
    }
    this.o.state.update(update);
    this.schedule(next);
    this.changed();
  }

  private schedule(t: number): void {
    if (t === this.recheckAt) return;
    clearTimeout(this.recheck);
    this.recheckAt = t;
    if (!Number.isFinite(t)) return;
    this.recheck = setTimeout(() => {
      this.recheckAt = Infinity;
      this.rebuild();
    }, Math.max(1, t - this.now()));
    this.recheck.unref();
  }

  close(): void {
    clearTimeout(this.recheck);
    for (const off of this.offs) off();
  }
}
