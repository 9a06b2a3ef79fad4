/**
 * Predicted quality of each (prompt, model) pair from a router model, computed by the same
 * reference scorer that stands in for the WASM core, so evaluation measures what serving does.
 */
import { newFeatures } from '../router/core/features-reference.js';
import { scoreProfiles, sigmoid } from '../router/core/scorer-reference.js';
import type { RouterModel } from '../router/model/router-model-file.js';
import { featuresOf, type FeatureTable } from './feature-table.js';
import type { OutcomeMatrix } from './outcome-matrix.js';

/**
 * n × models.length predicted qualities; `profileOf[j]` is the profile that stands for
 * models[j] and `logitShift[j]` (default 0) is added to its logit.
 */
export function predictQualities(
  model: RouterModel,
  table: FeatureTable,
  profileOf: readonly number[],
  logitShift?: readonly number[],
): Float64Array {
  const m = profileOf.length;
  const out = new Float64Array(table.n * m);
  const z = new Float64Array(model.header.dim);
  const logits = new Float64Array(model.header.profiles.length);
  const f = newFeatures();
  for (let i = 0; i < table.n; i++) {
    scoreProfiles(model, featuresOf(table, i, f), z, logits);
    for (let j = 0; j < m; j++) out[i * m + j] = sigmoid(logits[profileOf[j]!]! + (logitShift?.[j] ?? 0));
  }
  return out;
}

/** Profile index of each of `models` by id; an id the model lacks is an error that lists them. */
export function profileIndices(model: RouterModel, models: readonly string[]): number[] {
  const ids = model.header.profiles.map((p) => p.id);
  return models.map((id) => {
    const k = ids.indexOf(id);
    if (k < 0) throw new RangeError(`the router model has no profile "${id}"; it has: ${ids.join(', ')}`);
    return k;
  });
}

/** Mean binary cross-entropy of predictions against observed graded quality. */
export function meanCrossEntropy(pred: Float64Array, mx: OutcomeMatrix): number {
  let s = 0, n = 0;
  for (let k = 0; k < pred.length; k++) {
    if (mx.observed[k] === 0) continue;
    const p = Math.min(1 - 1e-7, Math.max(1e-7, pred[k]!));
    const y = mx.quality[k]!;
    s -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
    n++;
  }
  return n > 0 ? s / n : NaN;
}
