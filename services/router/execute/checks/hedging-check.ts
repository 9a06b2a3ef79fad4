/**
 * Hedging: the model does not commit to an answer. The rule (tool calls pass: the model is
 * acting):
 *
 *  1. Quoted text is set aside (code, "double quotes", > block quotes: see prose.ts) and the
 *     text is cut into sentences (at . ! ? … followed by space, and at line breaks).
 *  2. A sentence is hedged when it holds a hedge phrase (HEDGES: "I'm not sure", "I don't
 *     know", "it's unclear", "I cannot be certain", "hard to say", "I might be wrong"...), or
 *     "it depends" with no answer after it: no colon later in its sentence, and no condition
 *     (if, when, unless, otherwise, in case, for example) or list item in the sentences after.
 *  3. The answer fails when at least 40% of its sentences are hedged. One hedge in a complete
 *     five-sentence answer passes; "I'm not sure, but it might be 1912." fails.
 */
import type { Check, CheckContext, CheckInput, Verdict } from './check.js';
import { findPhrases, prepareProse, SENTENCE_END, splitSpans, overlaps } from './prose.js';

/** Hedge phrases, each named by a canonical form (the name goes into the detail). */
export const HEDGES: readonly { label: string; re: RegExp }[] = [
  { label: "I'm not sure", re: /\bi(?:'m| am) (?:not (?:entirely |completely |really |totally |100% )?(?:sure|certain|confident)|unsure|uncertain)\b/gi },
  { label: "I don't know", re: /\bi (?:don't|do not) (?:really )?know\b/gi },
  { label: "I don't have enough information", re: /\bi (?:don't|do not) have (?:enough |sufficient |reliable )?(?:information|data)\b/gi },
  { label: 'I cannot be certain', re: /\bi (?:can't|cannot|can not) (?:be (?:sure|certain)|say for (?:sure|certain)|know for (?:sure|certain))\b/gi },
  { label: "it's unclear", re: /\bit(?:'s| is) (?:unclear|not clear|uncertain)\b/gi },
  { label: 'hard to say', re: /\b(?:hard|difficult|impossible) to (?:say|tell|know|determine)\b/gi },
  { label: "there's no way to know", re: /\bthere(?:'s| is) no way (?:to know|to tell|of knowing|of telling)\b/gi },
  { label: 'I might be wrong', re: /\bi (?:might|may|could) be (?:wrong|mistaken)\b/gi },
  { label: 'I have no idea', re: /\bi have no (?:idea|way of knowing)\b/gi },
];

const IT_DEPENDS = [{ label: 'it depends', re: /\bit (?:really |all |largely |entirely )?depends\b/gi }];
const GUIDANCE = /\b(?:if|when|whenever|unless|otherwise|in case|for example|for instance)\b|\be\.g\.|^\s*(?:[-*•]|\d+[.)])\s/im;

export const HEDGE_SHARE = 0.4;

export class HedgingCheck implements Check {
  readonly name = 'hedging';
  readonly kind = 'deterministic';

  async run({ answer }: CheckInput, _ctx?: CheckContext): Promise<Verdict> {
    const verdict = (pass: boolean, detail: string): Verdict => ({ check: this.name, pass, detail });
    if (answer.toolCalls.length > 0) return verdict(true, `${answer.toolCalls.length} tool call(s)`);
    const prose = prepareProse(answer.text);
    const sentences = splitSpans(prose, SENTENCE_END);
    const found = findPhrases(prose, HEDGES);
    for (const dep of findPhrases(prose, IT_DEPENDS)) {
      const sentence = sentences.find((s) => overlaps(s, dep));
      const end = sentence?.end ?? dep.end;
      if (!prose.slice(dep.end, end).includes(':') && !GUIDANCE.test(prose.slice(end))) found.push(dep);
    }
    const hedged = sentences.filter((s) => found.some((f) => overlaps(f, s))).length;
    if (hedged === 0) return verdict(true, `no hedge in ${sentences.length} sentence(s)`);
    const share = hedged / sentences.length;
    const labels = [...new Set(found.map((f) => f.label))].map((l) => `"${l}"`).join(', ');
    const summary = `${hedged} of ${sentences.length} sentence(s) hedge (${labels})`;
    if (share >= HEDGE_SHARE) return verdict(false, `${summary}: at least ${HEDGE_SHARE * 100}%`);
    return verdict(true, `${summary}: under ${HEDGE_SHARE * 100}%`);
  }
}
