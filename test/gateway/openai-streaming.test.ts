import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TEXT } from '../support/execute-fixture.js';
import { ASK, startGateway, type GatewayFixture } from './support.js';

let g: GatewayFixture;
beforeAll(async () => {
  g = await startGateway();
});
afterAll(async () => g?.close());
beforeEach(() => g.fakes.reset());

const user = (content: string) => [{ role: 'user' as const, content }];

describe('gateway - OpenAI streaming through the official openai SDK', () => {
  it('streams the text in chunks and, with include_usage, ends with a usage-only chunk', async () => {
    const { data: stream, response } = await g.openai.chat.completions
      .create({ model: 'switchyard/auto', messages: user(ASK), stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-switchyard-model')).toBe('cheap-openai');
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(FAKE_TEXT);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'cheap-openai')).toBe(true);
    const finish = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finish.map((c) => c.choices[0]!.finish_reason)).toEqual(['stop']);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 24, completion_tokens: 8, total_tokens: 32 });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('without include_usage sends no usage chunk', async () => {
    const stream = await g.openai.chat.completions.create({ model: 'switchyard/auto', messages: user(ASK), stream: true });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.every((c) => c.choices.length === 1 && c.usage === undefined)).toBe(true);
  });

  it('assembles a streamed tool call the way the SDK stream helper expects', async () => {
    g.fakes.cheap.script({ reply: 'tool-call' });
    const stream = g.openai.chat.completions.stream({
      model: 'switchyard/auto',
      messages: user('Weather in Paris?'),
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(final.choices[0]!.message.tool_calls).toEqual([{ id: 'call_Vn0Xq3kT9mZ2bL8pR4sYwE1a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
  });

  it('fails over to the next model when a stream breaks before its first token, and streams only that model', async () => {
    g.fakes.cheap.script({ streamCut: 'stream_error', afterChunks: 1 }, { streamCut: 'stream_error', afterChunks: 1 });
    const { data: stream, response } = await g.openai.chat.completions.create({ model: 'switchyard/auto', messages: user(ASK), stream: true }).withResponse();
    expect(response.headers.get('x-switchyard-model')).toBe('mid-anthropic');
    let text = '';
    const models = new Set<string>();
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? '';
      models.add(c.model);
    }
    expect(text).toBe(FAKE_TEXT);
    expect([...models]).toEqual(['mid-anthropic']);
    expect(g.fakes.mid.requests).toHaveLength(1);
  });

  it('ends a stream that fails after its first token with an error the SDK raises, not a short success', async () => {
    g.fakes.cheap.script({ fault: 'stream_error' });
    const stream = await g.openai.chat.completions.create({ model: 'switchyard/auto', messages: user(ASK), stream: true });
    let text = '';
    const finishes: string[] = [];
    const err = await (async () => {
      for await (const c of stream) {
        text += c.choices[0]?.delta.content ?? '';
        if (c.choices[0]?.finish_reason) finishes.push(c.choices[0].finish_reason);
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toMatch(/partial/);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('stream_interrupted');
    expect(text.length).toBeGreaterThan(0);
    expect(FAKE_TEXT.startsWith(text) && text !== FAKE_TEXT).toBe(true);
    expect(finishes).toEqual([]);
    expect(g.fakes.mid.requests).toHaveLength(0);
  });

  it('answers with an error status, not a stream, when every model fails before the first token', async () => {
    for (const f of g.fakes.all) f.script({ fault: 'auth' }, { fault: 'auth' });
    const err = await g.openai.chat.completions.create({ model: 'switchyard/auto', messages: user(ASK), stream: true }, { maxRetries: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('x-should-retry')).toBe('false');
  });
});
