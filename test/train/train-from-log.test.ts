/**
 * Per-prompt weights in training (trainer.ts promptWeights), as train --from-log uses them for
 * inverse-propensity weighting (train-from-log.ts), and a challenger started from its champion
 * (trainer.ts TrainInput.init).
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

/** Two kinds of prompt; a answers math well and chat badly, b answers both half right. */
const TWO: RoutingData = {
  prompts: Array.from({ length: 160 }, (_, i) => {
    const math = i % 2 === 0;
    return {
      id: `t${i}`,
      prompt: math ? `what is the integral of x to the power ${i}` : `write a short poem about the sea number ${i}`,
      segment: math ? 'math' : 'chat',
      outcomes: { a: outcome(math ? (i % 10 === 0 ? 0 : 1) : i % 10 === 1 ? 1 : 0), b: outcome(0.5) },
    };
  }),
  models: ['a', 'b'],
  sources: [{ file: 'two', sha256: '', prompts: 160 }],
};

describe('train from log - a challenger started from its champion', () => {
  const opts = { dim: 4, epochs: 20, seed: 5, pretrainEpochs: 4, batchSize: 8 };
  const champion = trainOnData(TWO, opts);
  const predict = (m: typeof champion, model: string, prompt: string) => {
    const core = new ReferenceCore();
    core.load(m);
    core.setCatalog([{ profile: m.header.profiles.findIndex((p) => p.id === model), shift: 0 }]);
    return core.run(prompt).quality[0]!;
  };
  const mathPrompt = TWO.prompts[0]!.prompt;
  const chatPrompt = TWO.prompts[1]!.prompt;

  it('keeps the encoder, moves the changed model where it changed, and leaves the rest near the champion', () => {
    // a got worse on math: its math outcomes now mostly wrong.
    const changed: RoutingData = { ...TWO, prompts: TWO.prompts.map((p, i) => (p.segment === 'math' ? { ...p, outcomes: { ...p.outcomes, a: outcome(i % 4 === 0 ? 1 : 0) } } : p)) };
    const mix = mixLogWithShared([], changed);
    const challenger = trainOnLogMix(mix, opts, champion);
    expect(Buffer.from(challenger.hashed.buffer).equals(Buffer.from(champion.hashed.buffer))).toBe(true);
    expect(Buffer.from(challenger.denseProjection.buffer).equals(Buffer.from(champion.denseProjection.buffer))).toBe(true);
    expect(predict(champion, 'a', mathPrompt)).toBeGreaterThan(0.7);
    // a's math outcomes are now half right.
    expect(predict(challenger, 'a', mathPrompt)).toBeLessThan(predict(champion, 'a', mathPrompt) - 0.2);
    expect(Math.abs(predict(challenger, 'a', mathPrompt) - 0.5)).toBeLessThan(0.1);
    expect(Math.abs(predict(challenger, 'a', chatPrompt) - predict(champion, 'a', chatPrompt))).toBeLessThan(0.1);
    expect(Math.abs(predict(challenger, 'b', mathPrompt) - predict(champion, 'b', mathPrompt))).toBeLessThan(0.05);
    expect(challenger.header.training.startedFrom).toEqual(champion.header.training);
  });

  it('refuses a model to start from that does not fit the training', () => {
    const mix = mixLogWithShared([], TWO);
    expect(() => trainOnLogMix(mix, { ...opts, dim: 8 }, champion)).toThrow(/the model to start from has dim 4, dense \d+, buckets \d+; training needs dim 8/);
    const other = { ...TWO, prompts: TWO.prompts.map((p) => ({ ...p, outcomes: { ...p.outcomes, c: outcome(0.5) } })), models: ['a', 'b', 'c'] };
    expect(() => trainOnLogMix(mixLogWithShared([], other), opts, champion)).toThrow(/the model to start from has no profile "c" \(it has a, b\)/);
    expect(() => trainOnLogMix(mix, { ...opts, ensemble: 2 }, champion)).toThrow(/a model to start from trains one member/);
  });
});
