/**
 * A router replica's side of model promotion: it watches the pointer on JetStream
 * (model-registry.ts), fetches the object the pointer names, checks its SHA-256, and hands it
 * to the ModelStore, which checks that it parses and fits the catalog and swaps it in between
 * two decisions. A model that fails any check is refused and logged; the replica keeps the
 * model it runs. Pointers are applied one at a time, the newest first: a pointer that moved
 * again while an object was being fetched is skipped.
 *
 * The replica writes what it runs to the replicas bucket on every change and every
 * `reportIntervalMs`, for `switchyard model status`. NATS going away never touches the model
 * in service: the follower reconnects and catches up with the pointer's latest value.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { connectionOptions, type NatsBusOptions } from '../../shared/bus/nats-bus.js';
import type { Logger } from '../../shared/log.js';
import { POINTER_SCHEMA, type ReplicaReport } from './model-pointer.js';
import { ModelRegistry, type PointerEvent } from './model-registry.js';
import type { ModelStore } from './model-store.js';

export interface ModelFollowerOptions {
  nats: NatsBusOptions;
  store: ModelStore;
  log: Logger;
  /** This replica's name in reports (a key-value key: letters, digits, - and _). */
  replicaId: string;
  reportIntervalMs: number;
  /** The clock reports are stamped with. */
  now?: () => Date;
}

const RETRY_MS = 250;

function jetStreamMissing(e: unknown): boolean {
  return /jetstream (is )?not enabled|JetStream not enabled/i.test((e as Error)?.message ?? '');
}

export class ModelFollower {
  private nc: NatsConnection | undefined;
  private registry: ModelRegistry | undefined;
  private closing = false;
  private stopWatch: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pending: PointerEvent | undefined;
  private draining = false;
  private refused: ReplicaReport['refused'];
  /** The pointer revision the follower must have handled to be in sync at start. */
  private head = Number.POSITIVE_INFINITY;
  private handled = 0;
  private markSynced!: () => void;
  private readonly syncedPromise = new Promise<void>((r) => (this.markSynced = r));
  private readonly listeners = new Set<() => void>();

  constructor(private readonly o: ModelFollowerOptions) {
    void this.start();
  }

  /**
   * Resolves once the pointer's value at start is in service (or refused), or at once when
   * nothing was promoted; also when JetStream turns out to be unavailable (the file stays).
   */
  synced(): Promise<void> {
    return this.syncedPromise;
  }

  /** Called after every pointer change this replica handled (tests and benchmarks watch it). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get replicaId(): string {
    return this.o.replicaId;
  }

  private async start(): Promise<void> {
    const { log } = this.o;
    while (!this.closing && !this.registry) {
      try {
        this.nc = await connect({ ...connectionOptions(this.o.nats), name: `${this.o.nats.name}-models` });
        this.registry = await ModelRegistry.open(this.nc);
      } catch (e) {
        await this.nc?.close().catch(() => undefined);
        this.nc = undefined;
        if (jetStreamMissing(e)) {
          log.warn('model promotion needs JetStream (nats-server -js); this replica follows its model file only', { error: e as Error });
          this.markSynced();
          return;
        }
        log.warn('model promotion: cannot open the model buckets; retrying', { error: e as Error });
        await new Promise((r) => setTimeout(r, RETRY_MS).unref());
      }
    }
    const registry = this.registry;
    if (!registry || this.closing) return;
    try {
      this.head = await registry.headRevision();
      if (this.head === 0) this.markSynced();
      this.stopWatch = await registry.watch((e) => this.enqueue(e));
    } catch (e) {
      log.error('model promotion: cannot watch the model pointer; this replica follows its model file', { error: e as Error });
      this.markSynced();
      return;
    }
    await this.report();
    this.timer = setInterval(() => void this.report(), this.o.reportIntervalMs);
    this.timer.unref();
  }

  private enqueue(e: PointerEvent): void {
    this.pending = e;
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    while (this.pending && !this.closing) {
      const e = this.pending;
      this.pending = undefined;
      await this.handle(e);
      this.handled = Math.max(this.handled, e.kind === 'pointer' ? e.current.revision : e.revision);
      if (this.handled >= this.head) this.markSynced();
      await this.report();
      for (const l of this.listeners) l();
    }
    this.draining = false;
  }

  private async handle(e: PointerEvent): Promise<void> {
    const { store, log } = this.o;
    if (e.kind === 'deleted') {
      if (store.source !== 'promoted') return;
      try {
        store.load();
        log.info('model pointer deleted; serving the model file again', { model: store.modelVersion });
      } catch (err) {
        log.error('model pointer deleted, but the model file cannot be loaded; keeping the promoted model', { error: err as Error });
      }
      return;
    }
    if (e.kind === 'unreadable') {
      this.refuse('unreadable', '', e.error.message);
      return;
    }
    const p = e.current.pointer;
    if (store.source === 'promoted' && store.modelSha256 === p.sha256 && store.modelVersion === p.version) {
      this.refused = undefined;
      return;
    }
    const before = store.modelVersion;
    const started = performance.now();
    let fetched = started;
    try {
      const bytes = await this.registry!.fetch(p);
      fetched = performance.now();
      // A newer pointer arrived while this one was fetched: that one wins.
      if (this.pending?.kind === 'pointer') return;
      store.promote(bytes, p.version);
    } catch (err) {
      this.refuse(p.version, p.sha256, (err as Error).message);
      return;
    }
    this.refused = undefined;
    const ms = (x: number) => Math.round(x * 10) / 10;
    log.info('router model promoted', { model: p.version, previous: before, action: p.action, fetch_ms: ms(fetched - started), swap_ms: ms(performance.now() - fetched) });
  }

  private refuse(version: string, sha256: string, reason: string): void {
    const { store, log } = this.o;
    this.refused = { version, sha256, reason, at: this.now().toISOString() };
    log.error('promoted router model refused; keeping the model in service', { refused: version, sha256, reason, model: store.modelVersion });
  }

  private now(): Date {
    return this.o.now ? this.o.now() : new Date();
  }

  /** What this replica runs, as it writes it to the replicas bucket. */
  state(): ReplicaReport {
    const { store } = this.o;
    return {
      schema: POINTER_SCHEMA,
      replica: this.o.replicaId,
      version: store.modelVersion,
      sha256: store.modelSha256,
      source: store.source,
      ...(this.refused ? { refused: this.refused } : {}),
      at: this.now().toISOString(),
      report_interval_ms: this.o.reportIntervalMs,
    };
  }

  private async report(): Promise<void> {
    if (!this.registry || this.closing) return;
    try {
      await this.registry.report(this.state());
    } catch {
      // NATS is away: the next report (on a change or the interval) says it again.
    }
  }

  /** Stops following; `withdraw` (a graceful stop) takes this replica's report out of the bucket. */
  async close(withdraw = true): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.timer);
    this.stopWatch?.();
    this.markSynced();
    if (withdraw && this.registry) await this.registry.withdraw(this.o.replicaId).catch(() => undefined);
    await this.nc?.close().catch(() => undefined);
  }
}
