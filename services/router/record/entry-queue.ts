/**
 * The decision log's queue: entries waiting for the store, kept in a compact form until a
 * flush takes them. An entry's bytes are copied into a page (a 256 kB buffer, reused once the
 * store has written every entry of it) and its key, kind and index fields into the page's
 * arrays; the StoredEntry objects the store is handed are made when a batch is taken.
 *
 * Why: a queued record lives until the next flush (up to `flush_interval_ms`), long enough for
 * the young generation to be collected meanwhile. Kept as objects (an entry, a view of its bytes,
 * its index fields) every queued record was copied by those collections and then promoted to
 * the old generation, and the encoder's 64 kB chunks lived as long: that garbage cost a record
 * more CPU than encoding it. Kept here, a queued record is bytes in a reused buffer and a few
 * references to strings the decision already had.
 *
 * Bytes handed to the store are views of a page: valid until the store's `append` resolves
 * (record-store.ts), after which `done` lets the page be written again. Entries the store
 * refused are copied out of their page (`retry`) and taken first by the next batch.
 */
import type { RecordFields } from './entry-index-fields.js';
import type { StoredEntry } from './record-store.js';

/** Bytes per page: about 160 records of 1.6 kB, several flushes' worth at a few thousand calls a second spread over a few pages. */
const PAGE_BYTES = 256 * 1024;
/** Pages kept for reuse beyond the one being filled. */
const SPARE_PAGES = 8;
/** RecordFields' strings per entry (id, model, answered, policy, tenant, userTier, task, session, segment, extra); the time is kept apart. */
const FIELDS = 10;

class Page {
  used = 0;
  /** Entries pushed, entries taken, and entries taken whose write has ended. */
  count = 0;
  taken = 0;
  settled = 0;
  readonly ends: number[] = [];
  readonly keys: string[] = [];
  readonly abouts: string[] = [];
  readonly kinds: StoredEntry['kind'][] = [];
  /** FIELDS strings per entry; an entry without index fields has `undefined` as its id. */
  readonly fields: (string | undefined)[] = [];
  /** Each entry's time (a number kept in an array of strings would be an object of its own). */
  times = new Float64Array(256);

  constructor(readonly buf: Buffer) {}

  clear(): void {
    this.used = this.count = this.taken = this.settled = 0;
    this.ends.length = this.keys.length = this.abouts.length = this.kinds.length = this.fields.length = 0;
  }
}

/** What one batch took from which pages (for `done`). */
export interface TakenBatch {
  readonly entries: StoredEntry[];
  /** Pages the batch's entries lie in, each with how many. */
  readonly from: readonly [Page, number][];
}

export class EntryQueue {
  /** Pages with entries not yet taken or not yet written, oldest first; the last is being filled. */
  private pages: Page[] = [];
  private readonly spare: Page[] = [];
  /** Entries the store refused, copied out of their pages: taken before any page's. */
  private retried: StoredEntry[] = [];
  private waiting = 0;

  /** Entries waiting to be taken. */
  get length(): number {
    return this.waiting;
  }

  push(key: string, about: string, kind: StoredEntry['kind'], bytes: Uint8Array, fields?: RecordFields): void {
    const page = this.room(bytes.length);
    const at = page.used;
    page.buf.set(bytes, at);
    page.used = at + bytes.length;
    page.ends.push(page.used);
    page.keys.push(key);
    page.abouts.push(about);
    page.kinds.push(kind);
    const f = page.fields;
    // Named one by one (a loop over the names made each a lookup by a computed key).
    if (fields) f.push(fields.id, fields.model, fields.answered, fields.policy, fields.tenant, fields.userTier, fields.task, fields.session, fields.segment, fields.extra);
    else for (let i = 0; i < FIELDS; i++) f.push(undefined);
    if (page.count === page.times.length) {
      const times = new Float64Array(2 * page.count);
      times.set(page.times);
      page.times = times;
    }
    page.times[page.count] = fields ? fields.timeUnixMs : 0;
    page.count++;
    this.waiting++;
  }

  /** The page to put `n` more bytes in: the last, a spare one or a new one. */
  private room(n: number): Page {
    const last = this.pages[this.pages.length - 1];
    if (last && last.used + n <= last.buf.length) return last;
    const page = n <= PAGE_BYTES ? (this.spare.pop() ?? new Page(Buffer.allocUnsafeSlow(PAGE_BYTES))) : new Page(Buffer.allocUnsafeSlow(n));
    this.pages.push(page);
    return page;
  }

  /** Up to `n` entries, oldest first (refused ones before the rest), as StoredEntry objects. */
  take(n: number): TakenBatch {
    const entries: StoredEntry[] = [];
    const from: [Page, number][] = [];
    while (entries.length < n && this.retried.length > 0) entries.push(this.retried.shift()!);
    for (const page of this.pages) {
      if (entries.length >= n) break;
      const start = page.taken;
      while (entries.length < n && page.taken < page.count) entries.push(entryAt(page, page.taken++));
      if (page.taken > start) from.push([page, page.taken - start]);
    }
    this.waiting -= entries.length;
    return { entries, from };
  }

  /** Entries of a batch the store refused: kept (their bytes copied) and taken first next time. */
  retry(failed: readonly StoredEntry[]): void {
    const copies = failed.map((e) => ({ ...e, bytes: Uint8Array.prototype.slice.call(e.bytes) }));
    this.retried = [...copies, ...this.retried];
    this.waiting += copies.length;
  }

  /** The batch's write has ended (after `retry` of what it refused): pages all written are reused. */
  done(batch: TakenBatch): void {
    for (const [page, k] of batch.from) page.settled += k;
    // Pages are let go oldest first, never the one being filled.
    while (this.pages.length > 1 && this.pages[0]!.settled === this.pages[0]!.count) {
      const page = this.pages.shift()!;
      page.clear();
      if (page.buf.length === PAGE_BYTES && this.spare.length < SPARE_PAGES) this.spare.push(page);
    }
    const only = this.pages[0];
    if (this.pages.length === 1 && only!.settled === only!.count) only!.clear();
  }
}

function entryAt(page: Page, i: number): StoredEntry {
  const start = i === 0 ? 0 : page.ends[i - 1]!;
  const entry: StoredEntry = { key: page.keys[i]!, about: page.abouts[i]!, kind: page.kinds[i]!, bytes: page.buf.subarray(start, page.ends[i]!) };
  const f = page.fields;
  const o = i * FIELDS;
  if (f[o] !== undefined) {
    entry.fields = {
      kind: 'record',
      id: f[o]!,
      timeUnixMs: page.times[i]!,
      model: f[o + 1]!,
      answered: f[o + 2]!,
      policy: f[o + 3]!,
      tenant: f[o + 4]!,
      userTier: f[o + 5]!,
      task: f[o + 6]!,
      session: f[o + 7]!,
      segment: f[o + 8]!,
      extra: f[o + 9]!,
    };
  }
  return entry;
}
