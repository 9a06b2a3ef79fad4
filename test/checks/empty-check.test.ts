import { describe, expect, it } from 'vitest';
import { EmptyCheck } from '../../services/router/execute/checks/empty-check.js';
import { ctx, input, toolCall } from './support.js';

const check = new EmptyCheck();

describe('empty - answers with nothing in them', () => {
  it('no text and no tool calls fails', async () => {
    expect(await check.run(input(''), ctx())).toEqual({ check: 'empty', pass: false, detail: 'no text and no tool calls' });
  });

  it('whitespace, zero-width spaces and a BOM fail', async () => {
    const v = await check.run(input(' \n\t\u200B\uFEFF\n'), ctx());
    expect(v).toMatchObject({ pass: false, detail: 'only whitespace (6 characters) and no tool calls' });
  });

  it('tool calls without text pass', async () => {
    const v = await check.run(input('', { toolCalls: [toolCall('get_weather', '{"city":"Oslo"}')], finishReason: 'tool_calls' }), ctx());
    expect(v).toMatchObject({ pass: true, detail: '1 tool call(s)' });
  });

  it('any text passes, even a short one', async () => {
    expect((await check.run(input('42'), ctx())).pass).toBe(true);
  });
});
