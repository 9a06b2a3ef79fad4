import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { expectedOutputTokens, PRIOR_PROMPTS, STATED_OUTPUT_TOKENS } from '../../services/router/model/output-length.js';
import { FITTED_OUTPUT_TOKENS } from '../../services/router/model/output-length-table.js';
import { readRoutingData, type RoutingData, type RoutingPrompt } from '../../services/shared/routing-data.js';
import { fitOutputLengths, OUTPUT_LENGTH_DATA, OUTPUT_LENGTH_TABLE, outputLengthTableSource } from '../../services/train/fit-output-length.js';
import { repoPath } from '../../services/train/repo-root.js';

function prompt(id: string, text: string, outputs: number[]): RoutingPrompt {
  const outcomes = Object.fromEntries(outputs.map((t, i) => [`m${i}`, { quality: 1, input_tokens: 5, output_tokens: t, cost_usd: 0 }]));
  return { id, prompt: text, segment: 's', outcomes };
}

function data(prompts: RoutingPrompt[]): RoutingData {
  return { prompts, models: ['m0', 'm1'], sources: [{ file: 'x.jsonl', sha256: 'ab', prompts: prompts.length }] };
}

describe('fitOutputLengths - mean measured output per family, the stated estimate as prior evidence', () => {
  it('averages each prompt over its models, then shrinks the family mean toward the stated estimate', () => {
    const fit = fitOutputLengths(data([prompt('a', 'hi', [100, 300]), prompt('b', 'hello there', [200]), prompt('c', 'Classify the sentiment: "great"', [5, 15])]));
    const stated = STATED_OUTPUT_TOKENS['chit-chat']!;
    expect(fit['chit-chat']).toEqual({ n: 2, measured: 200, tokens: Math.round((400 + PRIOR_PROMPTS * stated) / (2 + PRIOR_PROMPTS)) });
    expect(fit.classification!.n).toBe(1);
    expect(fit.classification!.measured).toBe(10);
    // A family the data does not hold keeps its stated estimate.
    expect(fit.design).toEqual({ n: 0, measured: 0, tokens: STATED_OUTPUT_TOKENS.design });
  });

  it('skips prompts with no outcomes', () => {
    const fit = fitOutputLengths(data([prompt('a', 'hi', [])]));
    expect(fit['chit-chat']!.n).toBe(0);
  });

  it('the committed table is the fit of the committed data', { timeout: 120_000 }, async () => {
    const d = await readRoutingData(OUTPUT_LENGTH_DATA.map((f) => repoPath(f)));
    const fit = fitOutputLengths(d);
    expect(await readFile(repoPath(OUTPUT_LENGTH_TABLE), 'utf8')).toBe(outputLengthTableSource(OUTPUT_LENGTH_DATA, d, fit));
    for (const [family, f] of Object.entries(fit)) expect(FITTED_OUTPUT_TOKENS[family]).toBe(f.tokens);
    // Everyday answers are shorter than hard ones in the data as well as in the estimates.
    expect(fit.classification!.tokens).toBeLessThan(fit.lookup!.tokens);
    expect(fit.lookup!.tokens).toBeLessThan(fit.code!.tokens);
    expect(fit.short!.n).toBeGreaterThan(100);
    // MMLU-Pro's questions all read as multiple-choice.
    expect(fit['multiple-choice']!.n).toBeGreaterThanOrEqual(9643);
  });
});

describe('expectedOutputTokens - what Decide assumes', () => {
  it('takes the fitted length of the family, caps JSON answers and scales rewriting with its input', () => {
    expect(expectedOutputTokens({ family: 'design', tier: 'hard' }, 50, false, 400)).toBe(FITTED_OUTPUT_TOKENS.design);
    expect(expectedOutputTokens({ family: 'design', tier: 'hard' }, 50, true, 400)).toBe(Math.min(200, FITTED_OUTPUT_TOKENS.design!));
    expect(expectedOutputTokens({ family: 'rewriting', tier: 'everyday' }, 100, false, 400)).toBe(130);
    expect(expectedOutputTokens({ family: 'general', tier: 'general' }, 100, false, 321)).toBe(321);
  });
});
