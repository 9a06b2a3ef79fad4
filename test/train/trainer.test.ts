import { describe, expect, it } from 'vitest';
import { encodeRouterModel } from '../../services/router/model/router-model-file.js';
import { computeFeatureTable, selectRows } from '../../services/train/feature-table.js';
import { splitFolds } from '../../services/train/folds.js';
import { buildOutcomeMatrix, modelStats, selectOutcomeRows } from '../../services/train/outcome-matrix.js';
import { meanCrossEntropy, predictQualities } from '../../services/train/predict.js';
import { repoPath } from '../../services/train/repo-root.js';
import { readRoutingData } from '../../services/shared/routing-data.js';
import { trainRouterModel } from '../../services/train/trainer.js';

const data = await readRoutingData([repoPath('data/mmlu-pro/dev.jsonl.gz')]);
const slice = data.prompts.slice(0, 2500);
const features = computeFeatureTable(slice.map((p) => p.prompt));
const outcomes = buildOutcomeMatrix(slice, data.models);

describe('trainer - determinism', () => {
  const small = { features: selectRows(features, [...Array(300).keys()]), outcomes: selectOutcomeRows(outcomes, [...Array(300).keys()]) };

  it('the same data and seed give identical bytes', () => {
    const opts = { dim: 4, epochs: 2, seed: 7 };
    const a = encodeRouterModel(trainRouterModel(small, opts));
    const b = encodeRouterModel(trainRouterModel(small, opts));
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    const c = encodeRouterModel(trainRouterModel(small, { ...opts, seed: 8 }));
    expect(Buffer.compare(Buffer.from(a), Buffer.from(c))).not.toBe(0);
  });

  it('skips missing outcomes and records profiles by data id', () => {
    const model = trainRouterModel(small, { dim: 4, epochs: 1 });
    expect(model.header.profiles.map((p) => p.id)).toEqual(data.models);
    const observed = modelStats(small.outcomes).map((s) => s.n);
    expect(model.header.profiles.map((p) => p.n)).toEqual(observed);
    expect(Math.min(...observed)).toBeLessThan(300);
    for (const a of [model.hashed, model.bias, model.ability, model.denseWeights, model.denseProjection]) {
      expect(a.every((x) => Number.isFinite(x))).toBe(true);
    }
  });
});

describe('trainer - learning', () => {
  it('lowers held-out cross-entropy below a constant predictor', () => {
    const { train, test } = splitFolds(outcomes.ids, 5)[0]!;
    const model = trainRouterModel({ features: selectRows(features, train), outcomes: selectOutcomeRows(outcomes, train) });
    const held = selectOutcomeRows(outcomes, test);
    const identity = data.models.map((_, j) => j);
    const learned = meanCrossEntropy(predictQualities(model, selectRows(features, test), identity), held);
    const m = data.models.length;
    const constant = new Float64Array(held.n * m);
    for (let i = 0; i < held.n; i++) for (let j = 0; j < m; j++) constant[i * m + j] = model.header.profiles[j]!.meanQuality;
    const baseline = meanCrossEntropy(constant, held);
    expect(learned).toBeLessThan(baseline - 0.01);
  });
});
