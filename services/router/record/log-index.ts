/**
 * The index of a decision-log directory: one SegmentIndex per segment file, kept up to date
 * with the files as they are when a read starts, and the joins across segments (feedback and
 * reported outcomes by the decision or episode they are about, wherever they landed: a later
 * segment, an earlier one, another process's).
 *
 * Where a segment's index comes from, cheapest first: memory, when the segment has the size it
 * had when last read (a segment that grew since, such as the one a process is writing, has only
 * its new frames read); its sidecar, when whole and made from a segment of this size; else the
 * segment itself, after which a sidecar is written if the segment is sealed (not the one this
 * process writes, and its writer has moved on to a later segment or is gone). A sidecar whose
 * segment is gone (retention) is deleted.
 */
import { readdir, open, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SegmentIndex, indexFrames, type AboutEntry, type EntryAt } from './segment-index.js';
import { readSidecar, sidecarName, writeSidecar } from './segment-index-file.js';

const SEGMENT = /^seg-(\d{13})-(\d+)-(\d+)\.log$/;
const SIDECAR = /^seg-\d{13}-\d+-\d+\.idx$/;

export interface LogIndexOptions {
  dir: string;
  /** The segment this process is writing now, if any. */
  openSegment: () => string | undefined;
  onError?: (message: string) => void;
}

/** The reported outcome that counts for a decision: the last one in the log's order. */
export interface OutcomeAt extends EntryAt {
  model: string;
}

const before = (a: EntryAt, b: EntryAt) => a.seg < b.seg || (a.seg === b.seg && a.off < b.off);

export class LogIndex {
  private readonly segs = new Map<string, SegmentIndex>();
  /** Sealed segments whose sidecar on disk is their index as held here (never read from again). */
  private readonly persisted = new Set<string>();
  /** Per segment, how many of its feedback and outcome entries the joins hold. */
  private readonly joined = new Map<string, { feedback: number; outcomes: number }>();
  private feedback = new Map<string, EntryAt[]>();
  private outcomes = new Map<string, OutcomeAt>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: LogIndexOptions) {}

  /** One refresh or seal at a time. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Every segment's index, up to date with the files, in the log's order (by name). */
  refresh(): Promise<SegmentIndex[]> {
    return this.serial(() => this.update());
  }

  /**
   * A segment this process closed: index what it has not yet, and write its sidecar. `written`
   * is the index its writer built as it wrote the frames: when it covers the whole file it is
   * the segment's index (the same frames in the same order as a read would find), and the
   * segment is not read again; else (a write that failed part way) the segment is read.
   */
  seal(name: string, written?: SegmentIndex): Promise<void> {
    return this.serial(async () => {
      const size = (await stat(join(this.o.dir, name)).catch(() => undefined))?.size;
      if (size === undefined) return;
      if (written?.name === name && written.indexedTo === size) {
        written.fileSize = size;
        this.segs.set(name, written);
      }
      const ix = await this.load(name, size, true);
      this.join(ix);
    });
  }

  feedbackAbout(target: string): readonly EntryAt[] {
    return this.feedback.get(target) ?? [];
  }

  outcomeOf(id: string): OutcomeAt | undefined {
    return this.outcomes.get(id);
  }

  /** Whether a reported outcome that counts names `model`. */
  anyOutcomeWith(model: string): boolean {
    for (const o of this.outcomes.values()) if (o.model === model) return true;
    return false;
  }

  private async update(): Promise<SegmentIndex[]> {
    const files = await readdir(this.o.dir);
    const names = files.filter((n) => SEGMENT.test(n)).sort();
    const present = new Set(names);
    let removed = false;
    for (const name of this.segs.keys()) {
      if (present.has(name)) continue;
      this.segs.delete(name);
      this.persisted.delete(name);
      removed = true;
    }
    for (const f of files) if (SIDECAR.test(f) && !present.has(f.replace(/\.idx$/, '.log'))) await unlink(join(this.o.dir, f)).catch(() => undefined);
    const out: SegmentIndex[] = [];
    for (const name of names) {
      const done = this.persisted.has(name) && this.segs.get(name);
      if (done) {
        out.push(done); // sealed: it never grows again
        continue;
      }
      const size = (await stat(join(this.o.dir, name)).catch(() => undefined))?.size;
      if (size === undefined) continue;
      const had = this.segs.get(name);
      const ix = await this.load(name, size, this.sealed(name, names));
      if (had && had !== ix) removed = true; // rebuilt: its old entries leave the joins
      out.push(ix);
    }
    if (removed) this.rejoin(out);
    else for (const ix of out) this.join(ix);
    return out;
  }

  /** Not this process's open segment, and its writer wrote a later segment or is not running. */
  private sealed(name: string, names: readonly string[]): boolean {
    if (name === this.o.openSegment()) return false;
    const pid = SEGMENT.exec(name)![2]!;
    if (names.some((n) => n > name && SEGMENT.exec(n)![2] === pid)) return true;
    try {
      process.kill(Number(pid), 0);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }

  private async load(name: string, size: number, sealed: boolean): Promise<SegmentIndex> {
    const sidecar = join(this.o.dir, sidecarName(name));
    const had = this.segs.get(name);
    let ix = had && had.fileSize <= size ? had : undefined;
    if (!ix) {
      ix = await readSidecar(sidecar, name, size);
      if (ix && sealed) this.persisted.add(name);
      else ix = new SegmentIndex(name);
      this.segs.set(name, ix);
    }
    if (ix.fileSize < size) {
      await this.readFrom(join(this.o.dir, name), ix, size);
      this.persisted.delete(name);
    }
    if (sealed && !this.persisted.has(name)) {
      // Its writer may have written the sidecar when it closed the segment.
      if (!(await readSidecar(sidecar, name, ix.fileSize))) {
        await writeSidecar(sidecar, ix).catch((e) => this.o.onError?.(`decision log: cannot write the index of ${name}: ${(e as Error).message}`));
      }
      this.persisted.add(name);
    }
    return ix;
  }

  /** Indexes the segment's bytes from `ix.indexedTo` to `size`. */
  private async readFrom(path: string, ix: SegmentIndex, size: number): Promise<void> {
    const fh = await open(path, 'r').catch(() => undefined);
    if (!fh) return;
    try {
      const from = ix.indexedTo;
      const buf = Buffer.allocUnsafe(size - from);
      const { bytesRead } = await fh.read(buf, 0, buf.length, from);
      indexFrames(ix, buf.subarray(0, bytesRead), from);
      ix.fileSize = from + bytesRead; // the size read: a segment that grew meanwhile is read on from there next time
    } finally {
      await fh.close();
    }
  }

  /** Adds the entries of `ix` the joins do not hold yet. */
  private join(ix: SegmentIndex): void {
    const j = this.joined.get(ix.name) ?? { feedback: 0, outcomes: 0 };
    for (let i = j.feedback; i < ix.feedback.length; i++) this.addFeedback(ix.name, ix.feedback[i]!);
    for (let i = j.outcomes; i < ix.outcomes.length; i++) this.addOutcome(ix.name, ix.outcomes[i]!);
    this.joined.set(ix.name, { feedback: ix.feedback.length, outcomes: ix.outcomes.length });
  }

  private rejoin(all: readonly SegmentIndex[]): void {
    this.feedback = new Map();
    this.outcomes = new Map();
    this.joined.clear();
    for (const ix of all) this.join(ix);
  }

  private addFeedback(seg: string, e: AboutEntry): void {
    const at = { seg, off: e.off, len: e.len };
    const list = this.feedback.get(e.about);
    if (list) list.push(at);
    else this.feedback.set(e.about, [at]);
  }

  private addOutcome(seg: string, e: AboutEntry): void {
    const at = { seg, off: e.off, len: e.len, model: e.model };
    const had = this.outcomes.get(e.about);
    if (!had || before(had, at)) this.outcomes.set(e.about, at);
  }
}
