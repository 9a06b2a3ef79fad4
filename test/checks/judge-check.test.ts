import { describe, expect, it } from 'vitest';
import { DEFAULT_RUBRIC, JudgeCheck, parseJudgeReply } from '../../services/router/execute/checks/judge-check.js';
import type { CheckInput } from '../../services/router/execute/checks/check.js';
import { USAGE, answer, ctx, fakeJudge, textOf, user } from './support.js';

const check = new JudgeCheck({ model: 'gpt-4.1-mini', min_score: 7, rubric: 'The SQL must be valid PostgreSQL and answer the question.' });
const sql: CheckInput = {
  messages: [
    { role: 'system', content: [{ type: 'text', text: 'You write SQL for a PostgreSQL 16 database.' }] },
    user('Count the orders placed in March 2024 per customer.'),
  ],
  responseFormat: { type: 'text' },
  answer: answer("SELECT customer_id, count(*) FROM orders WHERE placed_at >= '2024-03-01' AND placed_at < '2024-04-01' GROUP BY customer_id;"),
};

describe('judge - asks the judge model with the rubric, the conversation and the answer', () => {
  it('sends one call with both messages and the signal', async () => {
    const { judge, calls } = fakeJudge('Score: 9/10\nReason: Correct half-open date range and grouping.');
    const c = ctx(judge);
    await check.run(sql, c);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.model).toBe('gpt-4.1-mini');
    expect(call?.signal).toBe(c.signal);
    expect(call?.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(textOf(call?.messages[0])).toContain('The SQL must be valid PostgreSQL and answer the question.');
    expect(textOf(call?.messages[0])).toContain('Score: N/10');
    const body = textOf(call?.messages[1]);
    expect(body).toContain('[system]\nYou write SQL for a PostgreSQL 16 database.');
    expect(body).toContain('[user]\nCount the orders placed in March 2024 per customer.');
    expect(body).toMatch(/<answer>\n\[assistant\]\nSELECT customer_id[\s\S]*<\/answer>$/);
  });

  it('uses the default rubric and mentions a requested JSON schema', async () => {
    const { judge, calls } = fakeJudge('Score: 8/10');
    const plain = new JudgeCheck({ model: 'claude-haiku', min_score: 6 });
    await plain.run({ ...sql, responseFormat: { type: 'json_schema', name: 'report', schema: { type: 'object' } } }, ctx(judge));
    expect(textOf(calls[0]?.messages[0])).toContain(DEFAULT_RUBRIC);
    expect(textOf(calls[0]?.messages[1])).toContain('JSON matching this schema (report): {"type":"object"}');
  });
});

describe('judge - verdicts', () => {
  it('passes at or above min_score and reports the cost', async () => {
    const { judge } = fakeJudge('Score: 9/10\nReason: Correct half-open date range and grouping.');
    expect(await check.run(sql, ctx(judge))).toEqual({
      check: 'judge:gpt-4.1-mini>=7',
      pass: true,
      detail: 'judge scored 9/10, at or above the minimum 7: Correct half-open date range and grouping.',
      usage: USAGE,
      costUsd: 0.00042,
      judgeModel: 'gpt-4.1-mini-2025-04-14',
    });
  });

  it('fails below min_score', async () => {
    const { judge } = fakeJudge('**Score:** 4/10\n**Reason:** Uses MySQL date functions.');
    expect(await check.run(sql, ctx(judge))).toMatchObject({ pass: false, detail: 'judge scored 4/10, below the minimum 7: Uses MySQL date functions.', costUsd: 0.00042 });
  });

  it('fails an unparseable reply, still reporting the cost', async () => {
    const { judge } = fakeJudge('The query looks fine to me.');
    expect(await check.run(sql, ctx(judge))).toMatchObject({ pass: false, detail: 'the judge gave no "Score: N/10" in 0..10', usage: USAGE });
  });

  it('fails without a judge call, clearly', async () => {
    expect(await check.run(sql, ctx())).toMatchObject({ pass: false, detail: expect.stringMatching(/no judge call is available/) });
  });

  it('fails when the judge call fails, and rejects when the request was aborted', async () => {
    const failing = fakeJudge(() => Promise.reject(new Error('HTTP 503 from provider openai')));
    expect(await check.run(sql, ctx(failing.judge))).toMatchObject({ pass: false, detail: 'the judge call to gpt-4.1-mini failed: HTTP 503 from provider openai' });
    const controller = new AbortController();
    const aborting = fakeJudge(() => {
      controller.abort(new Error('client cancelled'));
      return Promise.reject(new Error('aborted'));
    });
    await expect(check.run(sql, { judge: aborting.judge, signal: controller.signal })).rejects.toThrow('client cancelled');
  });
});

describe('judge - parsing replies', () => {
  it.each([
    ['Score: 8/10\nReason: Good.', 8, 'Good.'],
    ['score 7 out of 10 - mostly right', 7, ''],
    ['Reasoning first: the answer misses one case.\n\nFinal score: 6/10', 6, 'Reasoning first: the answer misses one case.'],
    ['## Score: 4/5\nReason: Minor style issues.', 8, 'Minor style issues.'],
    ['I would give this 9/10 because it is complete.', 9, 'I would give this 9/10 because it is complete.'],
    ['Score: 7.5/10', 7.5, ''],
  ])('%j', (reply, score, reason) => {
    expect(parseJudgeReply(reply)).toEqual({ score, reason });
  });

  it('rejects scores outside 0..10 and replies without one', () => {
    expect(parseJudgeReply('Score: 85').score).toBeUndefined();
    expect(parseJudgeReply('Looks great!').score).toBeUndefined();
  });
});
