import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../services/executor/providers/errors.js';
import { openAIChatAdapter } from '../../services/executor/providers/openai-chat.js';
import { createOpenAICompatibleAdapter, openAICompatibleAdapter } from '../../services/executor/providers/openai-compatible.js';
import type { ChatRequest, StreamEvent } from '../../services/shared/contracts/provider.js';
import { openAIWire, startOpenAIFake } from '../fakes/openai-fake.js';
import { MODEL, runProviderConformance } from './provider-conformance.js';
import type { ProviderFake, RecordedRequest } from '../fakes/fake-contract.js';

runProviderConformance([
  { name: 'openai', adapter: openAIChatAdapter, startFake: startOpenAIFake, wire: openAIWire },
  { name: 'openai-compatible', adapter: openAICompatibleAdapter, startFake: (o) => startOpenAIFake({ ...o, flavour: 'compatible' }), wire: openAIWire, apiKey: '' },
]);

const ask: ChatRequest = { model: MODEL, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] };
const signal = (): AbortSignal => AbortSignal.timeout(10_000);
const bodyOf = (r: RecordedRequest | undefined): Record<string, unknown> => (r?.body ?? {}) as Record<string, unknown>;

async function drain(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe('openai - wire details', () => {
  const key = 'sk-proj-wire-details-0123456789';
  const endpoint = { baseUrl: '', apiKey: key };
  let fake: ProviderFake;
  beforeAll(async () => {
    fake = await startOpenAIFake({ apiKey: key });
    endpoint.baseUrl = fake.url;
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('openai - request: max_completion_tokens, include_usage, image URL, named tool choice, strict schema', async () => {
    const request: ChatRequest = {
      model: MODEL,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Describe as JSON' }, { type: 'image', url: 'https://example.com/a.png' }] },
        { role: 'assistant', content: [], toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
        { role: 'tool', toolCallId: 'call_1', content: [{ type: 'text', text: '18' }] },
      ],
      tools: [{ name: 'get_weather', parameters: { type: 'object' } }],
      toolChoice: 'get_weather',
      responseFormat: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true },
      maxOutputTokens: 32,
      temperature: 0,
    };
    const { events } = await openAIChatAdapter.stream(endpoint, request, signal());
    await drain(events);
    const sent = fake.requests[0];
    expect(sent?.problems).toEqual([]);
    expect(bodyOf(sent)).toMatchObject({
      max_completion_tokens: 32,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Describe as JSON' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '18' },
      ],
    });
    expect(sent?.headers.accept).toBe('text/event-stream');
  });

  it('openai - rate-limit headers are reported on success, for streams, and on 429', async () => {
    const want = { limitRequests: 500, remainingRequests: 499, limitTokens: 200000, remainingTokens: 199976, resetRequestsMs: 120, resetTokensMs: 7 };
    expect((await openAIChatAdapter.generate(endpoint, ask, signal())).rateLimit).toEqual(want);
    expect((await openAIChatAdapter.stream(endpoint, ask, signal())).rateLimit).toEqual(want);
    fake.script({ fault: 'rate_limit' });
    const error = await openAIChatAdapter.generate(endpoint, ask, signal()).then(() => undefined, (e: unknown) => e as ProviderError);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error?.rateLimit).toEqual({ ...want, remainingRequests: 0, resetRequestsMs: 2000, retryAfterMs: 2000 });
    expect(error?.providerCode).toBe('rate_limit_exceeded');
  });

  it('openai - retry-after-ms wins over retry-after', async () => {
    fake.script({ status: 429, body: { error: { message: 'slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, headers: { 'retry-after-ms': '350', 'retry-after': '1' } });
    const error = await openAIChatAdapter.generate(endpoint, ask, signal()).then(() => undefined, (e: unknown) => e as ProviderError);
    expect(error).toMatchObject({ kind: 'rate_limit', retryable: true, retryAfterMs: 350 });
  });

  it('openai - insufficient_quota is a 429 that retrying cannot fix', async () => {
    fake.script({ status: 429, body: { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } } });
    const error = await openAIChatAdapter.generate(endpoint, ask, signal()).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'rate_limit', retryable: false, status: 429, providerCode: 'insufficient_quota' });
  });

  it('openai - error messages name the code and redact key fragments', async () => {
    fake.script({ fault: 'auth' });
    const error = await openAIChatAdapter.generate(endpoint, ask, signal()).then(() => undefined, (e: unknown) => e as ProviderError);
    expect(error?.message).toContain('openai: HTTP 401 (invalid_api_key)');
    expect(error?.message).not.toMatch(/sk-proj-\*/);
  });

  it('openai - a stream that closes after its finish chunk but before [DONE] was interrupted', async () => {
    fake.script({ fixture: 'compat-no-usage-no-done' });
    const { events } = await openAIChatAdapter.stream(endpoint, ask, signal());
    await expect(drain(events)).rejects.toMatchObject({ kind: 'stream_interrupted', retryable: true });
  });
});

describe('openai-compatible - dialect', () => {
  let fake: ProviderFake;
  const endpoint = { baseUrl: '', apiKey: '' };
  beforeAll(async () => {
    fake = await startOpenAIFake({ apiKey: '', flavour: 'compatible' });
    endpoint.baseUrl = fake.url;
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('openai-compatible - max_tokens, and no Authorization header without a key', async () => {
    await openAICompatibleAdapter.generate(endpoint, { ...ask, maxOutputTokens: 16 }, signal());
    expect(fake.requests[0]?.problems).toEqual([]);
    expect(bodyOf(fake.requests[0]).max_tokens).toBe(16);
    expect(fake.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("openai-compatible - a vLLM body (usage without details, extra fields) parses", async () => {
    fake.script({ fixture: 'vllm-text' });
    const result = await openAICompatibleAdapter.generate(endpoint, ask, signal());
    expect(result).toMatchObject({
      message: { text: 'The capital of France is Paris.', toolCalls: [] },
      finishReason: 'stop',
      usage: { inputTokens: 24, outputTokens: 8, cachedInputTokens: 0, cacheWriteTokens: 0 },
      responseModel: 'meta-llama/Llama-3.1-8B-Instruct',
    });
    expect(result.rateLimit).toBeUndefined();
  });

  it('openai-compatible - a stream without usage chunk or [DONE] finishes, with zero usage', async () => {
    fake.script({ fixture: 'compat-no-usage-no-done' });
    const { events } = await openAICompatibleAdapter.stream(endpoint, ask, signal());
    const all = await drain(events);
    expect(all.filter((e) => e.type === 'text-delta').map((e) => (e.type === 'text-delta' ? e.text : '')).join('')).toBe('The capital of France is Paris.');
    expect(all.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0 },
      responseModel: 'meta-llama/Llama-3.1-8B-Instruct',
      responseId: 'chatcmpl-6b1e0d2f9a7c4e58',
    });
  });

  it('openai-compatible - streamUsage: false sends no stream_options', async () => {
    const adapter = createOpenAICompatibleAdapter({ streamUsage: false });
    const { events } = await adapter.stream(endpoint, ask, signal());
    const all = await drain(events);
    expect(bodyOf(fake.requests[0])).not.toHaveProperty('stream_options');
    expect(all.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 0 } });
  });

  it('openai-compatible - a key, when configured, is sent as a Bearer token', async () => {
    const keyed = await startOpenAIFake({ apiKey: 'nim-key-0123456789', flavour: 'compatible' });
    try {
      await openAICompatibleAdapter.generate({ baseUrl: `${keyed.url}/`, apiKey: 'nim-key-0123456789' }, ask, signal());
      expect(keyed.requests[0]?.problems).toEqual([]);
    } finally {
      await keyed.close();
    }
  });
});
