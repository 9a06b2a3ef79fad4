import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TEXT, wireProblems } from '../support/execute-fixture.js';
import { ASK, startGateway, type GatewayFixture } from './support.js';

let g: GatewayFixture;
beforeAll(async () => {
  g = await startGateway();
});
afterAll(async () => g?.close());
beforeEach(() => {
  g.fakes.reset();
  g.calls.anthropic = 0;
});

type ApiError = InstanceType<typeof Anthropic.APIError>;
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as ApiError);
const weather = { name: 'get_weather', description: 'Weather in a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };

describe('gateway - Anthropic messages through the official @anthropic-ai/sdk', () => {
  it('answers a plain request with the system prompt, usage and the routing headers', async () => {
    const { data, response } = await g.anthropic.messages
      .create({ model: 'switchyard/auto', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: ASK }] })
      .withResponse();
    expect(data.type).toBe('message');
    expect(data.model).toBe('cheap-openai');
    expect(data.content).toEqual([{ type: 'text', text: FAKE_TEXT }]);
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage).toMatchObject({ input_tokens: 24, output_tokens: 8 });
    expect(response.headers.get('x-switchyard-model')).toBe('cheap-openai');
    expect(response.headers.get('x-switchyard-decision-id')).toBe(data.id.replace(/^msg_/, ''));
    const sent = g.fakes.cheap.requests[0]!.body as { messages: { role: string }[]; max_completion_tokens?: number; max_tokens?: number };
    expect(sent.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(sent.max_completion_tokens ?? sent.max_tokens).toBe(100);
    expect(wireProblems(g.fakes.all)).toEqual([]);
  });

  it('streams the real event sequence, which the SDK assembles into the final message', async () => {
    const stream = g.anthropic.messages.stream({ model: 'mid-anthropic', max_tokens: 100, messages: [{ role: 'user', content: ASK }] });
    const events: string[] = [];
    stream.on('streamEvent', (e) => events.push(e.type));
    let text = '';
    stream.on('text', (t) => (text += t));
    const final = await stream.finalMessage();
    expect(text).toBe(FAKE_TEXT);
    expect(final.content).toEqual([{ type: 'text', text: FAKE_TEXT, citations: null }].map(({ citations: _, ...b }) => b).map((b) => expect.objectContaining(b)));
    expect(final.model).toBe('mid-anthropic');
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    const deltas = events.filter((e) => e === 'content_block_delta').length;
    expect(deltas).toBeGreaterThan(1);
    expect(events).toEqual(['message_start', 'content_block_start', ...Array(deltas).fill('content_block_delta'), 'content_block_stop', 'message_delta', 'message_stop']);
  });

  it('returns tool use blocks, plain and streamed', async () => {
    g.fakes.cheap.script({ reply: 'tool-call' }, { reply: 'tool-call' });
    const plain = await g.anthropic.messages.create({ model: 'switchyard/auto', max_tokens: 100, tools: [weather], messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    expect(plain.stop_reason).toBe('tool_use');
    expect(plain.content).toEqual([{ type: 'tool_use', id: 'call_Vn0Xq3kT9mZ2bL8pR4sYwE1a', name: 'get_weather', input: { city: 'Paris' } }]);
    const streamed = await g.anthropic.messages.stream({ model: 'switchyard/auto', max_tokens: 100, tools: [weather], messages: [{ role: 'user', content: 'Weather in Paris?' }] }).finalMessage();
    expect(streamed.stop_reason).toBe('tool_use');
    expect(streamed.content).toEqual([expect.objectContaining({ type: 'tool_use', id: 'call_Vn0Xq3kT9mZ2bL8pR4sYwE1a', name: 'get_weather', input: { city: 'Paris' } })]);
    const sent = g.fakes.cheap.requests[0]!.body as { tools: { function: { name: string; parameters: unknown } }[] };
    expect(sent.tools[0]!.function).toMatchObject({ name: 'get_weather', parameters: weather.input_schema });
  });

  it('carries tool results back as tool messages, before the rest of the user turn', async () => {
    await g.anthropic.messages.create({
      model: 'switchyard/auto',
      max_tokens: 100,
      tools: [weather],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18 C' }, { type: 'text', text: 'And tomorrow?' }] },
      ],
    });
    const sent = g.fakes.cheap.requests[0]!.body as { messages: Record<string, unknown>[] };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    expect(sent.messages[2]).toMatchObject({ tool_call_id: 'toolu_1', content: '18 C' });
    expect(wireProblems(g.fakes.all)).toEqual([]);
  });

  it.each([
    ['a missing max_tokens', { messages: [{ role: 'user', content: ASK }] }, /^max_tokens: is required/],
    ['a bad role', { max_tokens: 10, messages: [{ role: 'system', content: ASK }] }, /^messages\[0\]\.role: /],
    ['a bad tool name in a tool_use block', { max_tokens: 10, messages: [{ role: 'user', content: ASK }, { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'bad name', input: {} }] }, { role: 'user', content: 'ok' }] }, /^messages\[1\]\.tool_calls\[0\]\.name: /],
    ['an empty text block', { max_tokens: 10, system: 'x', messages: [{ role: 'user', content: [] }] }, /^messages\[0\]\.content: must not be empty/],
  ])('%s is a 400 invalid_request_error naming the field, not retried', async (_what, body, message) => {
    const err = await failure(g.anthropic.messages.create({ model: 'switchyard/auto', ...(body as object) } as never));
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err!.error as { type: string; error: { type: string; message: string } }).error.type).toBe('invalid_request_error');
    expect((err!.error as { error: { message: string } }).error.message).toMatch(message);
    expect(err!.headers?.get('x-should-retry')).toBe('false');
    expect(g.calls.anthropic).toBe(1);
  });

  it('an unknown model is a 404 NotFoundError', async () => {
    const err = await failure(g.anthropic.messages.create({ model: 'claude-9', max_tokens: 10, messages: [{ role: 'user', content: ASK }] }));
    expect(err).toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('a stream that fails after it began ends with an error event the SDK raises', async () => {
    g.fakes.mid.script({ fault: 'stream_error' });
    const stream = g.anthropic.messages.stream({ model: 'mid-anthropic', max_tokens: 100, messages: [{ role: 'user', content: ASK }] });
    let text = '';
    stream.on('text', (t) => (text += t));
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(String((err as Error).message)).toMatch(/partial/);
    expect(text.length).toBeGreaterThan(0);
    expect(FAKE_TEXT.startsWith(text) && text !== FAKE_TEXT).toBe(true);
  });

  it('lists models in Anthropic shape for Anthropic clients', async () => {
    const ids: string[] = [];
    for await (const m of g.anthropic.models.list()) ids.push(m.id);
    expect(ids).toEqual(['cheap-openai', 'mid-anthropic', 'upper-gemini', 'top-compat', 'switchyard/auto', 'switchyard/test']);
  });
});
