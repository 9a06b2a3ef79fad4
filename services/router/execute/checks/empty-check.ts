/**
 * Empty: the answer says nothing. Fails when there are no tool calls and the text is empty or
 * only whitespace (zero-width spaces and the BOM count as whitespace).
 */
import type { Check, CheckContext, CheckInput, Verdict } from './check.js';

const BLANK = /^[\s\u200B-\u200D\u2060\uFEFF]*$/;

export class EmptyCheck implements Check {
  readonly name = 'empty';
  readonly kind = 'deterministic';

  async run({ answer }: CheckInput, _ctx?: CheckContext): Promise<Verdict> {
    const verdict = (pass: boolean, detail: string): Verdict => ({ check: this.name, pass, detail });
    if (answer.toolCalls.length > 0) return verdict(true, `${answer.toolCalls.length} tool call(s)`);
    if (answer.text.length === 0) return verdict(false, 'no text and no tool calls');
    if (BLANK.test(answer.text)) return verdict(false, `only whitespace (${answer.text.length} characters) and no tool calls`);
    return verdict(true, 'the answer has text');
  }
}
