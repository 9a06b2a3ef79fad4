/**
 * The Gemini adapter against the Gemini fake (which the SDK-truth tests hold to the real wire
 * format): its reading of each reply next to the SDK's, and the Gemini-specific mappings the
 * shared conformance suite does not cover.
 */
import { GoogleGenAI, } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { collectStream, rejection, testSignal, useFake } from './adapter-harness.js';
import { geminiGenerateContentAdapter } from '../../services/executor/providers/gemini-generate-content.js';
import { PLACEHOLDER_THOUGHT_SIGNATURE } from '../../services/executor/providers/gemini-generate-content-request.js';
import { mapGeminiFinishReason } from '../../services/executor/providers/map-gemini-finish-reason.js';
import type { ChatMessage, ChatRequest, ProviderEndpoint, StreamEvent } from '../../services/shared/contracts/provider.js';
import { geminiWire, readGeminiFixture, startGeminiFake, type GeminiFake } from '../fakes/gemini-fake.js';
import { PNG_BASE64 } from '../fakes/fake-contract.js';

const API_KEY = 'AIza-sdk-truth-0123456789';
const MODEL = 'gemini-2.5-flash';
let fake: GeminiFake;
let ai: GoogleGenAI;

useFake(
  () => startGeminiFake({ apiKey: API_KEY }),
  (started) => {
    fake = started;
    ai = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: fake.origin } });
  },
);

const fixture = (name: string): Record<string, unknown> => JSON.parse(readGeminiFixture(`${name}.json`)) as Record<string, unknown>;

const endpoint = (): ProviderEndpoint => ({ baseUrl: fake.url, apiKey: API_KEY });
const ask = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: MODEL,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the capital of France?' }] }],
  ...extra,
});
const signal = testSignal;
const adapter = geminiGenerateContentAdapter;

const collect = (request: ChatRequest): Promise<StreamEvent[]> => collectStream(adapter, endpoint(), request);

const sentBody = (): Record<string, unknown> => {
  expect(fake.requests).toHaveLength(1);
  expect(fake.requests[0]?.problems).toEqual([]);
  return fake.requests[0]?.body as Record<string, unknown>;
};

describe('gemini adapter - read as the SDK reads', () => {
  for (const reply of ['text', 'tool-call', 'cached-usage', 'finish-length', 'finish-content-filter', 'tool-result'] as const) {
    it(`${reply}: text, calls, usage and ids agree with the SDK's response`, async () => {
      fake.script({ reply }, { reply });
      const response = await ai.models.generateContent({ model: MODEL, contents: 'Hi' });
      const result = await adapter.generate(endpoint(), ask(), signal());
      const parts = response.candidates?.[0]?.content?.parts ?? [];
      expect(result.message.text).toBe(parts.map((p) => (p.thought === true ? '' : (p.text ?? ''))).join(''));
      expect(result.message.toolCalls.map((c) => ({ name: c.name, args: JSON.parse(c.arguments) as unknown }))).toEqual(response.functionCalls ?? []);
      const u = response.usageMetadata ?? {};
      expect(result.usage).toEqual({
        inputTokens: (u.promptTokenCount ?? 0) + (u.toolUsePromptTokenCount ?? 0),
        outputTokens: (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0),
        cachedInputTokens: u.cachedContentTokenCount ?? 0,
        cacheWriteTokens: 0,
      });
      const hasCalls = (response.functionCalls ?? []).length > 0;
      expect(result.finishReason).toBe(mapGeminiFinishReason(response.candidates?.[0]?.finishReason, hasCalls));
      expect(result.responseId).toBe(response.responseId);
      expect(result.responseModel).toBe(response.modelVersion);
    });

    it(`${reply}: the stream and the whole answer agree`, async () => {
      fake.script({ reply }, { reply });
      const whole = await adapter.generate(endpoint(), ask(), signal());
      const events = await collect(ask());
      expect(events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('')).toBe(whole.message.text);
      const calls = events.flatMap((e) => (e.type === 'tool-call' ? [{ name: e.toolCall.name, arguments: e.toolCall.arguments }] : []));
      expect(calls).toEqual(whole.message.toolCalls.map((c) => ({ name: c.name, arguments: c.arguments })));
      expect(events.at(-1)).toEqual({
        type: 'finish',
        finishReason: whole.finishReason,
        usage: whole.usage,
        responseModel: whole.responseModel,
        responseId: whole.responseId,
      });
    });
  }

  it('a thinking model: thought parts are left out of the text, thinking tokens count as output', async () => {
    fake.script({ fixture: 'thinking' });
    const result = await adapter.generate(endpoint(), ask(), signal());
    expect(result.message.text).toBe('The capital of France is Paris.');
    expect(result.usage).toEqual({ inputTokens: 24, outputTokens: 8 + 21, cachedInputTokens: 0, cacheWriteTokens: 0 });
  });

  it('a blocked prompt is a content_filter answer with no text', async () => {
    fake.script({ fixture: 'prompt-blocked' });
    const result = await adapter.generate(endpoint(), ask(), signal());
    expect(result).toMatchObject({ finishReason: 'content_filter', message: { text: '', toolCalls: [] } });
    fake.script({ fixture: 'prompt-blocked' });
    expect((await collect(ask())).at(-1)).toMatchObject({ type: 'finish', finishReason: 'content_filter' });
  });
});

describe('gemini adapter - mapping the neutral request', () => {
  const tools = [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];

  it('system, generation config and tools in Gemini form', async () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
    ];
    await adapter.generate(endpoint(), { model: `models/${MODEL}`, messages, tools, toolChoice: 'get_weather', maxOutputTokens: 100, temperature: 1.5 }, signal());
    expect(geminiWire.model(fake.requests[0]!)).toBe(MODEL);
    expect(sentBody()).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather', parametersJsonSchema: tools[0]!.parameters }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
      generationConfig: { maxOutputTokens: 100, temperature: 1.5 },
    });
  });

  it.each([
    ['auto', { mode: 'AUTO' }],
    ['none', { mode: 'NONE' }],
    ['required', { mode: 'ANY' }],
  ])('toolChoice %s becomes functionCallingConfig %j', async (choice, config) => {
    await adapter.generate(endpoint(), ask({ tools, toolChoice: choice }), signal());
    expect(sentBody().toolConfig).toEqual({ functionCallingConfig: config });
  });

  it('tool history: calls carry the placeholder signature, results find their function by call id', async () => {
    fake.script({ reply: 'tool-result' });
    const messages: ChatMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Lyon?' }] },
      {
        role: 'assistant',
        content: [],
        toolCalls: [
          { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'call_b', name: 'get_weather', arguments: '{"city":"Lyon"}' },
        ],
      },
      { role: 'tool', toolCallId: 'call_a', content: [{ type: 'text', text: '18°C, sunny' }] },
      { role: 'tool', toolCallId: 'call_b', content: [{ type: 'text', text: '{"temp_c":21}' }] },
    ];
    await adapter.generate(endpoint(), { model: MODEL, messages, tools }, signal());
    expect(sentBody().contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Lyon?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: PLACEHOLDER_THOUGHT_SIGNATURE },
          { functionCall: { name: 'get_weather', args: { city: 'Lyon' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { output: '18°C, sunny' } } },
          { functionResponse: { name: 'get_weather', response: { temp_c: 21 } } },
        ],
      },
    ]);
  });

  it('images: data URLs go inline, https URLs as fileData with the type their extension implies', async () => {
    const message: ChatMessage = {
      role: 'user',
      content: [
        { type: 'text', text: 'Compare these.' },
        { type: 'image', url: `data:image/png;base64,${PNG_BASE64}` },
        { type: 'image', url: 'https://example.com/photos/paris.JPG?w=800' },
        { type: 'image', url: 'https://example.com/render', mediaType: 'image/webp' },
      ],
    };
    await adapter.generate(endpoint(), { model: MODEL, messages: [message] }, signal());
    expect(geminiWire.images(fake.requests[0]!)).toEqual([
      { data: PNG_BASE64, mediaType: 'image/png' },
      { url: 'https://example.com/photos/paris.JPG?w=800', mediaType: 'image/jpeg' },
      { url: 'https://example.com/render', mediaType: 'image/webp' },
    ]);
    sentBody();
  });

  it('an https image of unknown type is a bad_request before anything is sent', async () => {
    const message: ChatMessage = { role: 'user', content: [{ type: 'image', url: 'https://example.com/render' }] };
    const error = await rejection(adapter.generate(endpoint(), { model: MODEL, messages: [message] }, signal()));
    expect(error).toMatchObject({ kind: 'bad_request', retryable: false });
    expect(error.message).toMatch(/mediaType/);
    expect(fake.requests).toHaveLength(0);
  });

  it('a tool result whose function cannot be named is a bad_request', async () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      { role: 'tool', toolCallId: 'call_unknown', content: [{ type: 'text', text: '42' }] },
    ];
    expect(await rejection(adapter.generate(endpoint(), { model: MODEL, messages }, signal()))).toMatchObject({ kind: 'bad_request' });
  });

  it('json_object asks for application/json without a schema', async () => {
    await adapter.generate(endpoint(), ask({ responseFormat: { type: 'json_object' } }), signal());
    expect(sentBody().generationConfig).toEqual({ responseMimeType: 'application/json' });
  });
});

describe('gemini adapter - errors', () => {
  it('a bad API key (400 API_KEY_INVALID) is auth, not bad_request', async () => {
    fake.script({ status: 400, body: fixture('error-400-api-key') });
    expect(await rejection(adapter.generate(endpoint(), ask(), signal()))).toMatchObject({ kind: 'auth', retryable: false, status: 400 });
  });

  it('a quota error carries its RetryInfo delay', async () => {
    fake.script({ status: 429, body: fixture('error-429') });
    expect(await rejection(adapter.generate(endpoint(), ask(), signal()))).toMatchObject({ kind: 'rate_limit', retryable: true, retryAfterMs: 2000, providerCode: 'RESOURCE_EXHAUSTED' });
  });

  it('403 PERMISSION_DENIED is permission; 404 NOT_FOUND is not_found', async () => {
    fake.script(
      { status: 403, body: { error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } } },
      { status: 404, body: { error: { code: 404, message: 'models/nope is not found for API version v1beta', status: 'NOT_FOUND' } } },
    );
    expect(await rejection(adapter.generate(endpoint(), ask(), signal()))).toMatchObject({ kind: 'permission', retryable: false });
    expect(await rejection(adapter.generate(endpoint(), ask(), signal()))).toMatchObject({ kind: 'not_found', retryable: false });
  });

  it('an error chunk mid-stream names its status', async () => {
    fake.script({ fault: 'stream_error' });
    expect(await rejection(collect(ask()))).toMatchObject({ kind: 'server', retryable: true, providerCode: 'UNAVAILABLE' });
  });

  it.each([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    ['MAX_TOKENS', false, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'error'],
    ['OTHER', false, 'other'],
    [undefined, false, 'other'],
  ] as const)('finishReason %s (calls: %s) is %s', (reason, calls, finish) => {
    expect(mapGeminiFinishReason(reason, calls)).toBe(finish);
  });
});
