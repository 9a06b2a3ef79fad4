import { describe, expect, it } from 'vitest';
import { mixLogWithShared, type GradedAnswer } from '../../services/train/log-training-data.js';
import type { RoutingData } from '../../services/shared/routing-data.js';

const outcome = (quality: number) => ({ quality, input_tokens: 10, output_tokens: 20, cost_usd: 0.001 });

const SHARED: RoutingData = {
  prompts: [
    { id: 's1', prompt: 'shared math 1', segment: 'math', outcomes: { 'big-v1': outcome(1), 'small-v1': outcome(0) } },
    { id: 's2', prompt: 'shared math 2', segment: 'math', outcomes: { 'big-v1': outcome(1) } },
    { id: 's3', prompt: 'shared law 1', segment: 'law', outcomes: { 'big-v1': outcome(1), 'small-v1': outcome(1) } },
  ],
  models: ['big-v1', 'small-v1'],
  sources: [{ file: 'shared.jsonl', sha256: 'x', prompts: 3 }],
};

/** n graded answers of `model` on `segment`, alternating 1 and 0 so the mean is 0.5, each predicted at `predicted`. */
function answers(model: string, segment: string, n: number, predicted: number, prompt = 'logged prompt'): GradedAnswer[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${segment}-${model}-${i}`, prompt: `${prompt} ${i}`, segment, model, quality: i % 2, predicted, inputTokens: 5, outputTokens: 7, costUsd: 0.002 }));
}

const profileOf = { big: 'big-v1', small: 'small-v1' };

describe('train from log - mixing the record with shared data', () => {
  it('a model that changed on a segment is learned from the record alone there; elsewhere the shared data stays', () => {
    // big was predicted at 0.8 on math and answers at 0.5: a shift of −0.3 over 100 answers.
    const mix = mixLogWithShared(answers('big', 'math', 100, 0.8), SHARED, { minLogOutcomes: 30, minShift: 0.1, z: 3, profileOf, changed: 'drop' });
    expect(Object.keys(mix.fromLog)).toEqual(['big-v1 on math']);
    expect(mix.fromLog['big-v1 on math']!.shift).toBeCloseTo(-0.3, 12);
    const shared = mix.data.prompts.filter((p) => p.id.startsWith('s'));
    // s2 had only big's math outcome: dropped; s1 keeps small's; law keeps both.
    expect(shared.map((p) => [p.id, Object.keys(p.outcomes)])).toEqual([
      ['s1', ['small-v1']],
      ['s3', ['big-v1', 'small-v1']],
    ]);
    expect(mix.logPrompts).toBe(100);
    expect(mix.data.prompts.filter((p) => !p.id.startsWith('s')).every((p) => Object.keys(p.outcomes)[0] === 'big-v1')).toBe(true);
    expect(mix.data.models).toEqual(['big-v1', 'small-v1']);
  });

  it('a thin record, or one that agrees with the prediction, leaves the shared data in place', () => {
    const thin = mixLogWithShared(answers('big', 'math', 10, 0.9), SHARED, { minLogOutcomes: 30, minShift: 0.1, z: 3, profileOf });
    expect(thin.fromLog).toEqual({});
    expect(thin.sharedPrompts).toBe(3);
    const agrees = mixLogWithShared(answers('big', 'math', 400, 0.52), SHARED, { minLogOutcomes: 30, minShift: 0.1, z: 3, profileOf });
    expect(agrees.fromLog).toEqual({});
    expect(agrees.data.prompts).toHaveLength(403);
  });

  it('answers without prompt text are counted and left out; without profiles the catalog ids stay', () => {
    const noText = answers('big', 'math', 5, 0.5).map((a) => ({ ...a, prompt: '' }));
    const mix = mixLogWithShared([...noText, ...answers('small', 'law', 3, 0.5)], undefined);
    expect(mix.withoutPrompt).toBe(5);
    expect(mix.data.models).toEqual(['small']);
    expect(mix.sharedPrompts).toBe(0);
  });

  it('weighs each logged answer by its inverse propensity, clipped, and self-normalised per model and segment', () => {
    // big on law: chosen with probability 0.5 on good answers and 0.05 (weight clipped at 10) on bad ones.
    const logged: GradedAnswer[] = [
      ...Array.from({ length: 40 }, (_, i) => ({ id: `g${i}`, prompt: `good ${i}`, segment: 'law', model: 'big', quality: 1, propensity: 0.5, inputTokens: 1, outputTokens: 1, costUsd: 0 })),
      ...Array.from({ length: 10 }, (_, i) => ({ id: `b${i}`, prompt: `bad ${i}`, segment: 'law', model: 'big', quality: 0, propensity: 0.05, inputTokens: 1, outputTokens: 1, costUsd: 0 })),
      { id: 'u', prompt: 'unknown', segment: 'law', model: 'small', quality: 1, inputTokens: 1, outputTokens: 1, costUsd: 0 },
    ];
    const mix = mixLogWithShared(logged, undefined, { maxWeight: 10, profileOf });
    const w = mix.promptWeights;
    // Raw weights 2 and 10 (clipped from 20); 50 answers, Σ raw = 180: scaled by 50/180.
    expect(w[0]).toBeCloseTo((2 * 50) / 180, 12);
    expect(w[45]).toBeCloseTo((10 * 50) / 180, 12);
    expect(w.slice(0, 50).reduce((a, b) => a + b, 0)).toBeCloseTo(50, 9);
    // Without a propensity: weight 1. The weighted mean of big on law is 80/180, not the raw 0.8.
    expect(w[50]).toBe(1);
  });

  it('measures a change against the shared data where it holds enough outcomes, by the weighted mean, and can shift those outcomes instead of dropping them', () => {
    const many: RoutingData = {
      ...SHARED,
      prompts: Array.from({ length: 40 }, (_, i) => ({ id: `m${i}`, prompt: `shared math ${i}`, segment: 'math', outcomes: { 'big-v1': outcome(i % 5 === 0 ? 0 : 1), 'small-v1': outcome(0.5) } })),
    };
    // The log predicted 0.5 for big on math and saw 0.5: no change against the prediction, but
    // the shared data says big scored 0.8 there: a shift of −0.3 against it.
    const logged = answers('big', 'math', 100, 0.5).map((a) => ({ ...a, propensity: 0.5 }));
    const dropped = mixLogWithShared(logged, many, { minSharedOutcomes: 30, profileOf, changed: 'drop' });
    expect(dropped.fromLog['big-v1 on math']).toEqual({ n: 100, shift: expect.closeTo(-0.3, 12), against: 'shared' });
    expect(dropped.data.prompts.filter((p) => /^m\d+$/.test(p.id)).every((p) => Object.keys(p.outcomes).join() === 'small-v1')).toBe(true);
    const shifted = mixLogWithShared(logged, many, { minSharedOutcomes: 30, profileOf });
    const m0 = shifted.data.prompts.find((p) => p.id === 'm0')!;
    const m1 = shifted.data.prompts.find((p) => p.id === 'm1')!;
    expect(m0.outcomes['big-v1']!.quality).toBe(0);
    expect(m1.outcomes['big-v1']!.quality).toBeCloseTo(0.7, 12);
    expect(m1.outcomes['small-v1']!.quality).toBe(0.5);
    expect(shifted.logPrompts).toBe(100);
    // where-thin: under shift the shifted shared outcomes carry the change and the logged answers stay out; under drop they speak.
    expect(mixLogWithShared(logged, many, { minSharedOutcomes: 30, profileOf, logAnswers: 'where-thin' }).logPrompts).toBe(0);
    expect(mixLogWithShared(logged, many, { minSharedOutcomes: 30, profileOf, logAnswers: 'where-thin', changed: 'drop' }).logPrompts).toBe(100);
    // With fewer shared outcomes than minSharedOutcomes, the prediction is the reference again.
    expect(mixLogWithShared(logged, many, { minSharedOutcomes: 41, profileOf }).fromLog).toEqual({});
    // Where the shared data speaks for a pair and the record shows no change, logged answers stay out (where-needed).
    const small = answers('small', 'math', 50, 0.5).map((a) => ({ ...a, propensity: 0.5 }));
    const mixed = mixLogWithShared([...logged, ...small], many, { minSharedOutcomes: 30, profileOf });
    expect(mixed.logPrompts).toBe(100);
    expect(mixLogWithShared([...logged, ...small], many, { minSharedOutcomes: 30, profileOf, logAnswers: 'all' }).logPrompts).toBe(150);
  });
});
