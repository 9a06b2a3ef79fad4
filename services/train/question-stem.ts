/**
 * The stem of a routing-data prompt, for deduplication across data sets: RouteLLM's MMLU and
 * MMLU-Pro share about 6,900 questions with different answer options (4 against 10), so the
 * stem is the text before the first option line ("\nA. ", "\nA) "), lowercased, with runs of
 * anything but letters and digits collapsed to one space, cut at STEM_CHARS characters.
 */
const STEM_CHARS = 160;

export function questionStem(prompt: string): string {
  const option = prompt.search(/\n\s*\(?A[.)]\s/);
  const head = option >= 0 ? prompt.slice(0, option) : prompt;
  return head.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim().slice(0, STEM_CHARS);
}

/** The prompts of `extra` whose stem is not among `held`'s (those could leak a held-out question into training). */
export function withoutSharedStems<T extends { prompt: string }>(extra: readonly T[], held: readonly { prompt: string }[]): T[] {
  const stems = new Set(held.map((p) => questionStem(p.prompt)));
  return extra.filter((p) => !stems.has(questionStem(p.prompt)));
}
