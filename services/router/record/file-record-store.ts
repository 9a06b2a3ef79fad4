/**
 * The decision log on local disk: segmented append-only files. Each process appends to its own
 * current segment (`seg-<start ms>-<pid>-<n>.log`); a segment is closed when it reaches
 * `segment_bytes` or `segment_ms`, and the oldest closed segments are deleted while the total
 * is over `max_bytes` or they are older than `max_age_ms`.
 *
 * A segment is a sequence of frames: u32 length (LE), u32 CRC-32 of the payload (LE), then
 * the payload, one encoded DecisionLogEntry. A batch is one write, so a crash tears at most the
 * last frame of a segment; a reader stops at the first frame that is short or fails its CRC,
 * and a process never appends to a segment it did not create.
 *
 * Durability (`fsync`): a written batch is in the operating system's cache at once, so a crash
 * of the process loses nothing written. Against a crash of the machine, batches are made
 * durable by group commit: one fdatasync covers every batch written since the last, at most
 * `fsync_interval_ms` after the first of them (0: after every batch, which costs a sync per
 * batch on the process's CPU), and always before a segment is closed.
 *
 * Reads (`view`, `list`) go through the log's index (log-index.ts): a closed segment gets a
 * sidecar index (`seg-….idx`) when it closes, made from the index the store builds as it writes
 * each batch (so the segment is not read back), and retention deletes it with its segment.
 */
import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { DecisionLogEntry__Output } from '../../generated/switchyard/v1/DecisionLogEntry.js';
import type { DecisionView__Output } from '../../generated/switchyard/v1/DecisionView.js';
import type { ListDecisionsRequest__Output } from '../../generated/switchyard/v1/ListDecisionsRequest.js';
import type { ListDecisionsResponse } from '../../generated/switchyard/v1/ListDecisionsResponse.js';
import type { DecisionLogConfig } from '../../shared/config/schema.js';
import { getIndexed, listIndexed } from './indexed-reads.js';
import { LogIndex } from './log-index.js';
import { decodeEntry } from './record-codec.js';
import type { DecisionStore, StoredEntry } from './record-store.js';
import { sidecarName } from './segment-index-file.js';
import { SegmentIndex, indexWritten } from './segment-index.js';

const HEADER = 8;
const SEGMENT = /^seg-(\d{13})-\d+-\d+\.log$/;

export interface FileRecordStoreOptions extends Omit<DecisionLogConfig['file'], 'dir'> {
  dir: string;
  now?: () => number;
  onError?: (message: string) => void;
}

export function frame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  out.set(payload, HEADER);
  return out;
}

/**
 * A batch's frames in one buffer, `into` when it is large enough (one copy of each payload):
 * batches are written one at a time, so the store reuses one buffer for them all rather than
 * allocating hundreds of kB of memory outside the heap per batch.
 */
function frameAll(entries: readonly StoredEntry[], into: Buffer): Buffer {
  let size = 0;
  for (const e of entries) size += HEADER + e.bytes.length;
  const out = size <= into.length ? into.subarray(0, size) : Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const e of entries) {
    out.writeUInt32LE(e.bytes.length, at);
    out.writeUInt32LE(crc32(e.bytes), at + 4);
    out.set(e.bytes, at + HEADER);
    at += HEADER + e.bytes.length;
  }
  return out;
}

/** The payloads of a segment's whole, intact frames, in order. */
export function* frames(buf: Buffer): Generator<Buffer> {
  let at = 0;
  while (at + HEADER <= buf.length) {
    const len = buf.readUInt32LE(at);
    const end = at + HEADER + len;
    if (end > buf.length) return;
    const payload = buf.subarray(at + HEADER, end);
    if (crc32(payload) !== buf.readUInt32LE(at + 4)) return;
    yield payload;
    at = end;
  }
}

export class FileRecordStore implements DecisionStore {
  readonly kind = 'file';
  /** The segment being written, and its index as written so far (its sidecar when it closes). */
  private current: { fh: FileHandle; name: string; bytes: number; opened: number; synced: boolean; index: SegmentIndex } | undefined;
  private lastSync = -Infinity;
  private syncTimer: NodeJS.Timeout | undefined;
  private count = 0;
  private readonly now: () => number;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly index: LogIndex;
  /** The sidecar of the segment closed last (the index writes them one at a time). */
  private sealing: Promise<void> = Promise.resolve();
  /** Where batches are framed; it grows to the largest batch. */
  private framed: Buffer = Buffer.alloc(0);

  constructor(private readonly o: FileRecordStoreOptions) {
    this.now = o.now ?? Date.now;
    mkdirSync(o.dir, { recursive: true });
    this.index = new LogIndex({ dir: o.dir, openSegment: () => this.current?.name, onError: o.onError });
  }

  /** Segment files, oldest first. */
  async segments(): Promise<string[]> {
    const names = (await readdir(this.o.dir)).filter((n) => SEGMENT.test(n));
    return names.sort();
  }

  append(entries: readonly StoredEntry[]): Promise<StoredEntry[]> {
    // One batch at a time: frames of two batches never interleave.
    const run = this.chain.then(() => this.write(entries));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async write(entries: readonly StoredEntry[]): Promise<StoredEntry[]> {
    if (entries.length === 0) return [];
    try {
      await this.rotateIfDue();
      const cur = this.current ?? (await this.openSegment());
      const buf = frameAll(entries, this.framed);
      if (buf.buffer !== this.framed.buffer) this.framed = buf;
      await cur.fh.write(buf);
      // Indexed as written: closing the segment then writes its sidecar without reading the
      // segment back, and records the writer took their fields for are not parsed at all.
      indexWritten(cur.index, entries, cur.bytes);
      cur.bytes += buf.length;
      cur.synced = false;
      if (this.o.fsync) await this.syncIfDue(cur);
      return [];
    } catch (e) {
      this.o.onError?.(`decision log: cannot write to ${this.o.dir}: ${(e as Error).message}`);
      await this.closeSegment().catch(() => undefined);
      return [...entries];
    }
  }

  /** Syncs now when the last sync is `fsync_interval_ms` old, else makes sure one is scheduled. */
  private async syncIfDue(cur: NonNullable<FileRecordStore['current']>): Promise<void> {
    const wait = this.lastSync + this.o.fsync_interval_ms - this.now();
    if (wait <= 0) return this.sync(cur);
    this.syncTimer ??= setTimeout(() => {
      this.syncTimer = undefined;
      // Through the chain: never beside a write, a rotation or a close.
      this.chain = this.chain.then(() => this.current && this.sync(this.current)).catch((e) => this.o.onError?.(`decision log: cannot sync ${this.o.dir}: ${(e as Error).message}`));
    }, wait).unref();
  }

  private async sync(cur: NonNullable<FileRecordStore['current']>): Promise<void> {
    if (cur.synced) return;
    cur.synced = true;
    this.lastSync = this.now();
    await cur.fh.datasync();
  }

  private async openSegment(): Promise<NonNullable<FileRecordStore['current']>> {
    const t = this.now();
    const name = `seg-${String(t).padStart(13, '0')}-${process.pid}-${this.count++}.log`;
    const fh = await open(join(this.o.dir, name), 'a');
    this.current = { fh, name, bytes: 0, opened: t, synced: true, index: new SegmentIndex(name) };
    return this.current;
  }

  private async closeSegment(): Promise<void> {
    const cur = this.current;
    this.current = undefined;
    if (!cur) return;
    try {
      if (this.o.fsync) await this.sync(cur);
    } finally {
      await cur.fh.close();
      // Off the write chain: the next batch does not wait for the sidecar.
      this.sealing = this.index.seal(cur.name, cur.index).catch((e) => this.o.onError?.(`decision log: cannot index ${cur.name}: ${(e as Error).message}`));
    }
  }

  private async rotateIfDue(): Promise<void> {
    const cur = this.current;
    if (cur && cur.bytes < this.o.segment_bytes && this.now() - cur.opened < this.o.segment_ms) return;
    if (cur) await this.closeSegment();
    await this.applyRetention();
  }

  /** Deletes the oldest segments over the size limit or past the age limit (never the open one). */
  async applyRetention(): Promise<void> {
    const names = (await this.segments()).filter((n) => n !== this.current?.name);
    const sizes = await Promise.all(names.map(async (n) => (await stat(join(this.o.dir, n)).catch(() => undefined))?.size ?? 0));
    let total = sizes.reduce((a, b) => a + b, 0) + (this.current?.bytes ?? 0);
    const cutoff = this.now() - this.o.max_age_ms;
    for (let i = 0; i < names.length; i++) {
      // A segment's newest record is at most segment_ms younger than its start.
      const started = Number(SEGMENT.exec(names[i]!)![1]);
      if (total <= this.o.max_bytes && started + this.o.segment_ms >= cutoff) break;
      await unlink(join(this.o.dir, names[i]!)).catch(() => undefined);
      await unlink(join(this.o.dir, sidecarName(names[i]!))).catch(() => undefined);
      total -= sizes[i]!;
    }
  }

  async *scan(): AsyncIterable<DecisionLogEntry__Output> {
    await this.chain;
    for (const name of await this.segments()) {
      const buf = await readFile(join(this.o.dir, name)).catch(() => undefined);
      if (!buf) continue;
      for (const payload of frames(buf)) {
        const entry = decodeEntry(payload);
        if (entry) yield entry;
      }
    }
  }

  /** One decision's view, read through the index (after the batches already handed over are written). */
  async view(id: string): Promise<DecisionView__Output | undefined> {
    await this.chain;
    return getIndexed(this.o.dir, this.index, id);
  }

  async list(req: ListDecisionsRequest__Output): Promise<ListDecisionsResponse> {
    await this.chain;
    return listIndexed(this.o.dir, this.index, req);
  }

  async close(): Promise<void> {
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    await this.chain;
    await this.closeSegment();
    await this.sealing;
  }
}
