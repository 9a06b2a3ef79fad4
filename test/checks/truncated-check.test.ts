import { describe, expect, it } from 'vitest';
import { TruncatedCheck, unclosedFenceLine } from '../../services/router/execute/checks/truncated-check.js';
import { ctx, input, toolCall } from './support.js';

const check = new TruncatedCheck();
const JSON_OBJECT = { type: 'json_object' } as const;

describe('truncated - answers that stop early fail', () => {
  it('finish reason length', async () => {
    const v = await check.run(input('The three causes were, first, the', { finishReason: 'length' }), ctx());
    expect(v).toEqual({ check: 'truncated', pass: false, detail: 'the model stopped at its output token limit (finish reason length)' });
  });

  it('an unclosed code fence', async () => {
    const text = 'Here is the function:\n\n```ts\nexport function add(a: number, b: number) {\n  return a + b;\n';
    expect(await check.run(input(text), ctx())).toMatchObject({ pass: false, detail: 'the code fence opened on line 3 is never closed' });
  });

  it('JSON that stops inside a string or with a bracket open, when JSON was asked', async () => {
    for (const text of ['{"name": "Ada Lovelace", "born": 1815, "works": ["Notes on the Analytical', '```json\n{"items": [1, 2, 3]\n```']) {
      const v = await check.run(input(text, {}, JSON_OBJECT), ctx());
      expect(v.pass, text).toBe(false);
      expect(v.detail).toMatch(/JSON was asked and the JSON text ends/);
    }
  });

  it("a tool call's arguments cut short", async () => {
    const v = await check.run(input('', { toolCalls: [toolCall('create_event', '{"title": "Standup", "attendees": ["ana@')] }), ctx());
    expect(v).toMatchObject({ pass: false, detail: 'the arguments of tool call "create_event" end before their JSON closes' });
  });
});

describe('truncated - complete answers pass', () => {
  it('closed fences, including a longer closing fence and a nested shorter one', async () => {
    const text = 'Example:\n\n````md\n```js\nconsole.log(1)\n```\n`````\n\nDone.';
    expect(unclosedFenceLine(text)).toBe(0);
    expect((await check.run(input(text), ctx())).pass).toBe(true);
  });

  it('a tilde fence is not closed by backticks', () => {
    expect(unclosedFenceLine('~~~\ncode\n```\n')).toBe(1);
  });

  it('inline triple backticks in prose do not open a fence', async () => {
    expect((await check.run(input('Wrap code in ``` fences, like ```this```.'), ctx())).pass).toBe(true);
  });

  it('an unbalanced brace when no JSON was asked', async () => {
    expect((await check.run(input('Use the form {key: value'), ctx())).pass).toBe(true);
  });

  it('malformed but complete JSON is the json check\'s business', async () => {
    expect((await check.run(input('{"a": 1}}', {}, JSON_OBJECT), ctx())).pass).toBe(true);
    expect((await check.run(input('{"quote": "she said \\"hi\\" {"}', {}, JSON_OBJECT), ctx())).pass).toBe(true);
  });
});
