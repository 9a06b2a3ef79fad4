import { describe, expect, it } from 'vitest';
import { HedgingCheck } from '../../services/router/execute/checks/hedging-check.js';
import { ctx, input, toolCall } from './support.js';

const check = new HedgingCheck();
const verdict = (text: string, more = {}) => check.run(input(text, more), ctx());

describe('hedging - non-answers fail', () => {
  it.each([
    "I'm not sure, but it might be 1912.",
    "I don't know.",
    "It's unclear which version introduced that flag. I cannot be certain it exists at all.",
    'It depends on many factors.',
    'It depends on your situation. Every case is different.',
    "That's hard to say without more context. I might be wrong, but it could be a caching issue.",
    "I'm not entirely sure what causes this. It could be the driver, or it could be the kernel.",
  ])('%s', async (text) => {
    const v = await verdict(text);
    expect(v.pass, v.detail).toBe(false);
    expect(v.detail).toMatch(/\d+ of \d+ sentence\(s\) hedge \(".+"\): at least 40%/);
  });
});

describe('hedging - committed answers pass', () => {
  it('one hedge in an otherwise complete answer', async () => {
    const text = [
      'The Treaty of Westphalia was signed in 1648 in Osnabrück and Münster.',
      "It ended the Thirty Years' War in the Holy Roman Empire and the Eighty Years' War between Spain and the Dutch Republic.",
      'It established the principle that each state has sovereignty over its own territory.',
      "It's unclear how much the treaties themselves shaped later ideas of sovereignty, and historians still debate it.",
      'Most textbooks nevertheless treat 1648 as the start of the modern state system.',
    ].join(' ');
    const v = await verdict(text);
    expect(v.pass, v.detail).toBe(true);
    expect(v.detail).toBe('1 of 5 sentence(s) hedge ("it\'s unclear"): under 40%');
  });

  it('"it depends" followed by the answer', async () => {
    const text = 'It depends on your workload. If most queries are reads, use PostgreSQL with read replicas. For heavy writes, consider Cassandra.';
    expect((await verdict(text)).pass).toBe(true);
    expect((await verdict('It depends on the size:\n- under 1 GB: SQLite\n- above: PostgreSQL')).pass).toBe(true);
  });

  it('a hedge the answer quotes', async () => {
    expect((await verdict('Reply to the customer with "I don\'t know yet, I will check with the team." and send it today.')).pass).toBe(true);
  });

  it('no hedge at all, and tool calls', async () => {
    expect(await verdict('The boiling point of water at sea level is 100 °C.')).toMatchObject({ pass: true, detail: 'no hedge in 1 sentence(s)' });
    expect((await verdict("I'm not sure; let me check.", { toolCalls: [toolCall('search', '{}')] })).pass).toBe(true);
  });
});
