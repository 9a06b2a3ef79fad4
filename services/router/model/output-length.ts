/**
 * Expected answer length per request, for the estimated cost and latency.
 *
 * By task family (core/task-family.ts): a greeting, a lookup or a label takes tens of tokens,
 * a rewrite or a translation about as many as it is given, a proof or a design many hundreds.
 * The lengths for the families the routing data holds come from its measured output tokens:
 * open-ended chat instructions (AlpacaEval) a median of 244 (quartiles 104-378), grade-school
 * math (GSM8K) 79, exam answers with reasoning (MMLU-Pro) 78; the rest are stated estimates.
 * `general` keeps the policy's expected_output_tokens. A JSON response format caps the length
 * at JSON_CAP; the request's max_output_tokens caps it in estimates.ts.
 */
import type { TaskRead } from '../core/task-family.js';

const BY_FAMILY: Readonly<Record<string, number>> = {
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
};
/** Rewriting and translation answer with about this many tokens per token they are given. */
const PER_INPUT_TOKEN: Readonly<Record<string, number>> = { rewriting: 1.2, translation: 1.3 };
const JSON_CAP = 200;

/** `messageTokens`: the last user message's estimated tokens; `policyDefault`: its expected_output_tokens. */
export function expectedOutputTokens(task: TaskRead, messageTokens: number, json: boolean, policyDefault: number): number {
  const per = PER_INPUT_TOKEN[task.family];
  const base = per !== undefined ? Math.ceil(10 + per * messageTokens) : (BY_FAMILY[task.family] ?? policyDefault);
  return json ? Math.min(base, JSON_CAP) : base;
}
