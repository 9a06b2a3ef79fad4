/**
 * Routing data in, router model out: the steps `train` and the shipped-model build share.
 * Features are computed once per prompt; every model that has an outcome becomes a profile,
 * named by the data's own id.
 */
import type { RouterModel } from '../router/model/router-model-file.js';
import { computeFeatureTable } from './feature-table.js';
import { buildOutcomeMatrix } from './outcome-matrix.js';
import type { RoutingData } from '../shared/routing-data.js';
import { trainRouterModel, type TrainOptions, type TrainProgress } from './trainer.js';

export function trainOnData(
  data: RoutingData,
  opts: Partial<TrainOptions> = {},
  onProgress?: (p: TrainProgress) => void,
): RouterModel {
  if (data.prompts.length === 0) throw new RangeError('no prompts to train on');
  const features = computeFeatureTable(data.prompts.map((p) => p.prompt));
  const outcomes = buildOutcomeMatrix(data.prompts, data.models);
  return trainRouterModel({ features, outcomes, training: { data: data.sources } }, opts, onProgress);
}
