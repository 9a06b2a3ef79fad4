/**
 * One decision's per-model figures, held in typed arrays by catalog index, and the ranking
 * over them. Decide scores every catalog model in one pass into these arrays; objects are made
 * only for the few models the answer names (the chosen one, its fallbacks, the top k
 * explained). The arrays belong to one Decider and are reused by each decision: Decide is
 * synchronous, so no two decisions share them at once.
 *
 * The ranking order: models within the policy's quality margin before the others, then higher
 * utility, then lower expected cost, then catalog order. It is a total order, so selecting the
 * first few gives exactly what sorting all of them would. Moves (a requested, sticky or pinned
 * model put first) stack in front of it, the last move first.
 */
import type { CatalogModel } from '../../shared/catalog.js';

/** Below this share of the eligible models, the first m are selected instead of sorting all. */
const SELECT_SHARE = 4;
/**
 * Up to this many models, the first m are selected by insertion even when that is all of them:
 * on a small catalog Array.prototype.sort, calling the comparison through the engine's sort,
 * cost more than the rest of the ranking.
 */
const INSERTION_MAX = 32;

/**
 * The catalog figures Decide reads of every model on every decision, by catalog index: read
 * from a few typed arrays, not from a thousand model objects spread over the heap.
 */
export class CatalogFigures {
  /** USD per token (CatalogModel's prices). */
  readonly inputPrice: Float64Array;
  readonly cachedInputPrice: Float64Array;
  readonly outputPrice: Float64Array;
  readonly ttftMs: Float64Array;
  readonly outputTokensPerSecond: Float64Array;
  readonly maxOutputTokens: Float64Array;
  readonly contextWindow: Float64Array;
  /** 1 when the model lists its languages (CatalogModel.languages is not null). */
  readonly listsLanguages: Uint8Array;

  constructor(models: readonly CatalogModel[]) {
    const figures = (f: (m: CatalogModel) => number) => Float64Array.from(models, f);
    this.inputPrice = figures((m) => m.inputPrice);
    this.cachedInputPrice = figures((m) => m.cachedInputPrice);
    this.outputPrice = figures((m) => m.outputPrice);
    this.ttftMs = figures((m) => m.ttftMs);
    this.outputTokensPerSecond = figures((m) => m.outputTokensPerSecond);
    this.maxOutputTokens = figures((m) => m.maxOutputTokens);
    this.contextWindow = figures((m) => m.contextWindow);
    this.listsLanguages = Uint8Array.from(models, (m) => (m.languages ? 1 : 0));
  }
}

export class ModelScores {
  readonly figures: CatalogFigures;
  readonly quality: Float64Array;
  readonly cost: Float64Array;
  readonly latency: Float64Array;
  readonly utility: Float64Array;
  /** 1 when the model ranks after the margin's models. */
  readonly below: Uint8Array;
  /** Why each model is excluded; null when it is eligible. */
  readonly excluded: (string | null)[];
  /** Catalog indices of the eligible models, in catalog order (the first `eligibleCount`). */
  readonly eligible: Int32Array;
  eligibleCount = 0;

  constructor(readonly models: readonly CatalogModel[]) {
    const n = models.length;
    this.figures = new CatalogFigures(models);
    this.quality = new Float64Array(n);
    this.cost = new Float64Array(n);
    this.latency = new Float64Array(n);
    this.utility = new Float64Array(n);
    this.below = new Uint8Array(n);
    this.excluded = new Array<string | null>(n).fill(null);
    this.eligible = new Int32Array(n);
  }

  /** True when `a` ranks before `b` in the ranking order (moves aside). */
  before(a: number, b: number): boolean {
    const ba = this.below[a]!;
    const bb = this.below[b]!;
    if (ba !== bb) return ba < bb;
    const ua = this.utility[a]!;
    const ub = this.utility[b]!;
    if (ua !== ub) return ua > ub;
    const ca = this.cost[a]!;
    const cb = this.cost[b]!;
    if (ca !== cb) return ca < cb;
    return a < b;
  }

  /** True when `a` shows before `b` among the explained rows of eligible models: higher utility, then catalog order. */
  scoresAbove(a: number, b: number): boolean {
    const ua = this.utility[a]!;
    const ub = this.utility[b]!;
    return ua !== ub ? ua > ub : a < b;
  }
}

/** The orders models are selected by: the ranking order (`before`), or the explained rows' (`scoresAbove`). */
export type Order = 'rank' | 'score';

/**
 * The first `m` eligible models of `s` in `order`, in that order. The order's comparison is
 * called directly, not through a function argument, so the engine inlines it: on a large
 * catalog these passes are a large part of Decide.
 */
export function selectFirst(s: ModelScores, m: number, order: Order): number[] {
  const pool = s.eligible;
  const count = s.eligibleCount;
  const byScore = order === 'score';
  if (m <= 0 || count === 0) return [];
  if (m * SELECT_SHARE >= count && count > INSERTION_MAX) {
    const all = copyOut(pool, count);
    const cmp = byScore
      ? (a: number, b: number) => (s.scoresAbove(a, b) ? -1 : s.scoresAbove(b, a) ? 1 : 0)
      : (a: number, b: number) => (s.before(a, b) ? -1 : s.before(b, a) ? 1 : 0);
    return all.sort(cmp).slice(0, m);
  }
  // The best m so far, in order; a model that beats the last is placed by binary search. A plain
  // array: a typed array's allocation, and Array.from over one (the iterator protocol), cost more
  // than the whole selection on a small catalog.
  const top: number[] = new Array<number>(Math.min(m, count)).fill(0);
  let n = 0;
  for (let i = 0; i < count; i++) {
    const x = pool[i]!;
    if (n === m && !(byScore ? s.scoresAbove(x, top[m - 1]!) : s.before(x, top[m - 1]!))) continue;
    let lo = 0;
    let hi = n === m ? m - 1 : n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byScore ? s.scoresAbove(x, top[mid]!) : s.before(x, top[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    for (let j = n === m ? m - 1 : n; j > lo; j--) top[j] = top[j - 1]!;
    top[lo] = x;
    if (n < m) n++;
  }
  top.length = n;
  return top;
}

/** The first `n` entries of `xs` as a plain array. */
function copyOut(xs: Int32Array, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = xs[i]!;
  return out;
}

/** The ranked eligible models, produced as far as they are read. */
export class RankedModels {
  /** Models moved to the front, the latest move first. */
  private readonly moved: number[] = [];
  /** The first `base.length` models of the ranking order (moves aside). */
  private base: number[] = [];

  constructor(private readonly s: ModelScores) {}

  get length(): number {
    return this.s.eligibleCount;
  }

  /** Puts eligible model `index` first. */
  moveToFront(index: number): void {
    const at = this.moved.indexOf(index);
    if (at >= 0) this.moved.splice(at, 1);
    this.moved.unshift(index);
  }

  /** The catalog index of the model at rank position `i` (0 = first); -1 past the end. */
  at(i: number): number {
    if (i >= this.length) return -1;
    if (i < this.moved.length) return this.moved[i]!;
    let skip = i - this.moved.length;
    for (let b = 0; ; b++) {
      if (b === this.base.length) this.extend(b + 1 + this.moved.length);
      const x = this.base[b]!;
      if (this.moved.includes(x)) continue;
      if (skip-- === 0) return x;
    }
  }

  /** The position of the first model after position 0 that satisfies `accept`; -1 if none. */
  findAfterFirst(accept: (index: number) => boolean): number {
    for (let i = 1; i < this.moved.length; i++) if (accept(this.moved[i]!)) return i;
    const first = this.at(0);
    // The part of the ranking made so far, in order: the answer is usually near the front.
    let position = this.moved.length;
    for (const x of this.base) {
      if (this.moved.includes(x)) continue;
      if (x !== first && accept(x)) return position;
      position++;
    }
    if (this.base.length === this.s.eligibleCount) return -1;
    // Among the unmoved, the first in the ranking order that `accept`s, found in one pass.
    const s = this.s;
    const anyMoved = this.moved.length > 0;
    let best = -1;
    for (let e = 0; e < s.eligibleCount; e++) {
      const x = s.eligible[e]!;
      if (x === first || (anyMoved && this.moved.includes(x)) || !accept(x)) continue;
      if (best < 0 || s.before(x, best)) best = x;
    }
    if (best < 0) return -1;
    let ahead = 0;
    for (let e = 0; e < s.eligibleCount; e++) {
      const x = s.eligible[e]!;
      if (!(anyMoved && this.moved.includes(x)) && s.before(x, best)) ahead++;
    }
    return this.moved.length + ahead;
  }

  /** Negative when eligible model `a` ranks before eligible model `b`, positive after, 0 when they are one. */
  compare(a: number, b: number): number {
    const ma = this.moved.indexOf(a);
    const mb = this.moved.indexOf(b);
    if (ma >= 0 || mb >= 0) return (ma < 0 ? Infinity : ma) - (mb < 0 ? Infinity : mb);
    return a === b ? 0 : this.s.before(a, b) ? -1 : 1;
  }

  /** Every ranked model, in order. */
  all(): number[] {
    this.extend(this.length);
    return [...this.moved, ...this.base.filter((x) => !this.moved.includes(x))];
  }

  private extend(needed: number): void {
    const s = this.s;
    this.base = selectFirst(s, Math.max(needed, this.base.length * 2, 8), 'rank');
  }
}
