/**
 * Writes decision-log entries off the request's path. `submit` is synchronous and never
 * throws: it encodes the record into a reused buffer at once (RecordEncoder, a few µs) and
 * queues the bytes in a bounded queue; when the queue is full the entry is dropped and counted
 * (with a warning at most every `warnIntervalMs`), never the request. A flush loop appends
 * queued entries to the store in batches of `batch_size`; entries the store could not write go
 * back to the head of the queue and are tried again after a pause (so a NATS restart loses
 * nothing that was queued, unless the queue fills). `close` flushes what is queued, for a
 * graceful shutdown.
 *
 * Why encode at once rather than at the flush: the queue then holds bytes (a record's are
 * about 1-2 kB), not whole decisions with their requests, messages and candidate rows, so
 * what a full queue holds is bounded by `queue_size` records, not by the prompts' size, and a
 * decision is garbage as soon as its call ends instead of living until the next flush. The
 * CPU spent encoding is the same either way. The bytes are copied into the queue's reused
 * pages (entry-queue.ts) rather than kept as an object per record until the flush.
 *
 * Listeners (`on`) hear of records and accepted feedback as they are submitted, in process, so
 * that metrics can count them; a listener that throws is ignored. A record listener is given a
 * RecordView (record-view.ts), the fields listeners read, not a whole DecisionRecord.
 */
import type { DecisionLogEntry } from '../../generated/switchyard/v1/DecisionLogEntry.js';
import type { Feedback } from '../../generated/switchyard/v1/Feedback.js';
import type { ReportedOutcome } from '../../generated/switchyard/v1/ReportedOutcome.js';
import type { RecordBuilder, PendingRecord } from './build-record.js';
import type { RecordFields } from './entry-index-fields.js';
import { EntryQueue, type TakenBatch } from './entry-queue.js';
import { encodeEntry } from './record-codec.js';
import type { DecisionStore, StoredEntry } from './record-store.js';
import type { RecordView } from './record-view.js';

export interface DecisionLogEvents {
  /** A record was queued for writing (Decide, or Execute with its outcome), as the fields listeners read. */
  record: (record: RecordView) => void;
  feedback: (feedback: Feedback) => void;
  outcome: (outcome: ReportedOutcome) => void;
}

export interface RecordWriterStats {
  queued: number;
  written: number;
  dropped: number;
  /** Write attempts the store refused (entries are retried). */
  failedWrites: number;
}

export interface RecordWriterOptions {
  store: DecisionStore;
  /** Gives `record` listeners their view of a record (RecordBuilder.view). */
  builder: Pick<RecordBuilder, 'view'>;
  /**
   * Encodes a pending record as `DecisionLogEntry{record}` (RecordEncoder.encodeTransient): the
   * writer copies the bytes into its queue at once, so they may be overwritten by the next call.
   */
  encode: (pending: PendingRecord) => Uint8Array;
  /** A record's index fields, for a store that indexes what it writes (RecordEncoder.fields). */
  indexFields?: (pending: PendingRecord) => RecordFields;
  queueSize: number;
  batchSize: number;
  flushIntervalMs: number;
  /** Pause before retrying entries the store refused. Default 250 ms. */
  retryMs?: number;
  warn?: (message: string, fields?: Record<string, unknown>) => void;
  warnIntervalMs?: number;
  now?: () => number;
}

export class RecordWriter {
  private readonly queue = new EntryQueue();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private lastWarn = -Infinity;
  private droppedSinceWarn = 0;
  private readonly counts = { written: 0, dropped: 0, failedWrites: 0 };
  private readonly listeners: { [K in keyof DecisionLogEvents]: Set<DecisionLogEvents[K]> } = { record: new Set(), feedback: new Set(), outcome: new Set() };

  constructor(private readonly o: RecordWriterOptions) {}

  get stats(): RecordWriterStats {
    return { queued: this.queue.length, ...this.counts };
  }

  on<K extends keyof DecisionLogEvents>(event: K, listener: DecisionLogEvents[K]): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  private emit<K extends keyof DecisionLogEvents>(event: K, value: Parameters<DecisionLogEvents[K]>[0]): void {
    for (const l of this.listeners[event]) {
      try {
        (l as (v: typeof value) => void)(value);
      } catch {
        // a listener's failure is its own
      }
    }
  }

  /** Encodes and queues a decision (and its outcome); false when it was dropped. */
  submit(pending: PendingRecord): boolean {
    if (this.full()) return false;
    const id = pending.decision.response.decisionId!;
    try {
      this.queue.push(id, id, 'record', this.o.encode(pending), this.o.indexFields?.(pending));
    } catch (e) {
      // A record that cannot be encoded is dropped and counted, never thrown at the caller.
      this.counts.dropped++;
      this.o.warn?.('decision log: a record could not be encoded; dropped', { error: (e as Error).message });
      return false;
    }
    this.scheduleFor();
    // Listeners get a view of references to the decision; nothing of it is queued.
    if (this.listeners.record.size > 0) this.emit('record', this.o.builder.view(pending));
    return true;
  }

  /** Queues feedback; the caller has validated it. */
  submitFeedback(feedback: Feedback, key: string): boolean {
    const about = feedback.decisionId ? feedback.decisionId : `episode:${feedback.episodeId}`;
    const ok = this.enqueue(key, about, 'feedback', { feedback });
    if (ok) this.emit('feedback', feedback);
    return ok;
  }

  submitOutcome(outcome: ReportedOutcome): boolean {
    const ok = this.enqueue(`outcome.${outcome.decisionId}`, outcome.decisionId!, 'outcome', { reportedOutcome: outcome });
    if (ok) this.emit('outcome', outcome);
    return ok;
  }

  private enqueue(key: string, about: string, kind: StoredEntry['kind'], entry: DecisionLogEntry): boolean {
    if (this.full()) return false;
    this.queue.push(key, about, kind, encodeEntry(entry));
    this.scheduleFor();
    return true;
  }

  /** True (and the drop counted and perhaps warned of) when nothing more may be queued. */
  private full(): boolean {
    if (!this.closed && this.queue.length < this.o.queueSize) return false;
    this.counts.dropped++;
    this.droppedSinceWarn++;
    const now = (this.o.now ?? Date.now)();
    if (now - this.lastWarn >= (this.o.warnIntervalMs ?? 10_000)) {
      this.o.warn?.('decision log queue full: records dropped', { dropped: this.droppedSinceWarn, dropped_total: this.counts.dropped, queue_size: this.o.queueSize });
      this.lastWarn = now;
      this.droppedSinceWarn = 0;
    }
    return true;
  }

  /** A flush at once when a batch is full, else within the flush interval. */
  private scheduleFor(): void {
    this.schedule(this.queue.length >= this.o.batchSize ? 0 : this.o.flushIntervalMs);
  }

  private schedule(delayMs: number): void {
    if (this.flushing) return;
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.drain()
        .catch((e) => this.o.warn?.('decision log: writing failed', { error: (e as Error).message }))
        .finally(() => {
        this.flushing = undefined;
        if (this.queue.length > 0 && !this.closed) this.schedule(this.o.flushIntervalMs);
      });
    }, delayMs);
  }

  /**
   * Writes until the queue is empty or the store refuses a batch. Up to the store's
   * `maxInFlight` batches are written at once (a JetStream store waits a round trip per
   * batch); the loop yields between batches, so calls are served while a backlog is encoded.
   */
  private async drain(): Promise<void> {
    const inFlight = new Set<Promise<number>>();
    const limit = this.o.store.maxInFlight ?? 1;
    let refused = false;
    while (this.queue.length > 0 || inFlight.size > 0) {
      if (!refused && this.queue.length > 0 && inFlight.size < limit) {
        const batch: TakenBatch = this.queue.take(this.o.batchSize);
        const write: Promise<number> = this.o.store.append(batch.entries).then((failed) => {
          inFlight.delete(write);
          this.counts.written += batch.entries.length - failed.length;
          if (failed.length > 0) {
            this.counts.failedWrites++;
            this.queue.retry(failed);
          }
          this.queue.done(batch);
          return failed.length;
        }, (e: unknown) => {
          // A store that broke its contract (append rejected): its batch's pages are let go.
          this.queue.done(batch);
          throw e;
        });
        inFlight.add(write);
        if (limit > 1) await new Promise((r) => setImmediate(r));
        continue;
      }
      if (inFlight.size > 0) {
        if ((await Promise.race(inFlight)) > 0) refused = true;
        continue;
      }
      // Every write has ended and one was refused: pause, then try again.
      if (this.closed) return;
      await new Promise((r) => setTimeout(r, this.o.retryMs ?? 250));
      refused = false;
    }
  }

  /** Writes what is queued (tries for up to `timeoutMs`), then closes the store. */
  async close(timeoutMs = 5_000): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    const done = this.drain();
    this.closed = true;
    await Promise.race([done, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    await this.o.store.close();
  }
}
