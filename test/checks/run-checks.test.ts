import { describe, expect, it } from 'vitest';
import { buildChecks, prepareMessages, runChecks, type Check, type Verdict } from '../../services/router/execute/checks/check.js';
import { checkSpecSchema } from '../../services/shared/config/check-spec.js';
import { z } from 'zod';
import { ctx, fakeJudge, input, textOf, user } from './support.js';

const specs = (raw: unknown[]) => buildChecks(z.array(checkSpecSchema).parse(raw));

/** A check that records when it ran. */
function probe(name: string, kind: Check['kind'], pass: boolean, log: string[]): Check {
  return { name, kind, run: async (): Promise<Verdict> => (log.push(name), { check: name, pass, detail: pass ? 'ok' : 'no' }) };
}

describe('checks - the registry', () => {
  it('builds one check per spec, in order, named for its spec', () => {
    const checks = specs(['refusal', 'hedging', 'empty', 'truncated', 'json', { regex: { pattern: '\\d' } }, { confidence: { min: 7 } }, { judge: { model: 'gpt-4.1-mini', min_score: 8 } }]);
    expect(checks.map((c) => [c.name, c.kind])).toEqual([
      ['refusal', 'deterministic'],
      ['hedging', 'deterministic'],
      ['empty', 'deterministic'],
      ['truncated', 'deterministic'],
      ['json', 'deterministic'],
      ['regex:/\\d/', 'deterministic'],
      ['confidence>=7', 'deterministic'],
      ['judge:gpt-4.1-mini>=8', 'llm'],
    ]);
  });

  it('prepareMessages applies every prepare, without changing the input', () => {
    const messages = [user('What is 2 + 2?')];
    const prepared = prepareMessages(specs(['refusal', { confidence: { min: 5 } }]), messages);
    expect(prepared.map((m) => m.role)).toEqual(['system', 'user']);
    expect(textOf(prepared[0])).toContain('Confidence: N/10');
    expect(messages).toHaveLength(1);
  });
});

describe('checks - runChecks order and early stop', () => {
  it('runs deterministic checks before LLM ones, keeping configured order within each', async () => {
    const log: string[] = [];
    const checks = [probe('judge-a', 'llm', true, log), probe('refusal', 'deterministic', true, log), probe('judge-b', 'llm', true, log), probe('empty', 'deterministic', true, log)];
    const result = await runChecks(checks, input('Four.'), ctx());
    expect(log).toEqual(['refusal', 'empty', 'judge-a', 'judge-b']);
    expect(result.pass).toBe(true);
    expect(result.verdicts.map((v) => v.check)).toEqual(log);
  });

  it('stops at the first failure: a failed cheap check spares the judge call', async () => {
    const { judge, calls } = fakeJudge('Score: 10/10');
    const checks = specs([{ judge: { model: 'gpt-4.1-mini', min_score: 7 } }, 'refusal', 'empty']);
    const result = await runChecks(checks, input("I'm sorry, but I can't help with that."), ctx(judge));
    expect(result.pass).toBe(false);
    expect(result.verdicts.map((v) => [v.check, v.pass])).toEqual([['refusal', false]]);
    expect(calls).toHaveLength(0);
  });

  it('calls the judge once the cheap checks pass', async () => {
    const { judge, calls } = fakeJudge('Score: 6/10\nReason: Misses the edge case.');
    const result = await runChecks(specs(['empty', { judge: { model: 'gpt-4.1-mini', min_score: 7 } }]), input('Use a set.'), ctx(judge));
    expect(calls).toHaveLength(1);
    expect(result.pass).toBe(false);
    expect(result.verdicts.at(-1)).toMatchObject({ check: 'judge:gpt-4.1-mini>=7', pass: false, costUsd: 0.00042 });
  });

  it('cleans first: the judge and the json check see the answer without the self-rating, confidence reads the raw one', async () => {
    const { judge, calls } = fakeJudge('Score: 9/10');
    const checks = specs(['json', { confidence: { min: 7 } }, { judge: { model: 'gpt-4.1-mini', min_score: 7 } }]);
    const raw = '{"answer": 4}\nConfidence: 9/10';
    const result = await runChecks(checks, input(raw, {}, { type: 'json_object' }), ctx(judge));
    expect(result.pass, JSON.stringify(result.verdicts)).toBe(true);
    expect(result.answer.text).toBe('{"answer": 4}');
    expect(result.verdicts.map((v) => v.check)).toEqual(['json', 'confidence>=7', 'judge:gpt-4.1-mini>=7']);
    expect(textOf(calls[0]?.messages[1])).not.toContain('Confidence: 9/10');
  });

  it('rejects when the request is aborted, before running another check', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    const aborting: Check = { name: 'abort', kind: 'deterministic', run: async () => (controller.abort(new Error('deadline exceeded')), { check: 'abort', pass: true, detail: '' }) };
    await expect(runChecks([aborting, probe('empty', 'deterministic', true, log)], input('x'), { signal: controller.signal })).rejects.toThrow('deadline exceeded');
    expect(log).toEqual([]);
  });

  it('passes with no checks', async () => {
    expect(await runChecks([], input(''), ctx())).toMatchObject({ pass: true, verdicts: [] });
  });
});
