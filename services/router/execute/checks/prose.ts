/**
 * Small text helpers for the phrase heuristics (refusal, hedging). Every transformation keeps
 * the text's length, so an offset in the prepared text is an offset in the answer.
 */

/** A slice of the text: [start, end). */
export interface Span {
  start: number;
  end: number;
}

const FENCED_CODE = /(^|\n) {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:\n {0,3}\2[`~]*[ \t]*(?=\n|$)|$)/g;
const INLINE_CODE = /`[^`\n]+`/g;
const QUOTED = /"[^"\n]{1,400}"|“[^”\n]{1,400}”|«[^»\n]{1,400}»/g;
const BLOCK_QUOTE = /^ {0,3}>[^\n]*/gm;

/** Keeps the words of a slice countable but makes its phrases unmatchable. */
function blank(s: string): string {
  return s.replace(/[^\s]/g, 'x');
}

/**
 * Folds typographic apostrophes to `'` and blanks out what the model quotes
 * rather than says: fenced and inline code, "double-quoted" text and > block quotes. A helpful
 * answer that shows the sentence "I can't attend the meeting" in quotes is not refusing.
 */
export function prepareProse(text: string): string {
  return text
    .replace(FENCED_CODE, blank)
    .replace(INLINE_CODE, blank)
    .replace(BLOCK_QUOTE, blank)
    .replace(QUOTED, blank)
    .replace(/[‘’ʼ]/g, "'");
}

/** Splits the text at the matches of `separator` (a global regex); drops blank pieces. */
export function splitSpans(text: string, separator: RegExp): Span[] {
  const spans: Span[] = [];
  let start = 0;
  for (const m of text.matchAll(separator)) {
    spans.push({ start, end: m.index });
    start = m.index + m[0].length;
  }
  spans.push({ start, end: text.length });
  return spans.filter((s) => /[\p{L}\p{N}]/u.test(text.slice(s.start, s.end)));
}

/** Sentence ends and line breaks. */
export const SENTENCE_END = /(?<=[.!?…])\s+|\s*\n+\s*/g;

/** Sentences, and clauses that a contrast opens ("..., but", "; however"). */
export const CLAUSE_END = /(?<=[.!?…])\s+|\s*\n+\s*|\s*;\s*|,\s*(?=(?:but|however|though|although|yet)\b)/gi;

export function countWords(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}

export function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Every match of each named pattern (compiled with the g and i flags). */
export function findPhrases(text: string, phrases: readonly { label: string; re: RegExp }[]): (Span & { label: string })[] {
  const found: (Span & { label: string })[] = [];
  for (const { label, re } of phrases) {
    for (const m of text.matchAll(re)) found.push({ label, start: m.index, end: m.index + m[0].length });
  }
  return found;
}
