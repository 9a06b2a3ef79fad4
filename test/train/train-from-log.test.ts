/**
 * Per-prompt weights in training (trainer.ts promptWeights), as train --from-log uses them for
 * inverse-propensity weighting (train-from-log.ts).
 */
import { describe, expect, it } from 'vitest';
import { ReferenceCore } from '../../services/router/core/reference-core.js';
import { encodeRouterModel } from '../../services/router/model/router-model-file.js';
import type { RoutingData } from '../../services/shared/routing-data.js';
import { mixLogWithShared } from '../../services/train/log-training-data.js';
import { trainOnData } from '../../services/train/train-from-data.js';
import { trainOnLogMix } from '../../services/train/train-from-log.js';
import { computeFeatureTable } from '../../services/train/feature-table.js';
import { buildOutcomeMatrix } from '../../services/train/outcome-matrix.js';
import { trainRouterModel } from '../../services/train/trainer.js';

const outcome = (quality: number) => ({ quality, input_tokens: 10, output_tokens: 20, cost_usd: 0.001 });

/** Prompts alike to the features; on even ones model a answers well, on odd ones badly (a difference the features cannot see). */
const DATA: RoutingData = {
  prompts: Array.from({ length: 120 }, (_, i) => ({
    id: `p${i}`,
    prompt: "what is the integral of x squared",
    segment: 'all',
    outcomes: { a: outcome(i % 2 === 0 ? 1 : 0), b: outcome(0.5) },
  })),
  models: ['a', 'b'],
  sources: [{ file: 'x', sha256: '', prompts: 120 }],
};

const OPTS = { dim: 4, epochs: 4, seed: 3, pretrainEpochs: 0 };

describe('train from log - weighted outcomes', () => {
  it('weights of one train the same model as no weights; a weight per prompt must fit the data', () => {
    const features = computeFeatureTable(DATA.prompts.map((p) => p.prompt));
    const outcomes = buildOutcomeMatrix(DATA.prompts, DATA.models);
    const plain = encodeRouterModel(trainRouterModel({ features, outcomes }, OPTS));
    const ones = encodeRouterModel(trainRouterModel({ features, outcomes, promptWeights: new Float64Array(120).fill(1) }, OPTS));
    expect(Buffer.from(ones).equals(Buffer.from(plain))).toBe(true);
    expect(() => trainRouterModel({ features, outcomes, promptWeights: new Float64Array(3) }, OPTS)).toThrow(/promptWeights must hold 120 finite weights >= 0/);
    expect(() => trainRouterModel({ features, outcomes, promptWeights: new Float64Array(120).fill(-1) }, OPTS)).toThrow(/promptWeights/);
  });

  it("a logged answer's inverse-propensity weight moves the model toward the traffic it stands for", () => {
    // a was chosen on even prompts with probability 0.9 (weight 1.1) and on odd ones with 0.1 (weight 10):
    // unweighted, a looks good (most logged answers are good ones); weighted, a's mean is near the traffic's 0.5.
    const logged = DATA.prompts.flatMap((p, i) => {
      const alpha = i % 2 === 0;
      if (!alpha && i % 9 !== 1) return [];
      return [{ id: p.id, prompt: p.prompt, segment: 'all', model: 'a', quality: alpha ? 1 : 0, propensity: alpha ? 0.9 : 0.1, inputTokens: 1, outputTokens: 1, costUsd: 0 }];
    });
    const mix = mixLogWithShared(logged, undefined);
    const long = { ...OPTS, epochs: 60, batchSize: 8 };
    const weighted = trainOnLogMix(mix, long);
    const unweighted = trainOnData(mix.data, long);
    const share = logged.filter((a) => a.quality === 1).length / logged.length;
    expect(share).toBeGreaterThan(0.8);
    // The profile's predicted quality averaged over every prompt (both kinds equally), as the router scores it.
    const mean = (m: typeof weighted) => {
      const core = new ReferenceCore();
      core.load(m);
      core.setCatalog([{ profile: m.header.profiles.findIndex((p) => p.id === 'a'), shift: 0 }]);
      return DATA.prompts.reduce((s, p) => s + core.run(p.prompt).quality[0]!, 0) / DATA.prompts.length;
    };
    expect(mean(unweighted)).toBeGreaterThan(0.8);
    expect(mean(weighted)).toBeLessThan(mean(unweighted) - 0.15);
  });
});
