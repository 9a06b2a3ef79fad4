/**
 * Expected answer length per request, for the estimated cost and latency.
 *
 * By task family (core/task-family.ts): the mean output tokens fitted from the routing data's
 * measured answers (output-length-table.ts, written by services/train/fit-output-length.ts),
 * each family's stated estimate below counting as PRIOR_PROMPTS prompts of evidence, so a
 * family the data rarely holds keeps close to its estimate and a common one follows the data.
 * Rewriting and translation answer with about as many tokens as they are given (the data
 * agrees: AlpacaEval's rewrites average 66 tokens for about 47 given). `general` keeps the
 * policy's expected_output_tokens. A JSON response format caps the length at JSON_CAP; the
 * request's max_output_tokens caps it in estimates.ts.
 */
import type { TaskRead } from '../core/task-family.js';
import { FITTED_OUTPUT_TOKENS } from './output-length-table.js';

/**
 * Stated estimates, the prior of the fit: a greeting, a lookup or a label takes tens of
 * tokens, a proof or a design many hundreds.
 */
export const STATED_OUTPUT_TOKENS: Readonly<Record<string, number>> = {
  'chit-chat': 60,
  lookup: 40,
  extraction: 50,
  classification: 10,
  summary: 80,
  arithmetic: 40,
  short: 120,
  proof: 800,
  math: 500,
  code: 900,
  design: 1200,
  expert: 700,
  'multiple-choice': 80, // a short chain of reasoning ending in the letter
};
/** How many prompts of evidence a stated estimate counts as in the fit. */
export const PRIOR_PROMPTS = 10;
/** Rewriting and translation answer with about this many tokens per token they are given. */
const PER_INPUT_TOKEN: Readonly<Record<string, number>> = { rewriting: 1.2, translation: 1.3 };
const JSON_CAP = 200;

/** `messageTokens`: the last user message's estimated tokens; `policyDefault`: its expected_output_tokens. */
export function expectedOutputTokens(task: TaskRead, messageTokens: number, json: boolean, policyDefault: number): number {
  const per = PER_INPUT_TOKEN[task.family];
  const base =
    per !== undefined ? Math.ceil(10 + per * messageTokens) : (FITTED_OUTPUT_TOKENS[task.family] ?? STATED_OUTPUT_TOKENS[task.family] ?? policyDefault);
  return json ? Math.min(base, JSON_CAP) : base;
}
