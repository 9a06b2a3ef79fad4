/**
 * The official OpenAI SDK as the judge of the wire format. Pointed at the fake, the SDK's
 * requests must pass the fake's checks and the fake's recorded replies must parse, so the
 * fake cannot drift from what OpenAI really accepts and sends. Pointed at the simulator, the
 * SDK must get well-formed answers, streams and errors.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openAICompatibleAdapter } from '../../services/executor/providers/openai-compatible.js';
import { startSimulator, type Simulator } from '../../services/executor/simulator/simulator-server.js';
import { startOpenAIFake } from '../fakes/openai-fake.js';
import { EXPECTED, PNG_BASE64, type ProviderFake, type RecordedRequest } from '../fakes/fake-contract.js';

const KEY = 'sk-sdk-truth-0123456789';
const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  },
};
const CITY_FORMAT = {
  type: 'json_schema' as const,
  json_schema: {
    name: 'city',
    strict: true,
    schema: { type: 'object', properties: { city: { type: 'string' }, country: { type: 'string' } }, required: ['city', 'country'], additionalProperties: false },
  },
};

describe('openai sdk against the fake', () => {
  let fake: ProviderFake;
  let client: OpenAI;
  beforeAll(async () => {
    fake = await startOpenAIFake({ apiKey: KEY });
    client = new OpenAI({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const only = (): RecordedRequest => {
    expect(fake.requests).toHaveLength(1);
    return fake.requests[0] as RecordedRequest;
  };

  it('sdk - a full request passes the fake checks and the text reply parses', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Answer in one sentence.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is the capital of France?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_BASE64}`, detail: 'low' } },
            { type: 'image_url', image_url: { url: 'https://example.com/paris.jpg' } },
          ],
        },
      ],
      max_completion_tokens: 64,
      temperature: 0.2,
    });
    expect(only().problems).toEqual([]);
    expect(completion.choices[0]?.message.content).toBe(EXPECTED.text);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.prompt_tokens).toBe(EXPECTED.textUsage.inputTokens);
  });

  it('sdk - tools, tool_choice and a tool call reply', async () => {
    fake.script({ reply: 'tool-call' });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [WEATHER_TOOL],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(only().problems).toEqual([]);
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual(EXPECTED.toolCall.arguments);
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('sdk - the tool result round trip passes the fake checks', async () => {
    fake.script({ reply: 'tool-result' });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp_c":18}' },
      ],
      tools: [WEATHER_TOOL],
    });
    expect(only().problems).toEqual([]);
    expect(completion.choices[0]?.message.content).toBe(EXPECTED.toolResultText);
  });

  it('sdk - json_schema and json_object requests pass; cached tokens parse', async () => {
    fake.script({ reply: 'json' }, { reply: 'cached-usage' });
    const json = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Capital of France?' }], response_format: CITY_FORMAT });
    expect(JSON.parse(json.choices[0]?.message.content ?? '')).toEqual(EXPECTED.json);
    const cached = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Reply in JSON.' }], response_format: { type: 'json_object' } });
    expect(cached.usage?.prompt_tokens_details?.cached_tokens).toBe(EXPECTED.cachedUsage.cachedInputTokens);
    expect(fake.requests.map((r) => r.problems)).toEqual([[], []]);
  });

  it('sdk - the fake rejects what the API rejects', async () => {
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }], response_format: { type: 'json_object' }, max_tokens: 5 });
    expect(only().problems).toEqual([
      'max_tokens is deprecated: send max_completion_tokens',
      "'messages' must contain the word 'json' to use response_format json_object",
    ]);
  });

  it('sdk - stream with usage: deltas, finish reason, usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'What is the capital of France?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const finishes: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      const finish = chunk.choices[0]?.finish_reason;
      if (finish) finishes.push(finish);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(only().problems).toEqual([]);
    expect(text).toBe(EXPECTED.text);
    expect(finishes).toEqual(['stop']);
    expect(usage?.completion_tokens).toBe(EXPECTED.textUsage.outputTokens);
  });

  it('sdk - stream without include_usage carries no usage', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => c.usage === undefined && c.choices.length === 1)).toBe(true);
  });

  it("sdk - the SDK's own accumulator assembles the streamed tool call", async () => {
    fake.script({ reply: 'tool-call' });
    const runner = client.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [WEATHER_TOOL],
      stream_options: { include_usage: true },
    });
    const final = await runner.finalChatCompletion();
    expect(only().problems).toEqual([]);
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual(EXPECTED.toolCall.arguments);
    expect(final.usage?.prompt_tokens).toBe(EXPECTED.toolCallUsage.inputTokens);
  });

  it('sdk - error bodies and headers parse as the SDK expects', async () => {
    fake.script({ fault: 'rate_limit' }, { fault: 'context_length' }, { fault: 'auth' });
    const ask = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
    const limited = await ask().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('2');
    const tooLong = await ask().catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tooLong as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
    expect(await ask().catch((e: unknown) => e)).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('sdk - an error in the stream is an APIError', async () => {
    fake.script({ fault: 'stream_error' });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    const error = await (async () => {
      for await (const _chunk of stream);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).type).toBe('server_error');
  });
});

describe('openai sdk against the simulator', () => {
  let sim: Simulator;
  let client: OpenAI;
  beforeAll(async () => {
    sim = await startSimulator({
      ttftMs: 5,
      tokensPerSecond: 5000,
      models: ['sim-small', { id: 'sim-tiny-window', contextWindow: 20 }, { id: 'sim-slow', ttftMs: 200, tokensPerSecond: 20 }],
    });
    client = new OpenAI({ apiKey: 'unused', baseURL: sim.url, maxRetries: 0 });
  });
  afterAll(() => sim.close());

  it('simulator - lists its models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['sim-small', 'sim-tiny-window', 'sim-slow']);
  });

  it('simulator - a deterministic answer that says it is simulated, usage from chars/4', async () => {
    const messages = [{ role: 'user' as const, content: 'Tell me about Paris in two sentences.' }];
    const a = await client.chat.completions.create({ model: 'sim-small', messages });
    const b = await client.chat.completions.create({ model: 'sim-small', messages });
    const text = a.choices[0]?.message.content ?? '';
    expect(text).toMatch(/simulated/i);
    expect(b.choices[0]?.message.content).toBe(text);
    expect(a.choices[0]?.finish_reason).toBe('stop');
    expect(a.usage).toMatchObject({ prompt_tokens: Math.ceil(messages[0]!.content.length / 4), completion_tokens: Math.ceil(text.length / 4) });
  });

  it('simulator - JSON when asked: json_object and json_schema', async () => {
    const object = await client.chat.completions.create({ model: 'sim-small', messages: [{ role: 'user', content: 'Reply in JSON.' }], response_format: { type: 'json_object' } });
    expect(JSON.parse(object.choices[0]?.message.content ?? '')).toMatchObject({ simulated: true });
    const schema = await client.chat.completions.create({ model: 'sim-small', messages: [{ role: 'user', content: 'Capital?' }], response_format: CITY_FORMAT });
    const value = JSON.parse(schema.choices[0]?.message.content ?? '') as Record<string, unknown>;
    expect(Object.keys(value).sort()).toEqual(['city', 'country']);
    expect(typeof value.city).toBe('string');
  });

  it('simulator - tools get a tool call, then a text answer to the tool result', async () => {
    const first = await client.chat.completions.create({ model: 'sim-small', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [WEATHER_TOOL] });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && Object.keys(JSON.parse(call.function.arguments))).toEqual(['city']);
    const second = await client.chat.completions.create({
      model: 'sim-small',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: first.choices[0]?.message.tool_calls ?? [] },
        { role: 'tool', tool_call_id: call?.id ?? '', content: '{"temp_c":18}' },
      ],
      tools: [WEATHER_TOOL],
    });
    expect(second.choices[0]?.finish_reason).toBe('stop');
  });

  it('simulator - max_completion_tokens truncates with finish_reason length', async () => {
    const c = await client.chat.completions.create({ model: 'sim-small', messages: [{ role: 'user', content: 'Hi' }], max_completion_tokens: 5 });
    expect(c.choices[0]?.finish_reason).toBe('length');
    expect(c.usage?.completion_tokens).toBe(5);
    expect(c.choices[0]?.message.content).toHaveLength(20);
  });

  it('simulator - streams the same answer, with usage, and the SDK assembles tool calls', async () => {
    const messages = [{ role: 'user' as const, content: 'Tell me about Paris.' }];
    const plain = await client.chat.completions.create({ model: 'sim-small', messages });
    const stream = await client.chat.completions.create({ model: 'sim-small', messages, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(plain.choices[0]?.message.content);
    expect(usage).toEqual(plain.usage);
    const runner = client.chat.completions.stream({ model: 'sim-small', messages: [{ role: 'user', content: 'Weather?' }], tools: [WEATHER_TOOL] });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toHaveProperty('city');
  });

  it('simulator - unknown model is 404 model_not_found; an over-long prompt is context_length_exceeded', async () => {
    const missing = await client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    const long = await client.chat.completions
      .create({ model: 'sim-tiny-window', messages: [{ role: 'user', content: 'x'.repeat(400) }] })
      .catch((e: unknown) => e);
    expect(long).toBeInstanceOf(OpenAI.BadRequestError);
    expect((long as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
  });

  it('simulator - sends no chunk before the time to first token has passed', async () => {
    const waits: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const gated = await startSimulator({
      models: [{ id: 'sim-slow', ttftMs: 200, tokensPerSecond: 20 }],
      sleep: (ms) => {
        waits.push(ms);
        return waits.length === 1 ? gate : Promise.resolve();
      },
    });
    try {
      const c = new OpenAI({ apiKey: 'unused', baseURL: gated.url, maxRetries: 0 });
      const stream = await c.chat.completions.create({ model: 'sim-slow', messages: [{ role: 'user', content: 'Hi' }], stream: true });
      const chunks = stream[Symbol.asyncIterator]();
      const first = chunks.next();
      let arrived = false;
      void first.then(() => {
        arrived = true;
      });
      await new Promise((r) => setImmediate(r));
      expect(waits).toEqual([200]);
      expect(arrived).toBe(false);
      release();
      const chunk = await first;
      expect(chunk.done).toBe(false);
      expect(chunk.value!.choices[0]!.delta.role).toBe('assistant');
      await stream.controller.abort();
    } finally {
      await gated.close();
    }
  });

  it('simulator - the adapter streams from it, and an abort stops the simulated work', async () => {
    const endpoint = { baseUrl: sim.url, apiKey: '' };
    const request = { model: 'sim-slow', messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Hi' }] }] };
    const before = sim.stats();
    const controller = new AbortController();
    const { events } = await openAICompatibleAdapter.stream(endpoint, request, controller.signal);
    const iterator = events[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'text-delta' });
    controller.abort();
    await expect(iterator.next()).rejects.toMatchObject({ kind: 'aborted' });
    const deadline = Date.now() + 2000;
    while (sim.stats().active > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const after = sim.stats();
    expect(after.active).toBe(0);
    expect(after.completed).toBe(before.completed);
    expect(after.cancelled).toBeGreaterThan(before.cancelled);
  });
});
