/**
 * Truncated: the answer stops before it ends. Fails, in this order, when
 *  1. the finish reason is 'length' (the model hit the output token limit);
 *  2. a code fence (``` or ~~~, CommonMark rules: a closing fence uses the same character and
 *     is at least as long) is opened and never closed;
 *  3. JSON was asked (json_object or json_schema) and the JSON text stops inside a string or
 *     with an object or array still open;
 *  4. a tool call's arguments stop the same way.
 */
import type { Check, CheckContext, CheckInput, Verdict } from './check.js';
import { asksForJson, jsonIsIncomplete, jsonText } from './json-text.js';

const OPEN_FENCE = /^ {0,3}(`{3,}|~{3,})/;
const CLOSE_FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;

/** The 1-based line of a fence that is never closed, or 0. */
export function unclosedFenceLine(text: string): number {
  let open: { char: string; length: number; line: number } | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!open) {
      const m = OPEN_FENCE.exec(line);
      // A backtick fence's info string may not contain a backtick.
      if (m?.[1] && !(m[1][0] === '`' && line.slice(m.index + m[0].length).includes('`'))) {
        open = { char: m[1][0] ?? '`', length: m[1].length, line: i + 1 };
      }
    } else {
      const m = CLOSE_FENCE.exec(line);
      if (m?.[1] && m[1][0] === open.char && m[1].length >= open.length) open = undefined;
    }
  }
  return open?.line ?? 0;
}

export class TruncatedCheck implements Check {
  readonly name = 'truncated';
  readonly kind = 'deterministic';

  async run({ answer, responseFormat }: CheckInput, _ctx?: CheckContext): Promise<Verdict> {
    const fail = (detail: string): Verdict => ({ check: this.name, pass: false, detail });
    if (answer.finishReason === 'length') return fail('the model stopped at its output token limit (finish reason length)');
    const fence = unclosedFenceLine(answer.text);
    if (fence > 0) return fail(`the code fence opened on line ${fence} is never closed`);
    if (asksForJson(responseFormat) && jsonIsIncomplete(jsonText(answer.text).json)) {
      return fail('JSON was asked and the JSON text ends inside a string or with an object or array still open');
    }
    const call = answer.toolCalls.find((c) => jsonIsIncomplete(c.arguments));
    if (call) return fail(`the arguments of tool call "${call.name}" end before their JSON closes`);
    return { check: this.name, pass: true, detail: `finished with ${answer.finishReason}; fences and JSON closed` };
  }
}
