/**
 * The index of one decision-log segment: a row per record (its id, time, the frame that holds
 * it, and the filterable fields as numbers into the segment's dictionary of strings), and the
 * feedback and reported outcomes the segment holds, by the decision (or episode) they are about.
 * Built from the segment's frames as they are read (`indexFrames`), or loaded from its sidecar
 * (segment-index-file.ts); rows only grow, as the segment does.
 *
 * The dictionary doubles as the segment's summary: a filter on a model, a policy or a label
 * value the dictionary lacks skips the segment without reading a row.
 */
import { crc32 } from 'node:zlib';
import { entryFields, type EntryFields, type RecordFields } from './entry-index-fields.js';
import type { StoredEntry } from './record-store.js';

/** The filterable columns of a row, in this order. */
export const ATTRS = ['model', 'answered', 'policy', 'tenant', 'userTier', 'task', 'session', 'segment', 'extra'] as const;
export type Attr = (typeof ATTRS)[number];
export const ATTR = Object.fromEntries(ATTRS.map((a, i) => [a, i])) as Record<Attr, number>;
const N_ATTRS = ATTRS.length;

/** Where an entry's payload sits: segment name, byte offset and length. */
export interface EntryAt {
  seg: string;
  off: number;
  len: number;
}

export interface AboutEntry {
  /** Feedback: the decision id or `episode:<id>`; an outcome: the decision id. */
  about: string;
  off: number;
  len: number;
  /** An outcome's model (feedback: ''). */
  model: string;
}

const HEADER = 8;

export class SegmentIndex {
  rows = 0;
  ids: string[] = [];
  time = new Float64Array(64);
  off = new Float64Array(64);
  len = new Uint32Array(64);
  attrs = new Uint32Array(64 * N_ATTRS);
  readonly dict: string[] = [];
  private readonly dictIndex = new Map<string, number>();
  readonly feedback: AboutEntry[] = [];
  readonly outcomes: AboutEntry[] = [];
  idMin = '';
  idMax = '';
  timeMin = Infinity;
  timeMax = -Infinity;
  /** Bytes of the segment read so far: the end of its last whole frame. */
  indexedTo = 0;
  /** The segment's size when it was read (a torn last frame lies between indexedTo and this). */
  fileSize = 0;
  private sorted: Uint32Array | undefined;
  /** Each column's last string and its number (addRecord). */
  private readonly lastString: (string | undefined)[] = new Array<string | undefined>(N_ATTRS).fill(undefined);
  private readonly lastCode = new Uint32Array(N_ATTRS);

  constructor(readonly name: string) {}

  /** A dictionary string's number (added when new). */
  code(s: string): number {
    let c = this.dictIndex.get(s);
    if (c === undefined) {
      c = this.dict.length;
      this.dict.push(s);
      this.dictIndex.set(s, c);
    }
    return c;
  }

  /** `code(s)` for column `a`, remembering the column's last string and number. */
  private codeOf(a: number, s: string): number {
    if (this.lastString[a] === s) return this.lastCode[a]!;
    const c = this.code(s);
    this.lastString[a] = s;
    this.lastCode[a] = c;
    return c;
  }

  /** The dictionary number of `s`, or -1 when no row of the segment holds it. */
  has(s: string): number {
    return this.dictIndex.get(s) ?? -1;
  }

  /** Puts a loaded dictionary in place (segment-index-file.ts). */
  loadDict(strings: readonly string[]): void {
    for (const s of strings) this.code(s);
  }

  private grow(n: number): void {
    if (n <= this.time.length) return;
    const cap = Math.max(n, this.time.length * 2);
    const f = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.time = f(this.time);
    this.off = f(this.off);
    const len = new Uint32Array(cap);
    len.set(this.len);
    this.len = len;
    const attrs = new Uint32Array(cap * N_ATTRS);
    attrs.set(this.attrs);
    this.attrs = attrs;
  }

  /** Reserves room for `n` rows (a loaded sidecar sets them directly). */
  reserve(n: number): void {
    this.grow(n);
  }

  addRecord(r: RecordFields, off: number, len: number): void {
    const i = this.rows++;
    this.grow(this.rows);
    this.ids.push(r.id);
    this.time[i] = r.timeUnixMs;
    this.off[i] = off;
    this.len[i] = len;
    const at = i * N_ATTRS;
    const attrs = this.attrs;
    // Named one by one, each against the row before's (a model, a policy, a tenant mostly
    // repeats): a loop of computed keys and a dictionary lookup per column cost a row more.
    attrs[at] = this.codeOf(0, r.model);
    attrs[at + 1] = this.codeOf(1, r.answered);
    attrs[at + 2] = this.codeOf(2, r.policy);
    attrs[at + 3] = this.codeOf(3, r.tenant);
    attrs[at + 4] = this.codeOf(4, r.userTier);
    attrs[at + 5] = this.codeOf(5, r.task);
    attrs[at + 6] = this.codeOf(6, r.session);
    attrs[at + 7] = this.codeOf(7, r.segment);
    attrs[at + 8] = this.codeOf(8, r.extra);
    this.noteRow(i);
  }

  /** Keeps the id and time ranges up to date with row `i`. */
  noteRow(i: number): void {
    const id = this.ids[i]!;
    if (this.rows === 1 || id < this.idMin) this.idMin = id;
    if (this.rows === 1 || id > this.idMax) this.idMax = id;
    const t = this.time[i]!;
    if (t < this.timeMin) this.timeMin = t;
    if (t > this.timeMax) this.timeMax = t;
    this.sorted = undefined;
  }

  attr(row: number, a: number): number {
    return this.attrs[row * N_ATTRS + a]!;
  }

  /** Row numbers in ascending id order. */
  byId(): Uint32Array {
    if (!this.sorted || this.sorted.length !== this.rows) {
      const ids = this.ids;
      const order = Array.from({ length: this.rows }, (_, i) => i);
      order.sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : a - b));
      this.sorted = Uint32Array.from(order);
    }
    return this.sorted;
  }

  /** The first row (in frame order) holding the decision `id`, or -1. */
  find(id: string): number {
    if (this.rows === 0 || id < this.idMin || id > this.idMax) return -1;
    const order = this.byId();
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ids[order[mid]!]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo < order.length && this.ids[order[lo]!] === id ? order[lo]! : -1;
  }
}

/**
 * Indexes the whole, intact frames of `buf` (the segment's bytes from `at`, which is a frame
 * boundary) into `index`, and moves `index.indexedTo` past them. Stops where the segment's
 * reader (file-record-store.ts `frames`) stops: at a short frame or a failed CRC.
 */
export function indexFrames(index: SegmentIndex, buf: Buffer, at: number): void {
  let p = 0;
  while (p + HEADER <= buf.length) {
    const len = buf.readUInt32LE(p);
    const stop = p + HEADER + len;
    if (stop > buf.length) break;
    const payload = buf.subarray(p + HEADER, stop);
    if (crc32(payload) !== buf.readUInt32LE(p + 4)) break;
    indexEntry(index, entryFields(payload), at + p + HEADER, len);
    p = stop;
  }
  index.indexedTo = at + p;
}

function indexEntry(index: SegmentIndex, f: EntryFields | undefined, off: number, len: number): void {
  if (f?.kind === 'record') index.addRecord(f, off, len);
  else if (f?.kind === 'feedback') index.feedback.push({ about: f.target, off, len, model: '' });
  else if (f?.kind === 'outcome') index.outcomes.push({ about: f.id, off, len, model: f.model });
}

/**
 * Indexes entries just written as frames from byte `at` of the segment, in order (the writer's
 * own index of its open segment): a record whose fields the writer knew (StoredEntry.fields) is
 * not read back from its bytes.
 */
export function indexWritten(index: SegmentIndex, entries: readonly StoredEntry[], at: number): void {
  let p = at;
  for (const e of entries) {
    const len = e.bytes.length;
    indexEntry(index, e.fields ?? entryFields(e.bytes), p + HEADER, len);
    p += HEADER + len;
  }
  index.indexedTo = p;
}
