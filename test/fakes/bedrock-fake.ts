/**
 * A local AWS Bedrock runtime for tests: Converse (POST /model/{modelId}/converse, JSON) and
 * ConverseStream (…/converse-stream, answered in the AWS event-stream binary framing with
 * `:message-type`, `:event-type` / `:exception-type` and `:content-type` headers and CRCs).
 * Every request's SigV4 signature is verified the way AWS does (sigv4-verify.ts) and its body
 * checked against what Converse accepts (bedrock-fake-checks.ts); errors carry their AWS type
 * in `x-amzn-errortype` and a `{"message"}` body (test/fixtures/bedrock/).
 *
 * Stream lines are JSON objects with one key, the event type, as the SDK presents them:
 * `{"contentBlockDelta":{"p":"abcd…","contentBlockIndex":0,"delta":{"text":"The"}}}`, with
 * Bedrock's `p` padding; a key ending in "Exception" is sent as an exception frame.
 */
import { readFileSync } from 'node:fs';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import type { FakeOptions, ProviderFake, RecordedRequest, WireImage, WireReader } from './fake-contract.js';
import { checkConverseBody } from './bedrock-fake-checks.js';
import { bodyOf, isRecord, recordedStream, splitText, startProviderFake, type BaseProviderFake } from './provider-fake.js';
import { verifySigV4 } from './sigv4-verify.js';

export interface BedrockFakeOptions extends Partial<FakeOptions> {
  /** The secret access key (the conformance suite's apiKey). */
  apiKey?: string;
  accessKeyId?: string;
  sessionToken?: string;
  region?: string;
}

export const BEDROCK_FAKE_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const BEDROCK_FAKE_REGION = 'eu-central-1';
const FIXTURES = new URL('../fixtures/bedrock/', import.meta.url);
const PATH = /^\/model\/([^/?]+)\/(converse|converse-stream)$/;
const ERROR_TYPE_SUFFIX = ':http://internal.amazon.com/coral/com.amazon.bedrock/';

export function readBedrockFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();
const codec = new EventStreamCodec((b) => utf8Decoder.decode(b), (s) => utf8Encoder.encode(s));
const errorType = (type: string): Record<string, string> => ({ 'x-amzn-errortype': `${type}${ERROR_TYPE_SUFFIX}` });

export function startBedrockFake(options: BedrockFakeOptions = {}): Promise<BaseProviderFake> {
  const credentials = {
    accessKeyId: options.accessKeyId ?? BEDROCK_FAKE_ACCESS_KEY_ID,
    secretAccessKey: options.apiKey ?? 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ...(options.sessionToken !== undefined ? { sessionToken: options.sessionToken } : {}),
    region: options.region ?? BEDROCK_FAKE_REGION,
    service: 'bedrock',
  };
  return startProviderFake({
    basePath: '',
    http2: true,
    readFixture: readBedrockFixture,
    check: (method, path, headers, body, raw) => {
      const problems: string[] = [];
      if (method !== 'POST') problems.push(`method ${method}, want POST`);
      if (!PATH.test(path)) problems.push(`path ${path}, want /model/{modelId}/converse or /converse-stream`);
      if (!(headers['content-type'] ?? '').startsWith('application/json')) problems.push('content-type is not application/json');
      problems.push(...verifySigV4(method, path, headers, raw, credentials));
      return [...problems, ...checkConverseBody(body)];
    },
    streaming: (request) => request.path.endsWith('/converse-stream'),
    headers: () => ({ 'x-amzn-requestid': crypto.randomUUID() }),
    jsonContentType: 'application/json',
    sseHeaders: { 'content-type': 'application/vnd.amazon.eventstream' },
    sseEvent: encodeFrame,
    errors: {
      server_error: { status: 500, fixture: 'error-500.json', headers: errorType('InternalServerException') },
      overloaded: { status: 503, fixture: 'error-503.json', headers: errorType('ServiceUnavailableException') },
      rate_limit: { status: 429, fixture: 'error-429.json', headers: errorType('ThrottlingException') },
      context_length: { status: 400, fixture: 'error-400-context-length.json', headers: errorType('ValidationException') },
      auth: { status: 403, fixture: 'error-403-token.json', headers: { 'x-amzn-errortype': 'UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/' } },
    },
    faultChunks: 3,
    streamFaultsWithoutStream: 'json',
    // A recorded stream (`name.chunks.txt`, one event per line) when there is one, else the events of the body.
    streamLines: (name) =>
      recordedStream(readBedrockFixture, name) ?? converseToEvents(JSON.parse(readBedrockFixture(`${name}.json`)) as Record<string, unknown>).map((e) => JSON.stringify(e)),
  });
}

/** The ConverseStream events Bedrock sends for a Converse answer: text in a few deltas, tool input as JSON fragments. */
export function converseToEvents(response: Record<string, unknown>): Array<Record<string, unknown>> {
  const message = isRecord(response.output) && isRecord(response.output.message) ? response.output.message : {};
  const content = Array.isArray(message.content) ? message.content.filter(isRecord) : [];
  const events: Array<Record<string, unknown>> = [{ messageStart: { role: 'assistant' } }];
  content.forEach((block, contentBlockIndex) => {
    if (typeof block.text === 'string') {
      for (const text of splitText(block.text)) events.push({ contentBlockDelta: { contentBlockIndex, delta: { text } } });
    } else if (isRecord(block.toolUse)) {
      const { toolUseId, name, input } = block.toolUse;
      events.push({ contentBlockStart: { contentBlockIndex, start: { toolUse: { toolUseId, name } } } });
      const json = JSON.stringify(input ?? {});
      const cut = Math.ceil(json.length / 2);
      for (const piece of [json.slice(0, cut), json.slice(cut)]) events.push({ contentBlockDelta: { contentBlockIndex, delta: { toolUse: { input: piece } } } });
    }
    events.push({ contentBlockStop: { contentBlockIndex } });
  });
  events.push({ messageStop: { stopReason: response.stopReason } });
  events.push({ metadata: { usage: response.usage, metrics: response.metrics } });
  return events.map((event, i) => {
    const [type, payload] = Object.entries(event)[0] as [string, Record<string, unknown>];
    return { [type]: { p: padding(i), ...payload } };
  });
}

/** One event-stream frame for a line; a line cut short (the malformed_json fault) keeps its type and sends the broken payload. */
export function encodeFrame(line: string): Uint8Array {
  let type: string;
  let payload: string;
  try {
    const event = JSON.parse(line) as Record<string, unknown>;
    type = Object.keys(event)[0] ?? 'unknown';
    payload = JSON.stringify(event[type]);
  } catch {
    const cut = /^\{"(\w+)":(.*)$/s.exec(line);
    type = cut?.[1] ?? 'unknown';
    payload = cut?.[2] ?? line;
  }
  const exception = type.endsWith('Exception');
  return codec.encode({
    headers: {
      ':message-type': { type: 'string', value: exception ? 'exception' : 'event' },
      [exception ? ':exception-type' : ':event-type']: { type: 'string', value: type },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: utf8Encoder.encode(payload),
  });
}

/** Bedrock pads event payloads with a `p` field of varying length so sizes do not reveal content. */
function padding(seed: number): string {
  return 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.slice(0, 62 - ((seed * 7) % 30));
}

// ---------------------------------------------------------------------------------------------
// Reading the request format, for the conformance suite
// ---------------------------------------------------------------------------------------------

const blocksOf = (r: RecordedRequest, role: string): Array<Record<string, unknown>> => {
  const messages = bodyOf(r).messages;
  if (!Array.isArray(messages)) return [];
  return messages.filter((m): m is Record<string, unknown> => isRecord(m) && m.role === role).flatMap((m) => (Array.isArray(m.content) ? m.content.filter(isRecord) : []));
};
const record = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {});

export const bedrockWire: WireReader = {
  model: (r) => {
    const id = PATH.exec(r.path)?.[1];
    return id === undefined ? undefined : decodeURIComponent(id);
  },
  streaming: (r) => r.path.endsWith('/converse-stream'),
  systemPrompt: (r) => {
    const system = bodyOf(r).system;
    return Array.isArray(system) ? system.map((b: unknown) => String(record(b).text ?? '')).join('\n') : undefined;
  },
  images: (r) =>
    blocksOf(r, 'user').flatMap((b): WireImage[] => {
      const image = record(b.image);
      return b.image === undefined ? [] : [{ data: String(record(image.source).bytes), mediaType: `image/${String(image.format)}` }];
    }),
  toolNames: (r) => {
    const tools = record(bodyOf(r).toolConfig).tools;
    return Array.isArray(tools) ? tools.map((t: unknown) => String(record(record(t).toolSpec).name)) : [];
  },
  assistantToolCalls: (r) =>
    blocksOf(r, 'assistant').flatMap((b) => {
      const use = record(b.toolUse);
      return b.toolUse === undefined ? [] : [{ id: String(use.toolUseId), name: String(use.name), arguments: use.input }];
    }),
  toolResults: (r) =>
    blocksOf(r, 'user').flatMap((b) => {
      const result = record(b.toolResult);
      const content = Array.isArray(result.content) ? result.content : [];
      const output = content.map((c: unknown) => (typeof record(c).text === 'string' ? String(record(c).text) : JSON.stringify(record(c).json))).join('');
      return b.toolResult === undefined ? [] : [{ id: String(result.toolUseId), output }];
    }),
  jsonOutput: (r) => {
    const format = record(record(bodyOf(r).outputConfig).textFormat);
    const schema = record(record(format.structure).jsonSchema).schema;
    return typeof schema === 'string' ? { schema: JSON.parse(schema) as unknown } : undefined;
  },
  maxOutputTokens: (r) => {
    const value = record(bodyOf(r).inferenceConfig).maxTokens;
    return typeof value === 'number' ? value : undefined;
  },
};

export type BedrockFake = BaseProviderFake & ProviderFake;
