/**
 * The simulator's pairwise judge, for shadow evaluation (router/shadow/pairwise-judge.ts):
 * a request whose last user message holds an `<answer_a>` and an `<answer_b>` block gets one
 * line, `Verdict: A`, `Verdict: B` or `Verdict: tie`, whichever model is asked.
 *  - Replay: when both answers carry a replayed quality marker, the higher quality wins.
 *  - Otherwise (canned answers): the longer answer wins; equal lengths tie.
 * Both rules ignore the order the answers are shown in, so the two orders agree.
 */
import { markedQuality } from './replay.js';

const ANSWER_A = /<answer_a>\n([\s\S]*?)\n<\/answer_a>/;
const ANSWER_B = /<answer_b>\n([\s\S]*?)\n<\/answer_b>/;

/** The verdict line for a pairwise judge prompt, or undefined when `text` is not one. */
export function pairwiseVerdict(text: string): string | undefined {
  const a = ANSWER_A.exec(text)?.[1];
  const b = ANSWER_B.exec(text)?.[1];
  if (a === undefined || b === undefined) return undefined;
  const qa = markedQuality(a);
  const qb = markedQuality(b);
  const [x, y] = qa !== undefined && qb !== undefined ? [qa, qb] : [a.length, b.length];
  return `Verdict: ${x > y ? 'A' : y > x ? 'B' : 'tie'}`;
}
