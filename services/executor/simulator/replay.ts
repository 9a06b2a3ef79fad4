/**
 * Replay: the simulator answers prompts of a routing data set (DESIGN.md "Routing data", or an
 * exported decision log) with the outcome the set records for the model asked, so the whole loop
 * (route → execute → grade → feedback → retrain) runs on real outcomes without a provider key.
 *
 *  - A request whose last user message is a prompt of the set gets an answer that carries the
 *    recorded quality as a marker, `[replay-quality: 0.80]`, and the recorded output length.
 *    Simulated model ids map onto the set's models through `models` (an id absent there is
 *    looked up as it is); a model the set has no result for answers as the plain simulator does.
 *  - The judge model (`judge`, default "replay-judge") grades by reading the last marker in what
 *    it is asked to judge, and answers in the judge check's format, `Score: N/10`.
 *  - A pairwise judge prompt (pairwise-verdict.ts) is answered from the two answers' markers.
 *  - Faults: `degrade(model, segment, drop)` makes a model worse on a segment from now on (a
 *    graded quality q becomes q − drop; for right/wrong sets, right answers turn wrong with the
 *    probability that lowers the segment's mean by `drop`, chosen by a hash of the prompt id so
 *    reruns agree); `restore()` ends every fault.
 *  - `expected(model, prompt)`: the mean of what `answer` can grade under the faults in force,
 *    the drop applied as an expected value (a right answer of a degraded right/wrong model
 *    counts 1 − the probability it turns wrong), so measures built on it carry no draw's noise.
 */
import { createHash } from 'node:crypto';
import type { RoutingPrompt } from '../../shared/routing-data.js';

export interface ReplayOptions {
  prompts: readonly RoutingPrompt[];
  /** Simulated model id → the set's model id. */
  models?: Readonly<Record<string, string>>;
  /** The model id that grades answers (default "replay-judge"). */
  judge?: string;
}

export interface ReplayedAnswer {
  text: string;
  completionTokens: number;
  quality: number;
}

const MARKER = /\[replay-quality: ([01](?:\.\d+)?)\]/g;

/** The quality a replayed answer carries in its marker (the last one in `text`), or undefined without one. */
export function markedQuality(text: string): number | undefined {
  const last = [...text.matchAll(MARKER)].at(-1);
  return last === undefined ? undefined : Number(last[1]);
}

const key = (text: string): string => createHash('sha256').update(text.trim()).digest('hex');

export class ReplayPlayer {
  readonly judge: string;
  private readonly byPrompt = new Map<string, RoutingPrompt>();
  private readonly faults = new Map<string, number>();

  constructor(private readonly o: ReplayOptions) {
    this.judge = o.judge ?? 'replay-judge';
    for (const p of o.prompts) this.byPrompt.set(key(p.prompt), p);
  }

  /** From now on, `model` (a simulated id) is worse on `segment` by `drop` in mean quality. */
  degrade(model: string, segment: string, drop: number): void {
    if (!(drop > 0 && drop <= 1)) throw new RangeError(`replay: drop must be in (0, 1], got ${drop}`);
    this.faults.set(`${model}\u0000${segment}`, drop);
  }

  restore(): void {
    this.faults.clear();
  }

  /** The replayed answer of `model` to `prompt`, or undefined when the set has none. */
  answer(model: string, prompt: string): ReplayedAnswer | undefined {
    const entry = this.byPrompt.get(key(prompt));
    const source = this.o.models?.[model] ?? model;
    const outcome = entry?.outcomes[source];
    if (entry === undefined || outcome === undefined) return undefined;
    const quality = this.degraded(model, entry, source, outcome.quality);
    const text = `Replayed answer of ${model} to ${entry.id} (${entry.segment}). [replay-quality: ${quality.toFixed(3)}]`;
    return { text, completionTokens: Math.max(1, outcome.output_tokens), quality };
  }

  /** The expected graded quality of `model`'s answer to `prompt` under the faults in force, or undefined when the set has none. */
  expected(model: string, prompt: string): number | undefined {
    const entry = this.byPrompt.get(key(prompt));
    const source = this.o.models?.[model] ?? model;
    const outcome = entry?.outcomes[source];
    if (entry === undefined || outcome === undefined) return undefined;
    const drop = this.faults.get(`${model}\u0000${entry.segment}`);
    if (drop === undefined) return outcome.quality;
    if (outcome.quality !== 0 && outcome.quality !== 1) return Math.max(0, outcome.quality - drop);
    return outcome.quality * (1 - this.turnWrong(source, entry.segment, drop));
  }

  /** The judge's reply to a request whose text contains the answer to grade, or undefined without a marker. */
  grade(requestText: string): string | undefined {
    const marks = [...requestText.matchAll(MARKER)];
    const last = marks.at(-1);
    if (last === undefined) return undefined;
    const score = Math.round(Number(last[1]) * 10);
    return `The replayed outcome grades this answer ${score} of 10.\nScore: ${score}/10`;
  }

  private degraded(model: string, entry: RoutingPrompt, source: string, quality: number): number {
    const drop = this.faults.get(`${model}\u0000${entry.segment}`);
    if (drop === undefined) return quality;
    if (quality !== 0 && quality !== 1) return Math.max(0, quality - drop);
    if (quality === 0) return 0;
    // Right/wrong outcomes: turn right answers wrong with probability drop / (share right).
    const p = this.turnWrong(source, entry.segment, drop);
    const u = parseInt(createHash('sha256').update(`${model}\u0000${entry.id}`).digest('hex').slice(0, 8), 16) / 0x1_0000_0000;
    return u < p ? 0 : 1;
  }

  /** The probability a right answer of `source` on `segment` turns wrong under a drop. */
  private turnWrong(source: string, segment: string, drop: number): number {
    const right = this.shareRight(source, segment);
    return right > 0 ? Math.min(1, drop / right) : 0;
  }

  private readonly rightShares = new Map<string, number>();

  private shareRight(source: string, segment: string): number {
    const k = `${source}\u0000${segment}`;
    let share = this.rightShares.get(k);
    if (share === undefined) {
      let n = 0;
      let right = 0;
      for (const p of this.o.prompts) {
        const q = p.segment === segment ? p.outcomes[source]?.quality : undefined;
        if (q === undefined) continue;
        n++;
        right += q;
      }
      share = n > 0 ? right / n : 0;
      this.rightShares.set(k, share);
    }
    return share;
  }
}
