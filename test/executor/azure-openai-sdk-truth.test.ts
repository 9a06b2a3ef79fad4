/**
 * openai's AzureOpenAI client as the judge of the Azure fake: the SDK's requests (deployment
 * path, api-version, api-key or Entra token) must pass the fake's checks and the fake's replies,
 * streams and errors must parse as the SDK expects. Then the adapter must send what the SDK
 * sends, so neither the fake nor the adapter can drift from Azure's wire format.
 */
import { readFileSync } from 'node:fs';
import { AzureOpenAI, OpenAI } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { azureOpenAIChatAdapter } from '../../services/executor/providers/azure-openai-chat.js';
import { ProviderError } from '../../services/executor/providers/errors.js';
import type { ChatRequest, StreamEvent } from '../../services/shared/contracts/provider.js';
import { startAzureOpenAIFake } from '../fakes/azure-openai-fake.js';
import type { BaseProviderFake } from '../fakes/provider-fake.js';
import { EXPECTED, type RecordedRequest } from '../fakes/fake-contract.js';

const KEY = 'azure-sdk-truth-key-0123456789';
const DEPLOYMENT = 'gpt-4o-mini-prod';
const API_VERSION = '2024-10-21';
const WEATHER_TOOL = {
  type: 'function' as const,
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

async function drain(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe('azure-openai sdk against the fake', () => {
  let fake: BaseProviderFake;
  let client: AzureOpenAI;
  beforeAll(async () => {
    fake = await startAzureOpenAIFake({ apiKey: KEY });
    client = new AzureOpenAI({ endpoint: fake.origin, apiKey: KEY, apiVersion: API_VERSION, deployment: DEPLOYMENT, maxRetries: 0 });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const only = (): RecordedRequest => {
    expect(fake.requests).toHaveLength(1);
    return fake.requests[0] as RecordedRequest;
  };

  it('azure sdk - deployment path, api-version and api-key pass; the annotated body parses', async () => {
    const completion = await client.chat.completions.create({
      model: DEPLOYMENT,
      messages: [{ role: 'system', content: 'Answer in one sentence.' }, { role: 'user', content: 'What is the capital of France?' }],
      max_completion_tokens: 64,
    });
    const sent = only();
    expect(sent.problems).toEqual([]);
    expect(sent.path).toBe(`/openai/deployments/${DEPLOYMENT}/chat/completions?api-version=${API_VERSION}`);
    expect(sent.headers['api-key']).toBe(KEY);
    expect(completion.choices[0]?.message.content).toBe(EXPECTED.text);
    expect(completion.usage?.prompt_tokens).toBe(EXPECTED.textUsage.inputTokens);
    expect((completion as unknown as { prompt_filter_results: unknown[] }).prompt_filter_results).toHaveLength(1);
  });

  it('azure sdk - a stream with the prompt-filter chunk first and the usage chunk last', async () => {
    const stream = await client.chat.completions.create({
      model: DEPLOYMENT,
      messages: [{ role: 'user', content: 'What is the capital of France?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(only().problems).toEqual([]);
    expect(chunks[0]?.choices).toEqual([]);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(EXPECTED.text);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(EXPECTED.textUsage.outputTokens);
  });

  it('azure sdk - tools and a tool call reply', async () => {
    fake.script({ reply: 'tool-call' });
    const completion = await client.chat.completions.create({
      model: DEPLOYMENT,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [WEATHER_TOOL],
      tool_choice: 'auto',
    });
    expect(only().problems).toEqual([]);
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual(EXPECTED.toolCall.arguments);
  });

  it('azure sdk - error bodies: 429 with retry-after, context length, content filter, deployment not found', async () => {
    fake.script(
      { fault: 'rate_limit' },
      { fault: 'context_length' },
      { status: 400, body: JSON.parse(readFixture('error-400-content-filter.json')) },
      { status: 404, body: JSON.parse(readFixture('error-404-deployment.json')) },
    );
    const ask = () => client.chat.completions.create({ model: DEPLOYMENT, messages: [{ role: 'user', content: 'Hi' }] });
    const limited = await ask().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('429');
    const tooLong = await ask().catch((e: unknown) => e);
    expect((tooLong as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
    const filtered = await ask().catch((e: unknown) => e);
    expect(filtered).toBeInstanceOf(OpenAI.BadRequestError);
    expect((filtered as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('content_filter');
    const missing = await ask().catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('DeploymentNotFound');
  });

  it('azure sdk - the fake rejects what Azure rejects: a wrong key, an unknown api-version', async () => {
    const wrong = new AzureOpenAI({ endpoint: fake.origin, apiKey: 'not-the-key', apiVersion: '2023-01-01', deployment: DEPLOYMENT, maxRetries: 0 });
    await wrong.chat.completions.create({ model: DEPLOYMENT, messages: [{ role: 'user', content: 'Hi' }] });
    expect(only().problems).toEqual(['api-version 2023-01-01 is not supported', 'api-key header is not the key']);
  });

  it('azure sdk - the adapter sends what the SDK sends: same path, same key header, same body fields', async () => {
    const request: ChatRequest = { model: DEPLOYMENT, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], maxOutputTokens: 32 };
    await client.chat.completions.create({ model: DEPLOYMENT, messages: [{ role: 'user', content: 'Hi' }], max_completion_tokens: 32 });
    await azureOpenAIChatAdapter.generate({ baseUrl: fake.origin, apiKey: KEY, azure: { apiVersion: API_VERSION, auth: 'api-key' } }, request, AbortSignal.timeout(10_000));
    const [sdk, ours] = fake.requests;
    expect(ours?.problems).toEqual([]);
    expect(ours?.path).toBe(sdk?.path);
    expect(ours?.headers['api-key']).toBe(sdk?.headers['api-key']);
    expect(ours?.body).toEqual(sdk?.body);
  });
});

describe('azure-openai - entra tokens and api-versions', () => {
  const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.entra-test-token';
  let fake: BaseProviderFake;
  beforeAll(async () => {
    fake = await startAzureOpenAIFake({ apiKey: TOKEN, auth: 'entra' });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('azure entra - the SDK and the adapter both send the token as a Bearer token', async () => {
    const client = new AzureOpenAI({ endpoint: fake.origin, azureADTokenProvider: async () => TOKEN, apiVersion: API_VERSION, deployment: DEPLOYMENT, maxRetries: 0 });
    await client.chat.completions.create({ model: DEPLOYMENT, messages: [{ role: 'user', content: 'Hi' }] });
    const endpoint = { baseUrl: fake.origin, apiKey: TOKEN, azure: { apiVersion: API_VERSION, auth: 'entra' as const } };
    const result = await azureOpenAIChatAdapter.generate(endpoint, { model: DEPLOYMENT, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }, AbortSignal.timeout(10_000));
    expect(result.message.text).toBe(EXPECTED.text);
    expect(fake.requests.map((r) => r.problems)).toEqual([[], []]);
    expect(fake.requests[1]?.headers['api-key']).toBeUndefined();
  });

  it('azure api-version - an older version gets max_tokens and no stream_options', async () => {
    const endpoint = { baseUrl: `${fake.origin}/`, apiKey: TOKEN, azure: { apiVersion: '2024-06-01', auth: 'entra' as const } };
    const { events } = await azureOpenAIChatAdapter.stream(endpoint, { model: DEPLOYMENT, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], maxOutputTokens: 16 }, AbortSignal.timeout(10_000));
    const all = await drain(events);
    const sent = fake.requests[0];
    expect(sent?.problems).toEqual([]);
    expect(sent?.path).toBe(`/openai/deployments/${DEPLOYMENT}/chat/completions?api-version=2024-06-01`);
    expect(sent?.body).toMatchObject({ max_tokens: 16, stream: true });
    expect(sent?.body).not.toHaveProperty('stream_options');
    // Without the usage chunk the usage is unknown, and the answer still finishes.
    expect(all.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 0 } });
  });

  it('azure errors - a missing deployment is not_found and a content filter is content_filter, neither retryable', async () => {
    fake.script(
      { status: 404, body: JSON.parse(readFixture('error-404-deployment.json')) },
      { status: 400, body: JSON.parse(readFixture('error-400-content-filter.json')) },
    );
    const endpoint = { baseUrl: fake.origin, apiKey: TOKEN, azure: { apiVersion: API_VERSION, auth: 'entra' as const } };
    const ask: ChatRequest = { model: DEPLOYMENT, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] };
    const missing = await azureOpenAIChatAdapter.generate(endpoint, ask, AbortSignal.timeout(10_000)).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ProviderError);
    expect(missing).toMatchObject({ kind: 'not_found', retryable: false, status: 404, providerCode: 'DeploymentNotFound' });
    const filtered = await azureOpenAIChatAdapter.generate(endpoint, ask, AbortSignal.timeout(10_000)).catch((e: unknown) => e);
    expect(filtered).toMatchObject({ kind: 'content_filter', retryable: false, status: 400 });
    expect((filtered as ProviderError).message).not.toContain(TOKEN);
  });
});

function readFixture(name: string): string {
  return readFileSync(new URL(`../fixtures/azure-openai/${name}`, import.meta.url), 'utf8');
}
