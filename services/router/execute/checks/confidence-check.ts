/**
 * Confidence: the cheap model rates its own answer.
 *  - prepare: adds a system message (after the leading system messages, so the client's own
 *    system text is untouched) asking the model to end with a line `Confidence: N/10`;
 *  - run: reads the rating from the raw answer: the last line, among the last three non-empty
 *    lines, of the form `Confidence: N/10` (also `N out of 10`, `N%` read as N/10, a bare `N`
 *    up to 10, markdown emphasis, "confidence level/score/rating"). Fails when there is no such
 *    line, when N is out of 0..10, or when N is below `min`. An answer of tool calls and no text
 *    passes (the rating comes with the final answer);
 *  - clean: removes that line (and a `---` rule left just above it).
 * A strict json_schema response format leaves the model no room for the line: do not combine
 * the two.
 */
import type { ChatMessage } from '../../../shared/contracts/provider.js';
import type { Answer, Check, CheckContext, CheckInput, Verdict } from './check.js';
import { describeCheckSpec } from '../../../shared/config/check-spec.js';

export const CONFIDENCE_INSTRUCTION =
  'After your answer, add one final line of the form "Confidence: N/10", where N is a whole number from 1 to 10 ' +
  'rating how confident you are that your answer is correct and complete (10 = certain). Write nothing after that line.';

const RATING_LINE = /^\s*(?:[>#-]\s*)*confidence(?:\s+(?:level|score|rating))?\s*[:=-]?\s*(\d{1,3}(?:\.\d+)?)\s*(%|\/\s*10|out of 10)?\s*\.?\s*$/i;

export interface Rating {
  /** The rating out of 10, or NaN when the line's number is out of range. */
  value: number;
  /** The rating line's slice of the text (with the line break before it). */
  start: number;
  end: number;
}

/** The self-rating at the end of `text`, if there is one. */
export function findRating(text: string): Rating | undefined {
  const lines = [...text.matchAll(/[^\n]*/g)].filter((m) => m[0].trim() !== '').slice(-3).reverse();
  for (const line of lines) {
    const m = RATING_LINE.exec(line[0].replace(/[*_`]/g, ''));
    if (!m) continue;
    const n = Number(m[1]) / (m[2] === '%' ? 10 : 1);
    const start = line.index > 0 ? line.index - 1 : 0;
    return { value: n >= 0 && n <= 10 ? n : Number.NaN, start, end: line.index + line[0].length };
  }
  return undefined;
}

export class ConfidenceCheck implements Check {
  readonly name: string;
  readonly kind = 'deterministic';
  private readonly min: number;

  constructor(options: { min: number }) {
    this.min = options.min;
    this.name = describeCheckSpec({ confidence: options });
  }

  prepare(messages: ChatMessage[]): ChatMessage[] {
    let at = 0;
    while (messages[at]?.role === 'system') at++;
    const instruction: ChatMessage = { role: 'system', content: [{ type: 'text', text: CONFIDENCE_INSTRUCTION }] };
    return [...messages.slice(0, at), instruction, ...messages.slice(at)];
  }

  clean(answer: Answer): Answer {
    const rating = findRating(answer.text);
    if (!rating) return answer;
    const before = answer.text.slice(0, rating.start).replace(/\n\s*(?:-{3,}|\*{3,}|_{3,})\s*$/, '');
    return { ...answer, text: (before + answer.text.slice(rating.end)).trimEnd() };
  }

  async run({ answer, rawAnswer }: CheckInput, _ctx?: CheckContext): Promise<Verdict> {
    const verdict = (pass: boolean, detail: string): Verdict => ({ check: this.name, pass, detail });
    const raw = rawAnswer ?? answer;
    const rating = findRating(raw.text);
    if (!rating) {
      if (raw.toolCalls.length > 0 && raw.text.trim() === '') return verdict(true, 'tool calls; no self-rating expected');
      return verdict(false, 'the answer has no "Confidence: N/10" line');
    }
    if (Number.isNaN(rating.value)) return verdict(false, 'the self-rating is not a number from 0 to 10');
    if (rating.value < this.min) return verdict(false, `self-rated ${rating.value}/10, below the minimum ${this.min}`);
    return verdict(true, `self-rated ${rating.value}/10 (minimum ${this.min})`);
  }
}
