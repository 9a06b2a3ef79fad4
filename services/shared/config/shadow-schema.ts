/**
 * The `shadow` section: shadow evaluation (services/router/shadow/). A share of answered
 * requests is also answered by a reference model and graded, pairwise, by a judge model; the
 * grade becomes feedback on the decision record. Off by default (every share 0).
 *
 *   shadow:
 *     share: 0.02                 # of every policy's answered requests, unless set below
 *     policies:
 *       balanced:
 *         share: 0.05
 *         segments: { code: 0.2 } # segment: the task label, else the prompt's script
 *     reference_model: gpt-5
 *     judge_model: claude-sonnet-4-5
 *     daily_budget_usd: 20        # shadow spend per UTC day (reference and judge calls)
 *
 * With any share above 0, reference_model, judge_model and daily_budget_usd are required, and
 * `metric` must be declared in feedback.metrics as a float per decision.
 */
import { z } from 'zod';

const share = z.number().min(0).max(1);
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, 'must be 1-128 characters of letters, digits and . _ : / -');

export const shadowPolicy = z.strictObject({
  /** This policy's share; absent: `shadow.share`. */
  share: share.optional(),
  /** Shares for some segments of this policy (the task label, else the prompt's script); absent: the policy's share. */
  segments: z.record(z.string().min(1), share).default({}),
});

export const shadowSection = z.strictObject({
  /** Share (0..1) of answered requests shadowed, for policies that set none; 0: off. */
  share: share.default(0),
  policies: z.record(id, shadowPolicy).default({}),
  /** The model every shadowed request is also sent to. */
  reference_model: id.optional(),
  /** The model that compares the two answers (twice, in both orders). */
  judge_model: id.optional(),
  /** Shadow spend per UTC day, USD; when it is spent, shadowing stops until the day ends. Shared across replicas over NATS. */
  daily_budget_usd: z.number().finite().positive().optional(),
  /** The feedback metric the grade is written as: 1 win, 0.5 tie, 0 loss for the routed answer. */
  metric: z.string().min(1).default('shadow_win'),
  /** Shadow jobs waiting for a worker; when full, new ones are dropped and counted. */
  queue_size: z.number().int().positive().max(100_000).default(256),
  /** Shadow jobs run at once. */
  concurrency: z.number().int().min(1).max(64).default(2),
  /** The judge's output limit: the verdict is one line, but a reasoning model thinks first within the same limit. */
  judge_max_output_tokens: z.number().int().min(1).max(32_768).default(1024),
});

export type ShadowConfig = z.infer<typeof shadowSection>;

export const SHADOW_DEFAULTS: ShadowConfig = shadowSection.parse({});

/** True when some share is above 0. */
export function shadowOn(s: ShadowConfig): boolean {
  return s.share > 0 || Object.values(s.policies).some((p) => (p.share ?? 0) > 0 || Object.values(p.segments).some((v) => v > 0));
}

/** Problems the schema cannot see: the names the section refers to. */
export function shadowProblems(
  s: ShadowConfig,
  c: { modelIds: ReadonlySet<string>; policies: ReadonlySet<string>; metrics: readonly { name: string; type: string; per: string }[] },
): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(s.policies)) if (!c.policies.has(name)) problems.push(`shadow.policies.${name}: no policy named "${name}"`);
  for (const key of ['reference_model', 'judge_model'] as const) {
    const m = s[key];
    if (m !== undefined && !c.modelIds.has(m)) problems.push(`shadow.${key}: unknown model "${m}"`);
  }
  if (!shadowOn(s)) return problems;
  for (const key of ['reference_model', 'judge_model', 'daily_budget_usd'] as const) {
    if (s[key] === undefined) problems.push(`shadow.${key}: required when a shadow share is above 0`);
  }
  const metric = c.metrics.find((m) => m.name === s.metric);
  if (!metric) problems.push(`shadow.metric: "${s.metric}" is not declared in feedback.metrics (add { name: ${s.metric}, type: float })`);
  else if (metric.type !== 'float' || metric.per !== 'decision') problems.push(`shadow.metric: feedback metric "${s.metric}" must be a float per decision (type: float, per: decision)`);
  return problems;
}
