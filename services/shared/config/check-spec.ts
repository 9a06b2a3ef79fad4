/**
 * One cascade check as the configuration names it (`policy.checks[i]`): a built-in name, or an
 * object with exactly one key that says which parameterised check it is. Strict like the rest
 * of the config: an unknown key, an unknown name or a pattern that does not compile is an error
 * that names the problem.
 *
 *   checks:
 *     - refusal
 *     - json
 *     - regex: { pattern: '^\d+$', must_match: true }
 *     - confidence: { min: 7 }
 *     - judge: { model: gpt-4.1-mini, min_score: 7, rubric: 'Correct and complete.' }
 */
import { z } from 'zod';

/** The checks that take no parameters. */
export const CHECK_NAMES = ['refusal', 'hedging', 'empty', 'truncated', 'json'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** Flags that keep `RegExp.test` stateless: g and y are refused (they make `test` move lastIndex). */
const REGEX_FLAGS = /^[imsuv]*$/;

const score = z.number().finite().min(1).max(10);

const regexSpec = z.strictObject({
  regex: z
    .strictObject({
      pattern: z.string().min(1),
      flags: z.string().regex(REGEX_FLAGS, 'must be made of i, m, s, u, v (g and y are not allowed)').optional(),
      /** true: the answer must match the pattern; false: it must not. */
      must_match: z.boolean().default(true),
    })
    .superRefine((v, ctx) => {
      try {
        new RegExp(v.pattern, v.flags);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: ['pattern'], message: `does not compile: ${(e as Error).message}` });
      }
    }),
});

const confidenceSpec = z.strictObject({
  /** The lowest self-rating (out of 10) that passes. */
  confidence: z.strictObject({ min: score }),
});

const judgeSpec = z.strictObject({
  judge: z.strictObject({
    /** The catalog id of the model that judges. */
    model: z.string().min(1),
    /** What a good answer is; a general rubric when omitted. */
    rubric: z.string().min(1).optional(),
    /** The lowest score (out of 10) that passes. */
    min_score: score,
  }),
});

const OBJECT_KEYS = ['regex', 'confidence', 'judge'] as const;
const EXPECTED = `a check name (${CHECK_NAMES.join(', ')}) or an object with one key: ${OBJECT_KEYS.join(', ')}`;

/**
 * The error for a spec that matches no branch. zod reports a bare "invalid input" for a union;
 * this picks the branch the spec was meant for (by its one key) and reports that branch's
 * problems, relative to the check.
 */
function unionError(issue: { code?: string; input?: unknown; errors?: unknown }): string | undefined {
  if (issue.code !== 'invalid_union') return undefined;
  const input = issue.input;
  if (typeof input === 'string') return `unknown check "${input}": must be ${EXPECTED}`;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return `must be ${EXPECTED}`;
  const keys = Object.keys(input);
  const branch = keys.length === 1 ? OBJECT_KEYS.indexOf(keys[0] as (typeof OBJECT_KEYS)[number]) : -1;
  const errors = issue.errors as { path: PropertyKey[]; message: string }[][] | undefined;
  const problems = branch >= 0 ? errors?.[branch + 1] : undefined;
  if (!problems) return `must be ${EXPECTED} (got keys: ${keys.join(', ') || 'none'})`;
  return problems.map((p) => `${p.path.map(String).join('.')}: ${p.message}`).join('; ');
}

export const checkSpecSchema = z.union([z.enum(CHECK_NAMES), regexSpec, confidenceSpec, judgeSpec], {
  error: (issue) => unionError(issue),
});

export type CheckSpec = z.infer<typeof checkSpecSchema>;
/** A spec as written, before defaults (must_match) are applied. */
export type CheckSpecInput = z.input<typeof checkSpecSchema>;

/** A short, stable label for a spec: the check's name in verdicts, plans and decision records. */
export function describeCheckSpec(spec: CheckSpecInput): string {
  if (typeof spec === 'string') return spec;
  if ('regex' in spec) return `regex${spec.regex.must_match === false ? '!' : ''}:/${spec.regex.pattern}/${spec.regex.flags ?? ''}`;
  if ('confidence' in spec) return `confidence>=${spec.confidence.min}`;
  return `judge:${spec.judge.model}>=${spec.judge.min_score}`;
}
