/**
 * The decision log as the router sees it: record a decision (and its outcome), accept
 * feedback and reported outcomes, read records back. The store behind it is chosen by
 * configuration (`decision_log.store`): JetStream when NATS is configured (or asked for),
 * else segment files on local disk.
 */
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { DecisionView__Output } from '../../generated/switchyard/v1/DecisionView.js';
import type { ListDecisionsRequest__Output } from '../../generated/switchyard/v1/ListDecisionsRequest.js';
import type { ListDecisionsResponse } from '../../generated/switchyard/v1/ListDecisionsResponse.js';
import type { ReportOutcomeRequest__Output } from '../../generated/switchyard/v1/ReportOutcomeRequest.js';
import type { SubmitFeedbackRequest__Output } from '../../generated/switchyard/v1/SubmitFeedbackRequest.js';
import type { Bus } from '../../shared/bus/bus.js';
import type { NatsBus } from '../../shared/bus/nats-bus.js';
import type { Catalog } from '../../shared/catalog.js';
import type { Config } from '../../shared/config/schema.js';
import { NotFoundError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log.js';
import { RecordBuilder, type PendingRecord } from './build-record.js';
import { ViewFolder, page } from './decision-views.js';
import { checkDecisionId, validateFeedback, validateOutcome } from './feedback.js';
import { FileRecordStore } from './file-record-store.js';
import { JetStreamRecordStore } from './jetstream-record-store.js';
import type { DecisionStore } from './record-store.js';
import { RecordEncoder } from './record-encoder.js';
import { RecordWriter, type DecisionLogEvents } from './record-writer.js';

export interface DecisionLogOptions {
  config: Config;
  catalog: Catalog;
  bus: Bus;
  log: Logger;
  now?: () => number;
}

export function openRecordStore(config: Config, bus: Bus, log: Logger): DecisionStore {
  const c = config.decision_log;
  const onError = (message: string) => log.warn(message);
  const useJetStream = c.store === 'jetstream' || (c.store === 'auto' && bus.kind === 'nats');
  if (useJetStream) {
    if (bus.kind !== 'nats') throw new Error('decision_log.store: jetstream needs NATS (set NATS_URL or bus.nats.servers)');
    const nats = bus as NatsBus;
    return new JetStreamRecordStore({ connection: () => nats.connection(), config: c.jetstream, onError });
  }
  return new FileRecordStore({ ...c.file, onError });
}

export class DecisionLog {
  readonly writer: RecordWriter;
  readonly store: DecisionStore;
  private readonly builder: RecordBuilder;
  private readonly now: () => number;
  /**
   * Idempotency keys this process has accepted, the last 100,000 kept for a day: a retry comes
   * within seconds, and the store dedupes by the same key (a JetStream message id) as well.
   */
  private readonly keys = new LRUCache<string, true>({ max: 100_000, ttl: 86_400_000, ttlAutopurge: false });

  constructor(private readonly o: DecisionLogOptions & { store?: DecisionStore }) {
    const c = o.config.decision_log;
    this.now = o.now ?? Date.now;
    this.builder = new RecordBuilder(o.config, o.catalog);
    const encoder = new RecordEncoder(o.config, this.builder, this.builder.hash);
    this.store = o.store ?? openRecordStore(o.config, o.bus, o.log);
    this.store.prepare?.();
    this.writer = new RecordWriter({
      store: this.store,
      builder: this.builder,
      encode: (p) => encoder.encodeTransient(p),
      // The file store indexes the segment it writes; JetStream keeps no index.
      ...(this.store.kind === 'file' ? { indexFields: (p: PendingRecord) => encoder.fields(p) } : {}),
      queueSize: c.queue_size,
      batchSize: c.batch_size,
      flushIntervalMs: c.flush_interval_ms,
      warn: (m, f) => o.log.warn(m, f),
      now: this.now,
    });
  }

  on<K extends keyof DecisionLogEvents>(event: K, listener: DecisionLogEvents[K]): () => void {
    return this.writer.on(event, listener);
  }

  /** On the request's path, after the answer is sent: never throws, never waits (the record is encoded into a reused buffer and its bytes queued). */
  record(p: Omit<PendingRecord, 'timeUnixMs'> & { timeUnixMs?: number }): void {
    // The caller's object is the pending record (no copy): it is the callers' own, made for this call.
    p.timeUnixMs ??= this.now();
    this.writer.submit(p as PendingRecord);
  }

  /** Validates and queues feedback; false when its idempotency key was seen already. */
  submitFeedback(req: SubmitFeedbackRequest__Output): boolean {
    const fb = validateFeedback(req, this.o.config.feedback.metrics, this.now());
    const target = fb.decisionId || `e.${fb.episodeId}`;
    const key = fb.idempotencyKey ? `fb.${target}.${fb.metric}.${fb.idempotencyKey}` : `fb.${randomUUID()}`;
    if (fb.idempotencyKey) {
      if (this.keys.has(key)) return false;
      this.keys.set(key, true);
    }
    this.writer.submitFeedback(fb, key);
    return true;
  }

  reportOutcome(req: ReportOutcomeRequest__Output): number {
    const outcome = validateOutcome(req, this.o.catalog, this.now(), (m, u) => this.builder.costOf(m, u));
    this.writer.submitOutcome(outcome);
    return outcome.costUsd as number;
  }

  async get(id: string): Promise<DecisionView__Output> {
    checkDecisionId(id);
    const notFound = () => new NotFoundError(`no decision record with id ${id} (records are written within about ${this.o.config.decision_log.flush_interval_ms} ms of the call's end)`);
    if (this.store.view) {
      const v = await this.store.view(id);
      if (!v) throw notFound();
      return v;
    }
    const folder = new ViewFolder();
    for await (const e of this.store.scan({ about: [id] })) folder.add(e);
    let view = folder.view(id);
    const session = view?.record?.labels?.session;
    if (view && session && this.store.kind === 'jetstream') {
      for await (const e of this.store.scan({ about: [`episode:${session}`] })) folder.add(e);
      view = folder.view(id);
    }
    if (!view) throw notFound();
    return view;
  }

  async list(req: ListDecisionsRequest__Output): Promise<ListDecisionsResponse> {
    if (this.store.list) return this.store.list(req);
    const folder = new ViewFolder();
    for await (const e of this.store.scan()) folder.add(e);
    return page(folder.views(), req);
  }

  /** Writes what is queued, then closes the store. */
  close(timeoutMs?: number): Promise<void> {
    return this.writer.close(timeoutMs);
  }
}
