/**
 * The Anthropic fake held to the real wire format: the official SDK (@anthropic-ai/sdk),
 * pointed at the fake, must pass the fake's request checks and parse its answers, streams and
 * errors as it would Anthropic's. What the SDK accepts from the fake is what the adapter is
 * tested against. */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { onlyRequest as onlyFakeRequest, useFake } from './adapter-harness.js';
import { anthropicWire, messageToEvents, readAnthropicFixture, startAnthropicFake, type AnthropicFake } from '../fakes/anthropic-fake.js';
import { PNG_BASE64 } from '../fakes/fake-contract.js';

const API_KEY = 'sk-ant-sdk-truth-0123456789';
const MODEL = 'claude-sonnet-4-5';
const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather in a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

let fake: AnthropicFake;
let client: Anthropic;

useFake(
  () => startAnthropicFake({ apiKey: API_KEY }),
  (started) => {
    fake = started;
    client = new Anthropic({ apiKey: API_KEY, baseURL: fake.origin, maxRetries: 0 });
  },
);

const onlyRequest = () => onlyFakeRequest(fake);

const fixture = (name: string): Anthropic.Message => JSON.parse(readAnthropicFixture(`${name}.json`)) as Anthropic.Message;

describe('anthropic sdk truth - plain answers', () => {
  it('a text message parses, and the request passes the checks', async () => {
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      system: 'Answer in one sentence.',
      messages: [{ role: 'user', content: 'What is the capital of France?' }],
    });
    expect(message).toEqual(fixture('text'));
    const request = onlyRequest();
    expect(anthropicWire.systemPrompt(request)).toBe('Answer in one sentence.');
    expect(request.headers['x-api-key']).toBe(API_KEY);
  });

  it('tool use: tools, a forced choice, and the tool_use block', async () => {
    fake.script({ reply: 'tool-call' });
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      tools: [WEATHER_TOOL],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    expect(message.stop_reason).toBe('tool_use');
    const call = message.content.find((block) => block.type === 'tool_use');
    expect(call).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } });
    onlyRequest();
  });

  it('a tool result, images by base64 and by URL: the checks accept what the SDK sends', async () => {
    fake.script({ reply: 'tool-result' });
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      tools: [WEATHER_TOOL],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather where this was taken?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/paris.jpg' } },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: '{"temp_c":18}' }] },
      ],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'It is 18°C and sunny in Paris.' }]);
    const request = onlyRequest();
    expect(anthropicWire.images(request)).toEqual([{ data: PNG_BASE64, mediaType: 'image/png' }, { url: 'https://example.com/paris.jpg' }]);
    expect(anthropicWire.toolResults(request)).toEqual([{ id: 'toolu_01', output: '{"temp_c":18}' }]);
  });

  it('the checks catch what Anthropic rejects: a tool_result that answers no tool_use', async () => {
    fake.script({ reply: 'text' });
    await client.messages.create({
      model: MODEL,
      max_tokens: 16,
      tools: [WEATHER_TOOL],
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_missing', content: 'x' }] }],
    });
    expect(fake.requests[0]?.problems.join('\n')).toMatch(/tool_use_id/);
  });
});

describe('anthropic sdk truth - streams', () => {
  for (const name of ['text', 'tool-call'] as const) {
    it(`the recorded ${name} stream accumulates to the recorded ${name} message`, async () => {
      fake.script({ reply: name });
      const stream = client.messages.stream({
        model: MODEL,
        max_tokens: 256,
        ...(name === 'tool-call' ? { tools: [WEATHER_TOOL] } : {}),
        messages: [{ role: 'user', content: 'What is the capital of France?' }],
      });
      const final = await stream.finalMessage();
      const whole = fixture(name);
      expect(final.content).toEqual(whole.content);
      expect(final.stop_reason).toBe(whole.stop_reason);
      expect(final.usage.input_tokens).toBe(whole.usage.input_tokens);
      expect(final.usage.output_tokens).toBe(whole.usage.output_tokens);
      expect(anthropicWire.streaming(onlyRequest())).toBe(true);
    });
  }

  for (const name of ['json', 'cached-usage', 'finish-length', 'finish-content-filter', 'tool-result'] as const) {
    it(`a message cut into events (${name}) accumulates back to the message`, async () => {
      fake.script({ reply: name });
      const final = await client.messages
        .stream({ model: MODEL, max_tokens: 256, messages: [{ role: 'user', content: 'Hello' }] })
        .finalMessage();
      const whole = fixture(name);
      expect(final.content).toEqual(whole.content);
      expect(final.stop_reason).toBe(whole.stop_reason);
      expect(final.usage).toMatchObject({
        input_tokens: whole.usage.input_tokens,
        output_tokens: whole.usage.output_tokens,
        cache_read_input_tokens: whole.usage.cache_read_input_tokens,
        cache_creation_input_tokens: whole.usage.cache_creation_input_tokens,
      });
    });
  }

  it('raw events come in the documented order, pings included', async () => {
    const stream = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      stream: true,
      messages: [{ role: 'user', content: 'What is the capital of France?' }],
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types[0]).toBe('message_start');
    expect(types.at(-2)).toBe('message_delta');
    expect(types.at(-1)).toBe('message_stop');
    expect(types).toContain('content_block_delta');
    expect(messageToEvents(fixture('text') as unknown as Record<string, unknown>).map((e) => e.type)).toEqual([...types.slice(0, 2), 'ping', ...types.slice(3)]);
  });

  it('an error event mid-stream is an error the SDK raises', async () => {
    fake.script({ fault: 'stream_error' });
    const stream = await client.messages.create({ model: MODEL, max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    const seen: string[] = [];
    const failure = await (async () => {
      try {
        for await (const event of stream) seen.push(event.type);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect((failure as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect(seen).toContain('content_block_delta');
  });
});

describe('anthropic sdk truth - errors', () => {
  const send = () => client.messages.create({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] });
  const failure = async () => {
    try {
      await send();
    } catch (error) {
      return error as InstanceType<typeof Anthropic.APIError>;
    }
    throw new Error('expected an error');
  };

  it('overloaded: 529 with an overloaded_error body', async () => {
    fake.script({ fault: 'overloaded' });
    const error = await failure();
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect(error.status).toBe(529);
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect(error.requestID).toMatch(/^req_/);
  });

  it('rate limit: RateLimitError with retry-after and the rate-limit headers', async () => {
    fake.script({ fault: 'rate_limit' });
    const error = await failure();
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error.headers?.get('retry-after')).toBe('2');
    expect(error.headers?.get('anthropic-ratelimit-input-tokens-remaining')).toBe('0');
    expect(Date.parse(error.headers?.get('anthropic-ratelimit-requests-reset') ?? '')).not.toBeNaN();
  });

  it('context length: 400 invalid_request_error saying the prompt is too long', async () => {
    fake.script({ fault: 'context_length' });
    const error = await failure();
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error.message).toMatch(/prompt is too long/);
  });

  it('auth: 401 authentication_error', async () => {
    fake.script({ fault: 'auth' });
    expect(await failure()).toBeInstanceOf(Anthropic.AuthenticationError);
  });
});

// ---------------------------------------------------------------------------------------------
// The adapter read against the SDK: the same replies, the SDK's reading as the reference
// ---------------------------------------------------------------------------------------------

