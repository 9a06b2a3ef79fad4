import { describe, expect, it } from 'vitest';
import { CONFIDENCE_INSTRUCTION, ConfidenceCheck, findRating } from '../../services/router/execute/checks/confidence-check.js';
import type { ChatMessage } from '../../services/shared/contracts/provider.js';
import { answer, ctx, input, textOf, toolCall, user } from './support.js';

const check = new ConfidenceCheck({ min: 7 });
const raw = 'The Great Fire of London began on 2 September 1666 in a bakery on Pudding Lane.\n\nConfidence: 9/10';

describe('confidence - prepare', () => {
  it('adds the instruction after the leading system messages, without touching them', () => {
    const system: ChatMessage = { role: 'system', content: [{ type: 'text', text: 'You are a history tutor.' }] };
    const messages = [system, user('When did the Great Fire of London start?')];
    const prepared = check.prepare(messages);
    expect(prepared).toHaveLength(3);
    expect(prepared[0]).toBe(system);
    expect(prepared[1]).toEqual({ role: 'system', content: [{ type: 'text', text: CONFIDENCE_INSTRUCTION }] });
    expect(textOf(prepared[1])).toContain('Confidence: N/10');
    expect(messages).toHaveLength(2);
    expect(check.prepare([user('Hi')])[0]?.role).toBe('system');
  });
});

describe('confidence - run reads the raw answer', () => {
  it('passes at or above the minimum', async () => {
    expect(await check.run(input(raw), ctx())).toEqual({ check: 'confidence>=7', pass: true, detail: 'self-rated 9/10 (minimum 7)' });
  });

  it('fails below the minimum', async () => {
    const v = await check.run(input('Probably around 1650.\n\n**Confidence:** 4/10'), ctx());
    expect(v).toMatchObject({ pass: false, detail: 'self-rated 4/10, below the minimum 7' });
  });

  it('fails when the line is missing or out of range', async () => {
    expect(await check.run(input('It began in 1666.'), ctx())).toMatchObject({ pass: false, detail: 'the answer has no "Confidence: N/10" line' });
    expect(await check.run(input('It began in 1666.\nConfidence: 85'), ctx())).toMatchObject({ pass: false, detail: expect.stringMatching(/not a number from 0 to 10/) });
  });

  it('reads the rating from rawAnswer when the answer was already cleaned', async () => {
    const cleaned = check.clean(answer(raw));
    const v = await check.run({ ...input(cleaned.text), rawAnswer: answer(raw) }, ctx());
    expect(v.pass).toBe(true);
  });

  it('passes tool calls without text', async () => {
    expect((await check.run(input('', { toolCalls: [toolCall('search', '{}')] }), ctx())).pass).toBe(true);
  });

  it('accepts the common spellings', () => {
    expect(findRating('x\nConfidence: 8/10')?.value).toBe(8);
    expect(findRating('x\n- Confidence level: 7 out of 10.')?.value).toBe(7);
    expect(findRating('x\n_Confidence_: 90%')?.value).toBe(9);
    expect(findRating('x\nConfidence = 6.5 / 10\n\nHope this helps!')?.value).toBe(6.5);
    expect(findRating('Confidence: 8/10 is what the report says.\nMore text.')).toBeUndefined();
  });
});

describe('confidence - clean', () => {
  it('strips the rating line and a rule above it', () => {
    expect(check.clean(answer(raw)).text).toBe('The Great Fire of London began on 2 September 1666 in a bakery on Pudding Lane.');
    expect(check.clean(answer('Answer body.\n\n---\nConfidence: 8/10\n')).text).toBe('Answer body.');
  });

  it('leaves an answer without a rating alone', () => {
    const a = answer('No rating here.\n');
    expect(check.clean(a)).toBe(a);
  });
});
