import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventStreamCodec, parseEventStream } from '../../services/executor/providers/aws-event-stream.js';
import { bedrockConverseAdapter } from '../../services/executor/providers/bedrock-converse.js';
import { ProviderError } from '../../services/executor/providers/errors.js';
import type { ChatRequest, ProviderEndpoint, StreamEvent } from '../../services/shared/contracts/provider.js';
import { BEDROCK_FAKE_ACCESS_KEY_ID, BEDROCK_FAKE_REGION, encodeFrame, startBedrockFake } from '../fakes/bedrock-fake.js';
import type { BaseProviderFake } from '../fakes/provider-fake.js';
import { PNG_BASE64, type RecordedRequest } from '../fakes/fake-contract.js';

const SECRET = 'bedrock-wire-details-secret';
const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const text = (t: string) => [{ type: 'text' as const, text: t }];
const ask: ChatRequest = { model: MODEL, messages: [{ role: 'user', content: text('Hi') }] };
const signal = (): AbortSignal => AbortSignal.timeout(10_000);
const bodyOf = (r: RecordedRequest | undefined): Record<string, unknown> => (r?.body ?? {}) as Record<string, unknown>;
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/bedrock/${name}`, import.meta.url), 'utf8'));
const errorType = (type: string) => ({ 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` });

async function drain(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe('bedrock - wire details', () => {
  let fake: BaseProviderFake;
  let endpoint: ProviderEndpoint;
  beforeAll(async () => {
    fake = await startBedrockFake({ apiKey: SECRET });
    endpoint = { baseUrl: fake.url, apiKey: '', aws: { region: BEDROCK_FAKE_REGION, accessKeyId: BEDROCK_FAKE_ACCESS_KEY_ID, secretAccessKey: SECRET } };
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('bedrock request - tool results join the next user turn, roles alternate, required is any, blank text is left out', async () => {
    const request: ChatRequest = {
      model: MODEL,
      messages: [
        { role: 'system', content: text('Be brief.') },
        { role: 'user', content: text('Weather in Paris and Rome?') },
        { role: 'assistant', content: text(' '), toolCalls: [{ id: 't1', name: 'get_weather', arguments: '{"city":"Paris"}' }, { id: 't2', name: 'get_weather', arguments: '{"city":"Rome"}' }] },
        { role: 'tool', toolCallId: 't1', content: text('18') },
        { role: 'tool', toolCallId: 't2', content: text('24') },
        { role: 'user', content: [...text('And as JSON?'), { type: 'image', url: `data:image/jpeg;base64,${PNG_BASE64}` }] },
      ],
      tools: [{ name: 'get_weather', parameters: { type: 'object' } }],
      toolChoice: 'required',
      responseFormat: { type: 'json_object' },
      temperature: 0,
    };
    await bedrockConverseAdapter.generate(endpoint, request, signal());
    const sent = fake.requests[0];
    expect(sent?.problems).toEqual([]);
    expect(bodyOf(sent)).toEqual({
      system: [{ text: 'Be brief.' }],
      messages: [
        { role: 'user', content: [{ text: 'Weather in Paris and Rome?' }] },
        { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'get_weather', input: { city: 'Paris' } } }, { toolUse: { toolUseId: 't2', name: 'get_weather', input: { city: 'Rome' } } }] },
        {
          role: 'user',
          content: [
            { toolResult: { toolUseId: 't1', content: [{ text: '18' }] } },
            { toolResult: { toolUseId: 't2', content: [{ text: '24' }] } },
            { text: 'And as JSON?' },
            { image: { format: 'jpeg', source: { bytes: PNG_BASE64 } } },
          ],
        },
      ],
      inferenceConfig: { temperature: 0 },
      toolConfig: { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }], toolChoice: { any: {} } },
      outputConfig: { textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: '{"type":"object"}', name: 'json_object' } } } },
    });
  });

  it("bedrock request - tool choice none leaves the tools out; an image URL is refused before any request", async () => {
    await bedrockConverseAdapter.generate(endpoint, { ...ask, tools: [{ name: 'get_weather', parameters: { type: 'object' } }], toolChoice: 'none' }, signal());
    expect(bodyOf(fake.requests[0])).not.toHaveProperty('toolConfig');
    const refused = await bedrockConverseAdapter
      .generate(endpoint, { model: MODEL, messages: [{ role: 'user', content: [{ type: 'image', url: 'https://example.com/a.png' }] }] }, signal())
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ kind: 'bad_request', retryable: false });
    expect(fake.requests).toHaveLength(1);
  });

  it('bedrock response - the request id is the response id; no credentials is an auth error without a request', async () => {
    const result = await bedrockConverseAdapter.generate(endpoint, ask, signal());
    expect(result.responseId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.responseModel).toBe(MODEL);
    const missing = await bedrockConverseAdapter.generate({ baseUrl: fake.url, apiKey: '' }, ask, signal()).catch((e: unknown) => e);
    expect(missing).toMatchObject({ kind: 'auth', retryable: false });
    expect(fake.requests).toHaveLength(1);
  });

  it.each([
    { type: 'ModelTimeoutException', status: 408, body: fixture('error-408-model-timeout.json'), kind: 'timeout', retryable: true },
    { type: 'ServiceQuotaExceededException', status: 400, body: { message: 'Your request exceeds the service quota for your account.' }, kind: 'rate_limit', retryable: false },
    { type: 'ModelNotReadyException', status: 429, body: { message: 'Model is not ready to serve inference requests.' }, kind: 'server', retryable: true },
    { type: 'AccessDeniedException', status: 403, body: { message: "You don't have access to the model with the specified model ID." }, kind: 'permission', retryable: false },
    { type: 'ValidationException', status: 400, body: fixture('error-400-validation.json'), kind: 'bad_request', retryable: false },
    { type: 'ResourceNotFoundException', status: 404, body: { message: 'The provided model identifier is invalid.' }, kind: 'not_found', retryable: false },
  ])('bedrock errors - $type ($status) is $kind, retryable $retryable', async (c) => {
    fake.script({ status: c.status, body: c.body, headers: errorType(c.type) });
    const error = await bedrockConverseAdapter.generate(endpoint, ask, signal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: c.kind, retryable: c.retryable, status: c.status, providerCode: c.type });
    expect((error as ProviderError).message).toContain(`bedrock: HTTP ${c.status} (${c.type})`);
    expect((error as ProviderError).message).not.toContain(SECRET);
  });

  it.each([
    { fixture: 'stream-throttling', kind: 'rate_limit', retryable: true, code: 'ThrottlingException' },
    { fixture: 'stream-validation', kind: 'context_length', retryable: false, code: 'ValidationException' },
    { fixture: 'stream-model-error', kind: 'server', retryable: true, code: 'ModelStreamErrorException' },
  ])('bedrock stream - an exception frame ($code) is $kind, retryable $retryable', async (c) => {
    fake.script({ fixture: c.fixture });
    const { events } = await bedrockConverseAdapter.stream(endpoint, ask, signal());
    const error = await drain(events).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: c.kind, retryable: c.retryable, providerCode: c.code });
  });

  it('bedrock stream - reasoning deltas are not answer text; usage and stop reason finish the stream', async () => {
    fake.script({ fixture: 'stream-reasoning' });
    const { events } = await bedrockConverseAdapter.stream(endpoint, ask, signal());
    const all = await drain(events);
    expect(all.filter((e) => e.type === 'text-delta')).toEqual([{ type: 'text-delta', text: 'The capital of France is Paris.' }]);
    expect(all.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 24, outputTokens: 52 }, responseModel: MODEL });
  });
});

describe('aws event-stream framing', () => {
  const frames = ['{"messageStart":{"role":"assistant"}}', '{"contentBlockDelta":{"contentBlockIndex":0,"delta":{"text":"Hé"}}}'].map(encodeFrame);
  const bodyOfChunks = (chunks: Uint8Array[]): ReadableStream<Uint8Array> =>
    new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
  const collect = async (chunks: Uint8Array[]) => {
    const out = [];
    for await (const m of parseEventStream(bodyOfChunks(chunks), new AbortController().signal, 'bedrock')) out.push(m);
    return out;
  };
  const all = Buffer.concat(frames);

  it('framing - frames split at every byte decode to the same messages', async () => {
    const messages = await collect([...all].map((b) => Uint8Array.of(b)));
    expect(messages.map((m) => m.headers[':event-type'])).toEqual(['messageStart', 'contentBlockDelta']);
    expect(new TextDecoder().decode(messages[1]?.payload)).toBe('{"contentBlockIndex":0,"delta":{"text":"Hé"}}');
    expect(messages[0]?.headers).toMatchObject({ ':message-type': 'event', ':content-type': 'application/json' });
  });

  it('framing - a flipped payload byte fails the message CRC: malformed_response', async () => {
    const broken = Uint8Array.from(all);
    const at = (frames[0]?.length ?? 0) - 6;
    broken[at] = (broken[at] ?? 0) ^ 0xff;
    await expect(collect([broken])).rejects.toMatchObject({ kind: 'malformed_response' });
  });

  it('framing - a stream cut inside a frame is stream_interrupted; an absurd length is malformed', async () => {
    await expect(collect([all.subarray(0, all.length - 3)])).rejects.toMatchObject({ kind: 'stream_interrupted' });
    const absurd = Uint8Array.from(all);
    new DataView(absurd.buffer).setUint32(0, 0xffffffff, false);
    await expect(collect([absurd])).rejects.toMatchObject({ kind: 'malformed_response' });
  });

  it('framing - the codec round-trips what the fake encodes', () => {
    const decoded = eventStreamCodec.decode(frames[0] as Uint8Array);
    expect(decoded.headers[':event-type']).toEqual({ type: 'string', value: 'messageStart' });
  });
});
