/**
 * A challenger from the router's record (log-training-data.ts's mix of logged answers and shared
 * data): train-from-data.ts's steps, with each prompt's outcomes weighed as the mix says (the
 * logged answers by their self-normalised inverse propensity, shared outcomes by 1).
 */
import type { RouterModel } from '../router/model/router-model-file.js';
import { computeFeatureTable } from './feature-table.js';
import type { LogMix } from './log-training-data.js';
import { buildOutcomeMatrix } from './outcome-matrix.js';
import { trainRouterModel, type TrainOptions } from './trainer.js';

/** `init`: the champion to start from (trainer.ts TrainInput.init). */
export function trainOnLogMix(mix: LogMix, opts: Partial<TrainOptions> = {}, init?: RouterModel): RouterModel {
  const { data } = mix;
  if (data.prompts.length === 0) throw new RangeError('no prompts to train on');
  const features = computeFeatureTable(data.prompts.map((p) => p.prompt));
  const outcomes = buildOutcomeMatrix(data.prompts, data.models);
  return trainRouterModel({ features, outcomes, promptWeights: mix.promptWeights, training: { data: data.sources, weighting: 'inverse propensity, self-normalised per model and segment', ...(init ? { startedFrom: init.header.training } : {}) }, ...(init ? { init } : {}) }, opts);
}
