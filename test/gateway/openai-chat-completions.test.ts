import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TEXT, wireProblems } from '../support/execute-fixture.js';
import { ASK, startGateway, type GatewayFixture } from './support.js';

let g: GatewayFixture;
beforeAll(async () => {
  g = await startGateway({ policies: { quality: { cost_quality_tradeoff: 1, max_fallbacks: 3 } } });
});
afterAll(async () => g?.close());
beforeEach(() => g.fakes.reset());

const user = (content: string) => [{ role: 'user' as const, content }];

describe('gateway - OpenAI chat completions through the official openai SDK', () => {
  it('answers a plain request routed by switchyard/auto, with usage and the routing headers', async () => {
    const { data, response } = await g.openai.chat.completions.create({ model: 'switchyard/auto', messages: user(ASK) }).withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('cheap-openai');
    expect(data.choices[0]!.message.content).toBe(FAKE_TEXT);
    expect(data.choices[0]!.finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({ prompt_tokens: 24, completion_tokens: 8, total_tokens: 32 });
    expect(response.headers.get('x-switchyard-model')).toBe('cheap-openai');
    expect(response.headers.get('x-switchyard-policy')).toBe('test');
    expect(response.headers.get('x-switchyard-decision-id')).toBe(data.id.replace(/^chatcmpl-/, ''));
    expect(Number(response.headers.get('x-switchyard-estimated-cost-usd'))).toBeGreaterThan(0);
    expect(Number(response.headers.get('x-switchyard-cost-usd'))).toBeCloseTo((24 * 1 + 8 * 2) / 1e6, 12);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(g.fakes.cheap.requests).toHaveLength(1);
    expect(wireProblems(g.fakes.all)).toEqual([]);
  });

  it('echoes the client x-request-id', async () => {
    const { response } = await g.openai.chat.completions.create({ model: 'switchyard/auto', messages: user(ASK) }, { headers: { 'x-request-id': 'req-123' } }).withResponse();
    expect(response.headers.get('x-request-id')).toBe('req-123');
  });

  it('routes switchyard/<policy> by that policy', async () => {
    const { data, response } = await g.openai.chat.completions.create({ model: 'switchyard/quality', messages: user(ASK) }).withResponse();
    expect(response.headers.get('x-switchyard-policy')).toBe('quality');
    expect(data.model).not.toBe('cheap-openai');
    expect(g.fakes.cheap.requests).toHaveLength(0);
  });

  it('passes a catalog model through to its provider', async () => {
    const r = await g.openai.chat.completions.create({ model: 'mid-anthropic', messages: user(ASK) });
    expect(r.model).toBe('mid-anthropic');
    expect(r.choices[0]!.message.content).toBe(FAKE_TEXT);
    expect(g.fakes.mid.requests).toHaveLength(1);
    expect(g.fakes.cheap.requests).toHaveLength(0);
  });

  it('fails a catalog model over to the policy fallbacks when its provider fails, and says which model answered', async () => {
    g.fakes.mid.script({ fault: 'server_error' }, { fault: 'server_error' });
    const { data, response } = await g.openai.chat.completions.create({ model: 'mid-anthropic', messages: user(ASK) }).withResponse();
    expect(data.model).not.toBe('mid-anthropic');
    expect(response.headers.get('x-switchyard-model')).toBe(data.model);
    expect(g.fakes.mid.requests).toHaveLength(2);
    expect(data.choices[0]!.message.content).toBe(FAKE_TEXT);
  });

  it('sends tools to the model and returns its tool calls', async () => {
    g.fakes.cheap.script({ reply: 'tool-call' });
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
    const r = await g.openai.chat.completions.create({ model: 'switchyard/auto', messages: user('Weather in Paris?'), tools });
    expect(r.choices[0]!.finish_reason).toBe('tool_calls');
    expect(r.choices[0]!.message.tool_calls).toEqual([{ id: 'call_Vn0Xq3kT9mZ2bL8pR4sYwE1a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    const sent = g.fakes.cheap.requests[0]!.body as { tools: { function: { name: string; parameters: unknown } }[] };
    expect(sent.tools[0]!.function.name).toBe('get_weather');
    expect(sent.tools[0]!.function.parameters).toEqual(tools[0]!.function.parameters);
  });

  it('carries a tool result back to the model', async () => {
    await g.openai.chat.completions.create({
      model: 'switchyard/auto',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '18 C and sunny' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }],
    });
    const sent = g.fakes.cheap.requests[0]!.body as { messages: Record<string, unknown>[] };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(sent.messages[2]).toMatchObject({ tool_call_id: 'call_1', content: '18 C and sunny' });
    expect(wireProblems(g.fakes.all)).toEqual([]);
  });

  it.each([
    ['json_schema', { type: 'json_schema', json_schema: { name: 'city', schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
    ['json_object', { type: 'json_object' }],
  ] as const)('passes response_format %s to the provider', async (type, response_format) => {
    g.fakes.cheap.script({ reply: 'json' });
    await g.openai.chat.completions.create({ model: 'switchyard/auto', messages: user('Which city? Answer in JSON.'), response_format });
    const sent = g.fakes.cheap.requests[0]!.body as { response_format: { type: string; json_schema?: { name: string; schema: unknown } } };
    expect(sent.response_format.type).toBe(type);
    if (type === 'json_schema') expect(sent.response_format.json_schema).toMatchObject({ name: 'city', schema: response_format.json_schema!.schema });
  });

  it.each([
    ['max_tokens', { max_tokens: 77 }],
    ['max_completion_tokens', { max_completion_tokens: 77 }],
  ] as const)('passes %s on as the answer length limit', async (_name, limit) => {
    await g.openai.chat.completions.create({ model: 'switchyard/auto', messages: user(ASK), ...limit });
    const sent = g.fakes.cheap.requests[0]!.body as Record<string, unknown>;
    expect(sent.max_completion_tokens ?? sent.max_tokens).toBe(77);
  });

  it('lists the catalog models and the routed names', async () => {
    const ids: string[] = [];
    for await (const m of g.openai.models.list()) ids.push(m.id);
    expect(ids).toEqual(['cheap-openai', 'mid-anthropic', 'upper-gemini', 'top-compat', 'switchyard/auto', 'switchyard/test', 'switchyard/quality']);
  });
});
