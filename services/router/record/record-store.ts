/**
 * The decision log's storage contract. Two implementations, chosen by configuration
 * (open-record-store.ts), never by the code that writes records: FileRecordStore (one process,
 * segment files on local disk) and JetStreamRecordStore (every replica, one JetStream stream).
 *
 *  - `append` writes a batch and resolves with the entries that could not be written (the
 *    writer tries those again); it never rejects. An entry's `key` is unique per logical write
 *    (the decision id for a record), so writing it twice stores it once where the store can
 *    tell (JetStream's de-duplication window; readers also fold duplicates).
 *  - `scan` yields every stored entry, oldest first; `about` restricts it to one decision (a
 *    store may use it to read less).
 *  - `view` and `list`, where a store has them, answer GetDecision and ListDecisions from an
 *    index with what folding a full scan into views (decision-views.ts) gives.
 */
import type { DecisionLogEntry__Output } from '../../generated/switchyard/v1/DecisionLogEntry.js';
import type { DecisionView__Output } from '../../generated/switchyard/v1/DecisionView.js';
import type { ListDecisionsRequest__Output } from '../../generated/switchyard/v1/ListDecisionsRequest.js';
import type { ListDecisionsResponse } from '../../generated/switchyard/v1/ListDecisionsResponse.js';
import type { RecordFields } from './entry-index-fields.js';

export interface StoredEntry {
  /** De-duplication key: the decision id for a record. */
  key: string;
  /** What the entry is about: the decision id, or `episode:<id>` for episode feedback. */
  about: string;
  kind: 'record' | 'feedback' | 'outcome';
  /**
   * The encoded DecisionLogEntry (the writer encodes once, before the store sees it). Valid
   * until the `append` it was handed to resolves: the writer's queue then writes other entries
   * over it (entry-queue.ts), so a store copies what it keeps longer.
   */
  bytes: Uint8Array;
  /**
   * A record's index fields, when the writer took them from the decision it encoded (the file
   * store indexes the entry with them rather than reading them back from `bytes`).
   */
  fields?: RecordFields;
}

export interface DecisionStore {
  readonly kind: 'file' | 'jetstream';
  /** Batches the writer may have in `append` at once (default 1). */
  readonly maxInFlight?: number;
  append(entries: readonly StoredEntry[]): Promise<StoredEntry[]>;
  scan(options?: { about?: readonly string[] }): AsyncIterable<DecisionLogEntry__Output>;
  view?(id: string): Promise<DecisionView__Output | undefined>;
  list?(req: ListDecisionsRequest__Output): Promise<ListDecisionsResponse>;
  /** Gets ready in the background (a JetStream store makes its stream once NATS is up), so the first batch does not wait for it. */
  prepare?(): void;
  close(): Promise<void>;
}
