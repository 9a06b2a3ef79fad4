/**
 * The Anthropic adapter against the Anthropic fake (which the SDK-truth tests hold to the real wire
 * format): its reading of each reply next to the SDK's, and the Anthropic-specific mappings the
 * shared conformance suite does not cover.
 */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { collectStream, onlyRequest as onlyFakeRequest, rejection, testSignal, useFake } from './adapter-harness.js';
import { anthropicMessagesAdapter } from '../../services/executor/providers/anthropic-messages.js';
import { DEFAULT_ANTHROPIC_MAX_TOKENS } from '../../services/executor/providers/anthropic-messages-request.js';
import { mapAnthropicStopReason } from '../../services/executor/providers/map-anthropic-stop-reason.js';
import type { ChatMessage, ChatRequest, ProviderEndpoint, StreamEvent, ToolCall } from '../../services/shared/contracts/provider.js';
import { anthropicWire, startAnthropicFake, type AnthropicFake } from '../fakes/anthropic-fake.js';
import { PNG_BASE64 } from '../fakes/fake-contract.js';

const API_KEY = 'sk-ant-sdk-truth-0123456789';
const MODEL = 'claude-sonnet-4-5';
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

const endpoint = (): ProviderEndpoint => ({ baseUrl: fake.url, apiKey: API_KEY });
const ask = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: MODEL,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the capital of France?' }] }],
  ...extra,
});
const signal = testSignal;

const collect = (request: ChatRequest): Promise<StreamEvent[]> => collectStream(anthropicMessagesAdapter, endpoint(), request);

describe('anthropic adapter - read as the SDK reads', () => {
  for (const reply of ['text', 'tool-call', 'cached-usage', 'finish-length', 'finish-content-filter', 'tool-result'] as const) {
    it(`${reply}: text, tool calls, usage and ids agree with the SDK's message`, async () => {
      fake.script({ reply }, { reply });
      const message = await client.messages.create({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] });
      const result = await anthropicMessagesAdapter.generate(endpoint(), ask(), signal());
      const text = message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
      const calls = message.content.flatMap((b) => (b.type === 'tool_use' ? [{ id: b.id, name: b.name, arguments: JSON.stringify(b.input) }] : []));
      expect(result.message).toEqual({ role: 'assistant', text, toolCalls: calls });
      const u = message.usage;
      expect(result.usage).toEqual({
        inputTokens: u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0),
        outputTokens: u.output_tokens,
        cachedInputTokens: u.cache_read_input_tokens ?? 0,
        cacheWriteTokens: u.cache_creation_input_tokens ?? 0,
      });
      expect(result.finishReason).toBe(mapAnthropicStopReason(message.stop_reason));
      expect(result.responseId).toBe(message.id);
      expect(result.responseModel).toBe(message.model);
    });

    it(`${reply}: the stream and the whole answer agree`, async () => {
      fake.script({ reply }, { reply });
      const whole = await anthropicMessagesAdapter.generate(endpoint(), ask(), signal());
      const events = await collect(ask());
      const text = events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('');
      const calls = events.flatMap((e) => (e.type === 'tool-call' ? [e.toolCall] : []));
      // Arguments stream as the model wrote them; the whole answer re-serialises its input object.
      const parsed = (list: ToolCall[]) => list.map((c) => ({ ...c, arguments: JSON.parse(c.arguments) as unknown }));
      expect(text).toBe(whole.message.text);
      expect(parsed(calls)).toEqual(parsed(whole.message.toolCalls));
      expect(events.at(-1)).toEqual({
        type: 'finish',
        finishReason: whole.finishReason,
        usage: whole.usage,
        responseModel: whole.responseModel,
        responseId: whole.responseId,
      });
    });
  }

  it('rate-limit headers are reported on success', async () => {
    const result = await anthropicMessagesAdapter.generate(endpoint(), ask(), signal());
    expect(result.rateLimit).toMatchObject({ limitRequests: 1000, remainingRequests: 999, limitTokens: 96000, remainingTokens: 95000 });
    expect(result.rateLimit?.resetRequestsMs).toBeGreaterThanOrEqual(0);
  });
});

describe('anthropic adapter - mapping the neutral request', () => {
  const body = (): Record<string, unknown> => {
    const request = onlyRequest();
    return request.body as Record<string, unknown>;
  };

  it('defaults max_tokens, clamps temperature to 1, leaves out tool_choice without tools', async () => {
    await anthropicMessagesAdapter.generate(endpoint(), ask({ temperature: 1.7, toolChoice: 'required' }), signal());
    expect(body()).toMatchObject({ max_tokens: DEFAULT_ANTHROPIC_MAX_TOKENS, temperature: 1 });
    expect(fake.requests[0]?.body).not.toHaveProperty('tool_choice');
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['none', { type: 'none' }],
    ['required', { type: 'any' }],
    ['get_weather', { type: 'tool', name: 'get_weather' }],
  ])('toolChoice %s becomes tool_choice %j', async (choice, wire) => {
    const tools = [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];
    await anthropicMessagesAdapter.generate(endpoint(), ask({ tools, toolChoice: choice }), signal());
    expect(body().tool_choice).toEqual(wire);
  });

  it('parallel tool results land in one user turn, before the text that follows them', async () => {
    fake.script({ reply: 'tool-result' });
    const tools = [{ name: 'get_weather', parameters: { type: 'object' } }];
    const messages: ChatMessage[] = [
      { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Lyon?' }] },
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'Checking both.' }],
        toolCalls: [
          { id: 'toolu_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'toolu_b', name: 'get_weather', arguments: '' },
        ],
      },
      { role: 'tool', toolCallId: 'toolu_a', content: [{ type: 'text', text: '18°C' }] },
      { role: 'tool', toolCallId: 'toolu_b', content: [{ type: 'text', text: '21°C' }] },
      { role: 'user', content: [{ type: 'text', text: 'Which is warmer?' }] },
    ];
    await anthropicMessagesAdapter.generate(endpoint(), { model: MODEL, messages, tools }, signal());
    const sent = body();
    expect(sent.system).toBe('Be brief.');
    expect(sent.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Lyon?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking both.' },
          { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_b', name: 'get_weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_a', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'toolu_b', content: '21°C' },
          { type: 'text', text: 'Which is warmer?' },
        ],
      },
    ]);
  });

  it('images: a data URL goes as base64, an https URL as a url source', async () => {
    const message: ChatMessage = {
      role: 'user',
      content: [
        { type: 'text', text: 'Compare these.' },
        { type: 'image', url: `data:image/png;base64,${PNG_BASE64}` },
        { type: 'image', url: 'https://example.com/paris.jpg' },
      ],
    };
    await anthropicMessagesAdapter.generate(endpoint(), { model: MODEL, messages: [message] }, signal());
    expect(anthropicWire.images(onlyRequest())).toEqual([{ data: PNG_BASE64, mediaType: 'image/png' }, { url: 'https://example.com/paris.jpg' }]);
  });

  it('a request Anthropic cannot express is a bad_request before anything is sent', async () => {
    const message: ChatMessage = { role: 'user', content: [{ type: 'image', url: 'ftp://example.com/a.png' }] };
    const error = await rejection(anthropicMessagesAdapter.generate(endpoint(), { model: MODEL, messages: [message] }, signal()));
    expect(error).toMatchObject({ kind: 'bad_request', retryable: false });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('anthropic adapter - JSON output through a forced tool', () => {
  const schema = { type: 'object', properties: { city: { type: 'string' }, country: { type: 'string' } }, required: ['city', 'country'] };

  it('json_schema: the streamed tool input is the answer text, and the turn ends with stop', async () => {
    fake.script({ reply: 'json' });
    const events = await collect(ask({ responseFormat: { type: 'json_schema', name: 'city', schema } }));
    const text = events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('');
    expect(JSON.parse(text)).toEqual({ city: 'Paris', country: 'France' });
    expect(events.some((e) => e.type === 'tool-call')).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    const request = onlyRequest();
    expect((request.body as Record<string, unknown>).tool_choice).toEqual({ type: 'tool', name: 'city' });
    expect(anthropicWire.jsonOutput(request)).toEqual({ schema });
  });

  it('json_object: any object, through a tool named json_response', async () => {
    fake.script({ reply: 'json' });
    const result = await anthropicMessagesAdapter.generate(endpoint(), ask({ responseFormat: { type: 'json_object' } }), signal());
    expect(JSON.parse(result.message.text)).toEqual({ city: 'Paris', country: 'France' });
    expect(result.finishReason).toBe('stop');
    expect(anthropicWire.jsonOutput(onlyRequest())).toEqual({ schema: { type: 'object' } });
  });

  it('with tools of its own, the request asks for JSON in the system prompt and forces nothing', async () => {
    const tools = [{ name: 'get_weather', parameters: { type: 'object' } }];
    await anthropicMessagesAdapter.generate(endpoint(), ask({ tools, responseFormat: { type: 'json_schema', name: 'city', schema } }), signal());
    const request = onlyRequest();
    expect(anthropicWire.jsonOutput(request)).toBeUndefined();
    expect(anthropicWire.toolNames(request)).toEqual(['get_weather']);
    expect(anthropicWire.systemPrompt(request)).toContain(JSON.stringify(schema));
  });
});

describe('anthropic adapter - errors', () => {
  it('a 429 for a spent monthly budget is a rate_limit that retrying cannot clear', async () => {
    fake.script({
      status: 429,
      body: {
        type: 'error',
        error: { type: 'rate_limit_error', message: 'You have reached your specified API usage limits.', details: { error_code: 'enforced_spend_limit_reached' } },
      },
    });
    expect(await rejection(anthropicMessagesAdapter.generate(endpoint(), ask(), signal()))).toMatchObject({ kind: 'rate_limit', retryable: false });
  });

  it('an error event mid-stream names its type', async () => {
    fake.script({ fault: 'stream_error' });
    const error = await rejection(collect(ask()));
    expect(error).toMatchObject({ kind: 'server', retryable: true, providerCode: 'overloaded_error' });
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'other'],
    [null, 'other'],
  ] as const)('stop_reason %s is %s', (stopReason, finish) => {
    expect(mapAnthropicStopReason(stopReason)).toBe(finish);
  });
});
