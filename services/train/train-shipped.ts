/**
 * The shipped router model: models/router-model.syrm, trained with the default options on
 * the committed MMLU-Pro data (all of its models, by the data's own ids). Running
 * `trainShipped()` from a fresh clone rewrites the same bytes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { encodeRouterModel } from '../router/model/router-model-file.js';
import { repoPath } from './repo-root.js';
import { readRoutingData } from '../shared/routing-data.js';
import { trainOnData } from './train-from-data.js';
import { DEFAULT_TRAIN_OPTIONS, type TrainProgress } from './trainer.js';

/** Training data of the shipped model, relative to the repository root. */
export const SHIPPED_DATA = ['data/mmlu-pro/dev.jsonl.gz'] as const;
export const SHIPPED_MODEL = 'models/router-model.syrm';

/** Trains the shipped model and writes it (to `out`, default models/router-model.syrm). */
export async function trainShipped(
  out: string = repoPath(SHIPPED_MODEL),
  onProgress?: (p: TrainProgress) => void,
): Promise<{ path: string; bytes: number }> {
  const data = await readRoutingData(SHIPPED_DATA.map((f) => repoPath(f)));
  const model = trainOnData(data, DEFAULT_TRAIN_OPTIONS, onProgress);
  const bytes = encodeRouterModel(model);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, bytes);
  return { path: out, bytes: bytes.length };
}
