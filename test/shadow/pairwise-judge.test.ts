/** The pairwise judge: its fixed template, the strict reading of a verdict, and the two orders combined. */
import { describe, expect, it } from 'vitest';
import { pairwiseVerdict } from '../../services/executor/simulator/pairwise-verdict.js';
import { PAIRWISE_SYSTEM, combineVerdicts, pairwisePrompt, parseVerdict } from '../../services/router/shadow/pairwise-judge.js';

const question = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'What is 2 + 2?' }] }];

describe('pairwise judge - the template', () => {
  it('shows the question, answer A and answer B in tags, and asks for one of three lines', () => {
    const [system, user] = pairwisePrompt(question, { text: 'Four.', toolCalls: [] }, { text: '4', toolCalls: [{ name: 'calc', arguments: '{"x":1}' }] });
    expect(system!.role).toBe('system');
    expect(system!.content).toEqual([{ type: 'text', text: PAIRWISE_SYSTEM }]);
    expect(PAIRWISE_SYSTEM).toContain('`Verdict: A`, `Verdict: B` or `Verdict: tie`');
    expect(user!.content).toEqual([
      {
        type: 'text',
        text: '<question>\n[user]\nWhat is 2 + 2?\n</question>\n\n<answer_a>\n[assistant]\nFour.\n</answer_a>\n\n<answer_b>\n[assistant]\n4\n[tool call calc({"x":1})]\n</answer_b>',
      },
    ]);
  });

  it('clips a long answer, keeping its start and end', () => {
    const long = `start ${'x'.repeat(20_000)} end`;
    const text = (pairwisePrompt(question, { text: long, toolCalls: [] }, { text: 'b', toolCalls: [] })[1]!.content[0] as { text: string }).text;
    expect(text.length).toBeLessThan(9_000);
    expect(text).toMatch(/<answer_a>\n\[assistant\]\nstart x+\n\[\.\.\. \d+ characters omitted \.\.\.\]\nx+ end\n<\/answer_a>/);
  });
});

describe('pairwise judge - reading a verdict strictly', () => {
  it('reads exactly the three lines, case and spaces aside', () => {
    expect(parseVerdict('Verdict: A')).toBe('A');
    expect(parseVerdict('  verdict:b \n')).toBe('B');
    expect(parseVerdict('VERDICT : Tie')).toBe('tie');
  });

  it('anything else is unparsable', () => {
    for (const reply of ['A', 'Verdict: A because it is right', 'Verdict: C', '**Verdict: A**', 'Verdict: A\nVerdict: B', 'I prefer B.', '']) {
      expect(parseVerdict(reply), reply).toBeUndefined();
    }
  });
});

describe('pairwise judge - both orders', () => {
  it('agreement is the grade; disagreement is a tie', () => {
    // routedFirst: the routed answer is A; referenceFirst: the reference is A.
    expect(combineVerdicts('A', 'B')).toBe('win');
    expect(combineVerdicts('B', 'A')).toBe('loss');
    expect(combineVerdicts('tie', 'tie')).toBe('tie');
    // Position bias: the judge prefers whatever is shown first.
    expect(combineVerdicts('A', 'A')).toBe('tie');
    expect(combineVerdicts('B', 'B')).toBe('tie');
    expect(combineVerdicts('A', 'tie')).toBe('tie');
  });
});

describe('pairwise judge - the simulator answers the template', () => {
  it('from the replayed quality markers when both answers have one, else from the length, in either order', () => {
    const prompt = (a: string, b: string) => (pairwisePrompt(question, { text: a, toolCalls: [] }, { text: b, toolCalls: [] })[1]!.content[0] as { text: string }).text;
    expect(pairwiseVerdict(prompt('x [replay-quality: 0.900]', 'a longer answer [replay-quality: 0.200]'))).toBe('Verdict: A');
    expect(pairwiseVerdict(prompt('a longer answer [replay-quality: 0.200]', 'x [replay-quality: 0.900]'))).toBe('Verdict: B');
    expect(pairwiseVerdict(prompt('short', 'longer'))).toBe('Verdict: B');
    expect(pairwiseVerdict(prompt('same', 'same'))).toBe('Verdict: tie');
    expect(pairwiseVerdict('What is 2 + 2?')).toBeUndefined();
  });
});
