/**
 * How a catalog model borrows a profile of the router model (a model as the training data
 * names it), so that models the data never measured can still be scored.
 *
 * A prior is one of (a tagged union by its single key; unknown keys are errors):
 *   { profile: "<data model id>" }                  the profile as it is;
 *   { like: "<data model id>", logitShift: x }      that profile, its logit moved by x
 *                                                   (x > 0: better than it, x < 0: worse);
 *   { benchmark: q }                                q in [0, 1], the model's mean quality on
 *                                                   the training distribution: the profile
 *                                                   whose mean training quality is nearest q
 *                                                   (ties: the one listed first), shifted by
 *                                                   logit(q) − logit(its mean quality), which
 *                                                   moves its mean prediction to about q.
 * resolvePrior turns one into { profileIndex, logitShift } against a model header; an unknown
 * profile is a ModelPriorError that lists the profiles the model has.
 */
import { z } from 'zod';
import type { RouterModelHeader } from '../router/model/router-model-file.js';

export const modelPriorSchema = z.union([
  z.strictObject({ profile: z.string().min(1) }),
  z.strictObject({ like: z.string().min(1), logitShift: z.number().finite() }),
  z.strictObject({ benchmark: z.number().min(0).max(1) }),
]);

export type ModelPrior = z.infer<typeof modelPriorSchema>;

export interface ResolvedPrior {
  profileIndex: number;
  logitShift: number;
}

export class ModelPriorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelPriorError';
  }
}

/** Probabilities are clamped to [CLAMP, 1 − CLAMP] before the logit, so 0 and 1 stay finite. */
const CLAMP = 1e-3;

export function logit(q: number): number {
  const p = Math.min(1 - CLAMP, Math.max(CLAMP, q));
  return Math.log(p / (1 - p));
}

function profileIndex(header: RouterModelHeader, id: string, key: string): number {
  const k = header.profiles.findIndex((p) => p.id === id);
  if (k < 0) {
    throw new ModelPriorError(`${key}: unknown profile "${id}"; the router model has: ${header.profiles.map((p) => p.id).join(', ')}`);
  }
  return k;
}

/** Resolves a prior (validated here too) against a router model's header. */
export function resolvePrior(prior: ModelPrior, header: RouterModelHeader): ResolvedPrior {
  const parsed = modelPriorSchema.safeParse(prior);
  if (!parsed.success) {
    throw new ModelPriorError(
      `prior must be one of { profile }, { like, logitShift } or { benchmark: 0..1 }, got ${JSON.stringify(prior)}`,
    );
  }
  const p = parsed.data;
  if ('profile' in p) return { profileIndex: profileIndex(header, p.profile, 'profile'), logitShift: 0 };
  if ('like' in p) return { profileIndex: profileIndex(header, p.like, 'like'), logitShift: p.logitShift };
  let best = -1;
  header.profiles.forEach((prof, k) => {
    if (best < 0 || Math.abs(prof.meanQuality - p.benchmark) < Math.abs(header.profiles[best]!.meanQuality - p.benchmark)) best = k;
  });
  if (best < 0) throw new ModelPriorError('the router model has no profiles');
  return { profileIndex: best, logitShift: logit(p.benchmark) - logit(header.profiles[best]!.meanQuality) };
}
