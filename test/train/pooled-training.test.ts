/**
 * Cross-validation with more data sets pooled into every fold's training set: what is added,
 * and that no held-out question reaches training under another data set's id.
 */
import { describe, expect, it } from 'vitest';
import { questionStem, withoutSharedStems } from '../../services/train/question-stem.js';
import { evaluate } from '../../services/train/evaluate.js';
import { splitFolds } from '../../services/train/folds.js';
import type { RoutingData, RoutingPrompt } from '../../services/shared/routing-data.js';

const outcome = (quality: number, cost: number) => ({ quality, input_tokens: 10, output_tokens: 10, cost_usd: cost });

function prompt(id: string, text: string, models: Record<string, number>): RoutingPrompt {
  const outcomes: RoutingPrompt['outcomes'] = {};
  for (const [m, q] of Object.entries(models)) outcomes[m] = outcome(q, m.startsWith('strong') ? 0.01 : 0.001);
  return { id, prompt: text, segment: 'all', outcomes };
}

const data = (prompts: RoutingPrompt[]): RoutingData => ({
  prompts,
  models: [...new Set(prompts.flatMap((p) => Object.keys(p.outcomes)))].sort(),
  sources: [],
});

describe('question stems - deduplication across data sets', () => {
  it('one question with other answer options and spacing has one stem', () => {
    const four = 'What is the   capital of France?\nA. Paris\nB. Lyon\nC. Nice\nD. Metz\nAnswer:';
    const ten = 'What is the capital of FRANCE?\nA) Paris\nB) Lyon\nC) Nice\nD) Metz\nE) Lille';
    expect(questionStem(four)).toBe('what is the capital of france');
    expect(questionStem(ten)).toBe(questionStem(four));
    expect(questionStem('Write a poem about the sea.')).toBe('write a poem about the sea');
  });

  it('drops exactly the extra prompts whose stem a held prompt has', () => {
    const held = [{ prompt: 'Q one?\nA. x' }, { prompt: 'Q two?\nA. y' }];
    const extra = [{ prompt: 'q one?\nA) z', id: 'a' }, { prompt: 'Q three?', id: 'b' }, { prompt: 'Q TWO?', id: 'c' }];
    expect(withoutSharedStems(extra, held).map((p) => p.id)).toEqual(['b']);
  });
});

describe('pooled cross-validation - every fold trains on the extra data too', () => {
  const evaluated = data(Array.from({ length: 12 }, (_, i) => prompt(`e${i}`, `Question number ${i} about topic ${i % 3}?\nA. one\nB. two`, { strong: 1, weak: i % 2 })));
  // Five extra prompts of another data set's models; two repeat evaluated questions.
  const extra = data([
    prompt('x0', 'Question number 0 about topic 0?\nA) uno', { 'strong-b': 1, 'weak-b': 0 }),
    prompt('x1', 'Question number 5 about topic 2?', { 'strong-b': 1, 'weak-b': 1 }),
    prompt('x2', 'Another question entirely?', { 'strong-b': 1, 'weak-b': 0 }),
    prompt('x3', 'Yet another one?', { 'strong-b': 0, 'weak-b': 0 }),
    prompt('x4', 'And a last one?', { 'strong-b': 1, 'weak-b': 1 }),
  ]);
  const train = { epochs: 1, pretrainEpochs: 0, batchSize: 1, dim: 2, segmentWeight: 0 };

  it('adds the extra prompts without shared stems to each fold (one Adam step per prompt)', () => {
    const steps = new Map<number, number>();
    const r = evaluate(evaluated, { folds: 2, train, extraTraining: extra, onProgress: (fold, _k, p) => steps.set(fold, p.steps) });
    const folds = splitFolds(evaluated.prompts.map((p) => p.id), 2);
    expect([...steps.entries()].sort()).toEqual(folds.map((f, i) => [i + 1, f.train.length + 3]));
    // Only the evaluated data's models are routed among and reported.
    expect(r.models).toEqual(['strong', 'weak']);
    expect(r.n).toBe(12);
  });

  it('without extra data each fold trains on its own prompts alone', () => {
    const steps = new Map<number, number>();
    evaluate(evaluated, { folds: 2, train, onProgress: (fold, _k, p) => steps.set(fold, p.steps) });
    const folds = splitFolds(evaluated.prompts.map((p) => p.id), 2);
    expect([...steps.entries()].sort()).toEqual(folds.map((f, i) => [i + 1, f.train.length]));
  });
});
