/**
 * Cross-validation folds by a hash of the prompt id: fold(id) = fmix32(FNV-1a(UTF-8 id)) mod K.
 * Depends on nothing but the id, so a prompt stays in its fold whatever the file order, the
 * other prompts or the pool.
 */
import { FNV_OFFSET, FNV_PRIME } from '../router/core/feature-spec.js';
import { fmix32 } from '../router/core/features-reference.js';

const encoder = new TextEncoder();

export function foldOf(id: string, k: number): number {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`folds must be an integer >= 2, got ${k}`);
  let h = FNV_OFFSET;
  for (const b of encoder.encode(id)) h = Math.imul(h ^ b, FNV_PRIME) >>> 0;
  return fmix32(h) % k;
}

/** For each fold f in [0, k): the row indices of its held-out prompts and of the rest. */
export function splitFolds(ids: readonly string[], k: number): { train: number[]; test: number[] }[] {
  const fold = ids.map((id) => foldOf(id, k));
  return Array.from({ length: k }, (_, f) => ({
    train: fold.flatMap((g, i) => (g === f ? [] : [i])),
    test: fold.flatMap((g, i) => (g === f ? [i] : [])),
  }));
}
