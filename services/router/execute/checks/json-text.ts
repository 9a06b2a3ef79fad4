/** Helpers for answers that should be JSON (json and truncated checks). */
import type { ResponseFormat } from '../../../shared/contracts/provider.js';

export function asksForJson(format: ResponseFormat): boolean {
  return format.type === 'json_object' || format.type === 'json_schema';
}

const FENCE = /^(`{3,}|~{3,})[ \t]*(?:json5?|jsonc)?[ \t]*\n([\s\S]*?)\n?[ \t]*\1[ \t]*$/i;

/**
 * The JSON text of an answer: the trimmed text, or the inside of a code fence that wraps the
 * whole answer (```json ... ```), which models add even when told not to.
 */
export function jsonText(text: string): { json: string; fenced: boolean } {
  const trimmed = text.trim();
  const m = FENCE.exec(trimmed);
  return m ? { json: (m[2] ?? '').trim(), fenced: true } : { json: trimmed, fenced: false };
}

/**
 * True when the JSON text stops before its structure closes: inside a string, or with an
 * object or array still open. Malformed but complete text (a mismatched bracket, a stray
 * word) is not "incomplete"; JSON.parse reports that.
 */
export function jsonIsIncomplete(json: string): boolean {
  const open: string[] = [];
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') open.push(c);
    else if (c === '}' || c === ']') {
      if (open.pop() !== (c === '}' ? '{' : '[')) return false;
    }
  }
  return inString || open.length > 0;
}
