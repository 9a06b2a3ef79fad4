/**
 * Maps a catalog model onto the router model's profiles (the models its training data
 * measured), from the catalog's `quality` prior:
 *   {profile: ID}               the model was measured: use its profile as it is;
 *   {like: ID, logit_shift: x}  behaves like a measured model, shifted by x in logit space;
 *   {benchmark: q, like?: ID}   a public benchmark score (a prior, not a measurement): the
 *                               profile `like`, or without it the profile whose mean training
 *                               quality is nearest q, shifted so that its mean moves to q.
 *                               Naming `like` keeps models of different tiers on different
 *                               profiles when their scores lie above every measured model's.
 */
import type { QualityPrior } from '../../shared/config/schema.js';
import type { RouterModelHeader } from './router-model-file.js';

export interface ResolvedPrior {
  profileIndex: number;
  logitShift: number;
}

const logit = (p: number) => Math.log(p / (1 - p));
const clampProbability = (p: number) => Math.min(1 - 1e-4, Math.max(1e-4, p));

function indexOf(header: RouterModelHeader, id: string): number {
  const i = header.profiles.findIndex((p) => p.id === id);
  if (i < 0) {
    const known = header.profiles.map((p) => p.id).join(', ');
    throw new Error(`the router model has no profile "${id}" (it has: ${known})`);
  }
  return i;
}

export function resolvePrior(prior: QualityPrior, header: RouterModelHeader): ResolvedPrior {
  if ('profile' in prior) return { profileIndex: indexOf(header, prior.profile), logitShift: 0 };
  if ('logit_shift' in prior) return { profileIndex: indexOf(header, prior.like), logitShift: prior.logit_shift };
  let best = 0;
  if (prior.like !== undefined) best = indexOf(header, prior.like);
  else {
    header.profiles.forEach((p, i) => {
      if (Math.abs(p.meanQuality - prior.benchmark) < Math.abs(header.profiles[best]!.meanQuality - prior.benchmark)) best = i;
    });
  }
  const mean = clampProbability(header.profiles[best]!.meanQuality);
  return { profileIndex: best, logitShift: logit(clampProbability(prior.benchmark)) - logit(mean) };
}
