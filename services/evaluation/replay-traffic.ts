/**
 * Replayed traffic: requests drawn from a routing data set, segment by segment with stated
 * shares, so a test or a benchmark can send the router a realistic stream and shift it ("traffic
 * moves toward segment Z from now on"). Draws come from a seeded generator, so a run repeats.
 */
import type { RoutingPrompt } from '../shared/routing-data.js';
import { Prng } from '../train/prng.js';

export class ReplayTraffic {
  private readonly bySegment = new Map<string, RoutingPrompt[]>();
  private shares: Array<[string, number]>;
  private readonly rng: Prng;

  constructor(prompts: readonly RoutingPrompt[], seed = 1) {
    for (const p of prompts) {
      const list = this.bySegment.get(p.segment) ?? [];
      list.push(p);
      this.bySegment.set(p.segment, list);
    }
    if (this.bySegment.size === 0) throw new RangeError('replay traffic: the data set has no prompts');
    // Until told otherwise, segments come in the proportions of the data set.
    this.shares = [...this.bySegment].map(([s, list]) => [s, list.length / prompts.length]);
    this.rng = new Prng(seed);
  }

  get segments(): string[] {
    return [...this.bySegment.keys()];
  }

  /** From now on, `share` of the traffic comes from `segment`; the others keep their relative shares. */
  shiftToward(segment: string, share: number): void {
    if (!this.bySegment.has(segment)) throw new RangeError(`replay traffic: unknown segment "${segment}" (known: ${this.segments.join(', ')})`);
    if (!(share >= 0 && share <= 1)) throw new RangeError(`replay traffic: share must be in [0, 1], got ${share}`);
    const rest = this.shares.filter(([s]) => s !== segment).reduce((a, [, p]) => a + p, 0);
    this.shares = this.shares.map(([s, p]) => [s, s === segment ? share : rest > 0 ? (p / rest) * (1 - share) : 0]);
  }

  /** The next request's prompt. */
  next(): RoutingPrompt {
    let u = this.rng.next();
    let segment = this.shares.at(-1)![0];
    for (const [s, p] of this.shares) {
      u -= p;
      if (u < 0) {
        segment = s;
        break;
      }
    }
    const list = this.bySegment.get(segment)!;
    return list[this.rng.int(list.length)]!;
  }
}
