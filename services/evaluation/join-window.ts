/**
 * What feedback on a recent decision joins: the last `size` decisions' model, segment,
 * predicted quality and time, by decision id, each for `ttlMs` after it was noted (on the
 * owner's clock). The oldest is let go when a new one comes and the window is full.
 *
 * The drift monitor notes every decision of a router that has a quality metric, so this is
 * laid out for that: one Map from id to a slot of a ring, and the slot's figures in typed
 * arrays, so a decision costs the heap its id and a Map entry, not an object with boxed numbers
 * and an LRU's links (which were promoted to the old generation and marked there, for every
 * decision, while the window held them).
 */
export interface Joined {
  model: string;
  segment: string;
  predicted: number;
  atMs: number;
}

export class JoinWindow {
  private readonly slotOf = new Map<string, number>();
  private readonly ids: (string | undefined)[];
  private readonly models: string[];
  private readonly segments: string[];
  private readonly predicted: Float64Array;
  private readonly atMs: Float64Array;
  /** When each slot was noted, on the owner's clock (what `ttlMs` counts from). */
  private readonly notedMs: Float64Array;
  /** The slot the next decision takes: the oldest, once the ring is full. */
  private next = 0;

  constructor(
    private readonly size: number,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {
    this.ids = new Array<string | undefined>(size).fill(undefined);
    this.models = new Array<string>(size).fill('');
    this.segments = new Array<string>(size).fill('');
    this.predicted = new Float64Array(size);
    this.atMs = new Float64Array(size);
    this.notedMs = new Float64Array(size);
  }

  /** Decisions held (stale ones count until `purgeStale`). */
  get count(): number {
    return this.slotOf.size;
  }

  set(id: string, model: string, segment: string, predicted: number, atMs: number): void {
    if (this.size <= 0) return;
    const s = this.next;
    this.next = (s + 1) % this.size;
    const old = this.ids[s];
    if (old !== undefined) this.slotOf.delete(old);
    this.ids[s] = id;
    this.models[s] = model;
    this.segments[s] = segment;
    this.predicted[s] = predicted;
    this.atMs[s] = atMs;
    this.notedMs[s] = this.now();
    // Two lookups a decision (a Map of this size misses the cache): a decision noted again, which
    // a decision log never does, is found by its count not growing and its older slot cleared.
    const held = this.slotOf.size;
    this.slotOf.set(id, s);
    if (this.slotOf.size === held && old !== id) this.clearOther(id, s);
  }

  /** Clears the slot other than `keep` that holds `id`. */
  private clearOther(id: string, keep: number): void {
    for (let k = 0; k < this.size; k++) if (k !== keep && this.ids[k] === id) this.ids[k] = undefined;
  }

  /** The decision's figures while it is within `ttlMs` of being noted; undefined otherwise. */
  get(id: string): Joined | undefined {
    const s = this.slotOf.get(id);
    if (s === undefined || this.stale(s)) return undefined;
    return { model: this.models[s]!, segment: this.segments[s]!, predicted: this.predicted[s]!, atMs: this.atMs[s]! };
  }

  delete(id: string): void {
    const s = this.slotOf.get(id);
    if (s === undefined) return;
    this.slotOf.delete(id);
    this.ids[s] = undefined;
  }

  /** Lets go of every decision past `ttlMs`. */
  purgeStale(): void {
    for (let k = 0; k < this.size; k++) {
      const s = (this.next + k) % this.size;
      const id = this.ids[s];
      if (id === undefined || !this.stale(s)) continue;
      this.slotOf.delete(id);
      this.ids[s] = undefined;
    }
  }

  private stale(s: number): boolean {
    return this.now() - this.notedMs[s]! > this.ttlMs;
  }
}
