/**
 * @aws-sdk/client-bedrock-runtime as the judge of the Bedrock fake: the SDK signs its own
 * requests (the fake verifies each SigV4 signature as AWS does), its Converse and
 * ConverseStream requests must pass the fake's body checks, and the fake's bodies, event-stream
 * frames and errors must come out of the SDK as the documented shapes and exception classes.
 * Then the adapter must send what the SDK sends, so neither can drift from the wire format.
 */
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InternalServerException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bedrockConverseAdapter } from '../../services/executor/providers/bedrock-converse.js';
import type { ChatRequest, ProviderEndpoint } from '../../services/shared/contracts/provider.js';
import { BEDROCK_FAKE_ACCESS_KEY_ID, BEDROCK_FAKE_REGION, startBedrockFake } from '../fakes/bedrock-fake.js';
import type { BaseProviderFake } from '../fakes/provider-fake.js';
import { EXPECTED, PNG_BASE64, type RecordedRequest } from '../fakes/fake-contract.js';

const SECRET = 'bedrock-sdk-truth-secret/0123456789abcdef';
const MODEL = 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0';
const CITY_SCHEMA = { type: 'object', properties: { city: { type: 'string' }, country: { type: 'string' } }, required: ['city', 'country'] };
const WEATHER_TOOL = {
  toolSpec: { name: 'get_weather', description: 'Current weather in a city', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
};

function client(origin: string, secretAccessKey = SECRET, sessionToken?: string): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: BEDROCK_FAKE_REGION,
    endpoint: origin,
    credentials: { accessKeyId: BEDROCK_FAKE_ACCESS_KEY_ID, secretAccessKey, ...(sessionToken !== undefined ? { sessionToken } : {}) },
    maxAttempts: 1,
  });
}

describe('bedrock sdk against the fake', () => {
  let fake: BaseProviderFake;
  let sdk: BedrockRuntimeClient;
  beforeAll(async () => {
    fake = await startBedrockFake({ apiKey: SECRET });
    sdk = client(fake.h2Origin!);
  });
  afterAll(async () => {
    sdk.destroy();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const only = (): RecordedRequest => {
    expect(fake.requests).toHaveLength(1);
    return fake.requests[0] as RecordedRequest;
  };

  it('bedrock sdk - a signed Converse request with system, image, tools and JSON output passes; the body parses', async () => {
    const out = await sdk.send(
      new ConverseCommand({
        modelId: MODEL,
        system: [{ text: 'Answer in one sentence.' }],
        messages: [{ role: 'user', content: [{ text: 'What is the capital of France?' }, { image: { format: 'png', source: { bytes: Buffer.from(PNG_BASE64, 'base64') } } }] }],
        inferenceConfig: { maxTokens: 64, temperature: 0.2 },
        toolConfig: { tools: [WEATHER_TOOL], toolChoice: { auto: {} } },
        outputConfig: { textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: JSON.stringify(CITY_SCHEMA), name: 'city' } } } },
      }),
    );
    const sent = only();
    expect(sent.problems).toEqual([]);
    expect(sent.path).toBe(`/model/${encodeURIComponent(MODEL)}/converse`);
    expect(out.output?.message?.content?.[0]?.text).toBe(EXPECTED.text);
    expect(out.stopReason).toBe('end_turn');
    expect(out.usage).toMatchObject({ inputTokens: 24, outputTokens: 8, totalTokens: 32 });
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('bedrock sdk - a tool use round trip passes; cache read and write tokens parse', async () => {
    fake.script({ reply: 'cached-usage' });
    const out = await sdk.send(
      new ConverseCommand({
        modelId: MODEL,
        messages: [
          { role: 'user', content: [{ text: 'Weather in Paris?' }] },
          { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } } }] },
          { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_1', content: [{ json: { temp_c: 18 } }], status: 'success' } }] },
        ],
        toolConfig: { tools: [WEATHER_TOOL] },
      }),
    );
    expect(only().problems).toEqual([]);
    expect(out.usage).toMatchObject({ inputTokens: 56, cacheReadInputTokens: 1280, cacheWriteInputTokens: 200 });
  });

  it('bedrock sdk - ConverseStream frames decode into the documented events', async () => {
    fake.script({ reply: 'tool-call' });
    const out = await sdk.send(new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'Weather in Paris?' }] }], toolConfig: { tools: [WEATHER_TOOL] } }));
    const events: ConverseStreamOutput[] = [];
    for await (const event of out.stream ?? []) events.push(event);
    expect(only().problems).toEqual([]);
    expect(only().path).toBe(`/model/${encodeURIComponent(MODEL)}/converse-stream`);
    expect(events.map((e) => Object.keys(e).find((k) => k !== '$unknown'))).toEqual([
      'messageStart', 'contentBlockStart', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata',
    ]);
    expect(events[1]?.contentBlockStart?.start?.toolUse).toMatchObject({ name: 'get_weather' });
    const input = events.flatMap((e) => (e.contentBlockDelta?.delta?.toolUse?.input !== undefined ? [e.contentBlockDelta.delta.toolUse.input] : [])).join('');
    expect(JSON.parse(input)).toEqual(EXPECTED.toolCall.arguments);
    expect(events[5]?.messageStop?.stopReason).toBe('tool_use');
    expect(events[6]?.metadata?.usage).toMatchObject({ inputTokens: 82, outputTokens: 17 });
  });

  it('bedrock sdk - streamed text assembles; an exception frame mid-stream is thrown as its class', async () => {
    const text = await sdk.send(new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }));
    let assembled = '';
    for await (const event of text.stream ?? []) assembled += event.contentBlockDelta?.delta?.text ?? '';
    expect(assembled).toBe(EXPECTED.text);
    fake.script({ fault: 'stream_error' });
    const failing = await sdk.send(new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }));
    const error = await (async () => {
      for await (const _event of failing.stream ?? []);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerException);
  });

  it('bedrock sdk - error responses come out as the SDK exception classes', async () => {
    fake.script({ fault: 'rate_limit' }, { fault: 'context_length' }, { fault: 'overloaded' }, { fault: 'auth' });
    const ask = () => sdk.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'Hi' }] }] })).catch((e: unknown) => e);
    const throttled = await ask();
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect((throttled as ThrottlingException).$metadata.httpStatusCode).toBe(429);
    const tooLong = await ask();
    expect(tooLong).toBeInstanceOf(ValidationException);
    expect((tooLong as ValidationException).message).toBe('Input is too long for requested model.');
    expect(await ask()).toBeInstanceOf(ServiceUnavailableException);
    expect(await ask()).toMatchObject({ name: 'UnrecognizedClientException', $metadata: { httpStatusCode: 403 } });
  });

  it('bedrock sdk - the fake rejects what AWS rejects: a wrong secret, a blank text block, roles out of turn', async () => {
    await client(fake.h2Origin!, 'not-the-secret').send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }));
    await sdk.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'assistant', content: [{ text: ' ' }] }] }));
    expect(fake.requests.map((r) => r.problems)).toEqual([
      ['the request signature does not match (SignatureDoesNotMatch)'],
      ['A conversation must start with a user message.', 'The text field in the ContentBlock object at messages[0].content[0] is blank.'],
    ]);
  });

  it('bedrock sdk - the adapter sends what the SDK sends: same path, same body', async () => {
    await sdk.send(
      new ConverseCommand({
        modelId: MODEL,
        system: [{ text: 'Be brief.' }],
        messages: [{ role: 'user', content: [{ text: 'Hi' }, { image: { format: 'png', source: { bytes: Buffer.from(PNG_BASE64, 'base64') } } }] }],
        inferenceConfig: { maxTokens: 32 },
        toolConfig: { tools: [WEATHER_TOOL], toolChoice: { tool: { name: 'get_weather' } } },
      }),
    );
    const request: ChatRequest = {
      model: MODEL,
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'image', data: PNG_BASE64, mediaType: 'image/png' }] },
      ],
      maxOutputTokens: 32,
      tools: [{ name: 'get_weather', description: 'Current weather in a city', parameters: WEATHER_TOOL.toolSpec.inputSchema.json }],
      toolChoice: 'get_weather',
    };
    await bedrockConverseAdapter.generate(endpoint(fake.origin), request, AbortSignal.timeout(10_000));
    const [fromSdk, fromAdapter] = fake.requests;
    expect(fromAdapter?.problems).toEqual([]);
    expect(fromAdapter?.path).toBe(fromSdk?.path);
    expect(fromAdapter?.body).toEqual(fromSdk?.body);
  });
});

describe('bedrock - temporary credentials', () => {
  const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLE-session-token';
  let fake: BaseProviderFake;
  beforeAll(async () => {
    fake = await startBedrockFake({ apiKey: SECRET, sessionToken: TOKEN });
  });
  afterAll(() => fake.close());

  it('bedrock session token - the SDK and the adapter both sign x-amz-security-token', async () => {
    const sdk = client(fake.h2Origin!, SECRET, TOKEN);
    await sdk.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }));
    sdk.destroy();
    const base = endpoint(fake.origin);
    const withToken: ProviderEndpoint = { ...base, aws: { ...base.aws!, sessionToken: TOKEN } };
    const result = await bedrockConverseAdapter.generate(withToken, { model: MODEL, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }, AbortSignal.timeout(10_000));
    expect(result.message.text).toBe(EXPECTED.text);
    expect(fake.requests.map((r) => r.problems)).toEqual([[], []]);
    // Without the token the signature is still valid, but AWS refuses the request.
    await bedrockConverseAdapter.generate(base, { model: MODEL, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }, AbortSignal.timeout(10_000));
    expect(fake.requests[2]?.problems).toEqual(['x-amz-security-token missing or wrong']);
  });
});

function endpoint(origin: string): ProviderEndpoint {
  return { baseUrl: origin, apiKey: '', aws: { region: BEDROCK_FAKE_REGION, accessKeyId: BEDROCK_FAKE_ACCESS_KEY_ID, secretAccessKey: SECRET } };
}
