/**
 * The provider conformance suite: the same behaviours for every adapter, each adapter one row.
 *
 *   runProviderConformance([
 *     { name: 'openai', adapter: openAIChatAdapter, startFake: startOpenAIFake, wire: openAIWire },
 *   ]);
 *
 * A row brings a fake (a local HTTP server speaking the provider's wire format, see
 * ProviderFake) and a WireReader that reads the provider's request format, so the suite can
 * check what reached the wire without knowing the format. The fake's replies are the
 * provider's real bodies and SSE events, stored as fixtures; for each FakeReply they must
 * carry the values in EXPECTED (a row may override a value its provider cannot express).
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderError, ProviderErrorKind } from '../../services/executor/providers/errors.js';
import type {
  ChatMessage,
  ChatRequest,
  ProviderAdapter,
  ProviderEndpoint,
  StreamEvent,
  ToolDefinition,
} from '../../services/shared/contracts/provider.js';
import { type ConformanceExpectations, EXPECTED, type FakeFault, type FakeOptions, PNG_BASE64, type ProviderFake, type RecordedRequest, type WireImage, type WireReader } from '../fakes/fake-contract.js';
import { rejection } from './adapter-harness.js';

export interface ConformanceRow {
  name: string;
  adapter: ProviderAdapter;
  startFake: (options: FakeOptions) => Promise<ProviderFake>;
  wire: WireReader;
  /** Defaults to 'sk-conformance-key-0123456789'; '' exercises a keyless endpoint. */
  apiKey?: string;
  /** Values this provider's fixtures carry differently (e.g. Anthropic's 529 for overloaded). */
  expect?: Partial<ConformanceExpectations>;
  /** The endpoint for the fake, when the provider needs more than a base URL and a key (AWS credentials). */
  endpoint?: (fake: ProviderFake, apiKey: string) => ProviderEndpoint;
}

// ---------------------------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------------------------

export const MODEL = 'conformance-model';
/** Never to appear in an error message. */
const PROMPT_SENTINEL = 'What is the capital of France? (prompt-sentinel-7f3a)';

const WEATHER_TOOL: ToolDefinition = {
  name: 'get_weather',
  description: 'Current weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
};
const CITY_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, country: { type: 'string' } },
  required: ['city', 'country'],
  additionalProperties: false,
};

const user = (text: string): ChatMessage => ({ role: 'user', content: [{ type: 'text', text }] });
const ask = (extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: MODEL, messages: [user(PROMPT_SENTINEL)], ...extra });

interface FaultCase {
  fault: FakeFault;
  kind: ProviderErrorKind;
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
}

export function runProviderConformance(rows: ConformanceRow[]): void {
  const contextManager = new AsyncLocalStorageContextManager();
  const tracer = new BasicTracerProvider().getTracer('provider-conformance');
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(() => {
    propagation.disable();
    context.disable();
  });

  for (const row of rows) {
    describe(`${row.name} - provider conformance`, () => {
      const want: ConformanceExpectations = { ...EXPECTED, ...row.expect };
      const apiKey = row.apiKey ?? 'sk-conformance-key-0123456789';
      const { adapter, wire } = row;
      let fake: ProviderFake;
      let endpoint: ProviderEndpoint;
      const signal = (): AbortSignal => AbortSignal.timeout(10_000);

      beforeAll(async () => {
        fake = await row.startFake({ apiKey });
        endpoint = row.endpoint?.(fake, apiKey) ?? { baseUrl: fake.url, apiKey };
      });
      afterAll(async () => {
        await fake.close();
      });
      beforeEach(() => fake.reset());

      /** The one request the fake received, checked against the wire format. */
      const sent = (): RecordedRequest => {
        expect(fake.requests).toHaveLength(1);
        const request = fake.requests[0] as RecordedRequest;
        expect(request.problems).toEqual([]);
        return request;
      };

      const collect = async (request: ChatRequest): Promise<StreamEvent[]> => {
        const { events } = await adapter.stream(endpoint, request, signal());
        const out: StreamEvent[] = [];
        for await (const event of events) out.push(event);
        return out;
      };

      it('basics - text answer', async () => {
        const result = await adapter.generate(endpoint, ask(), signal());
        expect(result.message.text).toBe(want.text);
        expect(result.message.toolCalls).toEqual([]);
        expect(result.finishReason).toBe('stop');
        expect(result.usage).toEqual(want.textUsage);
        expect(result.responseModel).not.toBe('');
        const request = sent();
        expect(wire.model(request)).toBe(MODEL);
        expect(wire.streaming(request)).toBe(false);
      });

      it('basics - system prompt', async () => {
        const system: ChatMessage = { role: 'system', content: [{ type: 'text', text: 'Answer in one sentence.' }] };
        await adapter.generate(endpoint, { model: MODEL, messages: [system, user(PROMPT_SENTINEL)] }, signal());
        expect(wire.systemPrompt(sent())).toBe('Answer in one sentence.');
      });

      it('basics - max output tokens', async () => {
        await adapter.generate(endpoint, ask({ maxOutputTokens: 64 }), signal());
        expect(wire.maxOutputTokens(sent())).toBe(64);
      });

      it('input - image', async () => {
        const message: ChatMessage = {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image', data: PNG_BASE64, mediaType: 'image/png' },
          ],
        };
        await adapter.generate(endpoint, { model: MODEL, messages: [message] }, signal());
        const images = wire.images(sent()).map(fromDataUrl);
        expect(images).toEqual([{ data: PNG_BASE64, mediaType: 'image/png' }]);
      });

      it('tools - the model calls a tool', async () => {
        fake.script({ reply: 'tool-call' });
        const result = await adapter.generate(endpoint, ask({ tools: [WEATHER_TOOL], toolChoice: 'auto' }), signal());
        expect(result.finishReason).toBe('tool_calls');
        expect(result.message.toolCalls).toHaveLength(1);
        const call = result.message.toolCalls[0];
        expect(call?.name).toBe(want.toolCall.name);
        expect(JSON.parse(call?.arguments ?? 'null')).toEqual(want.toolCall.arguments);
        expect(call?.id).not.toBe('');
        expect(result.usage).toEqual(want.toolCallUsage);
        expect(wire.toolNames(sent())).toEqual(['get_weather']);
      });

      it('tools - round trip: assistant tool calls, then the tool result', async () => {
        fake.script({ reply: 'tool-result' });
        const messages: ChatMessage[] = [
          user(PROMPT_SENTINEL),
          { role: 'assistant', content: [], toolCalls: [{ id: 'call_conformance_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
          { role: 'tool', toolCallId: 'call_conformance_1', name: 'get_weather', content: [{ type: 'text', text: '{"temp_c":18,"sky":"sunny"}' }] },
        ];
        const result = await adapter.generate(endpoint, { model: MODEL, messages, tools: [WEATHER_TOOL] }, signal());
        expect(result.message.text).toBe(want.toolResultText);
        const request = sent();
        const calls = wire.assistantToolCalls(request);
        expect(calls).toHaveLength(1);
        expect(calls[0]?.name).toBe('get_weather');
        expect(calls[0]?.arguments).toEqual({ city: 'Paris' });
        if (calls[0]?.id !== undefined) expect(calls[0].id).toBe('call_conformance_1');
        const results = wire.toolResults(request);
        expect(results).toHaveLength(1);
        expect(results[0]?.output).toContain('18');
        expect(results[0]?.id === 'call_conformance_1' || results[0]?.name === 'get_weather').toBe(true);
      });

      it('output - JSON schema request is mapped and the answer parses', async () => {
        fake.script({ reply: 'json' });
        const result = await adapter.generate(
          endpoint,
          { model: MODEL, messages: [user('Name the capital of France as JSON.')], responseFormat: { type: 'json_schema', name: 'city', schema: CITY_SCHEMA, strict: true } },
          signal(),
        );
        expect(JSON.parse(result.message.text)).toEqual(want.json);
        expect(wire.jsonOutput(sent())?.schema).toEqual(CITY_SCHEMA);
      });

      it('output - JSON object request is mapped', async () => {
        fake.script({ reply: 'json' });
        await adapter.generate(endpoint, { model: MODEL, messages: [user('Reply in JSON.')], responseFormat: { type: 'json_object' } }, signal());
        expect(wire.jsonOutput(sent())).toBeDefined();
      });

      it('output - no JSON requested, none mapped', async () => {
        await adapter.generate(endpoint, ask(), signal());
        expect(wire.jsonOutput(sent())).toBeUndefined();
      });

      it('usage - cached input tokens', async () => {
        fake.script({ reply: 'cached-usage' });
        const result = await adapter.generate(endpoint, ask(), signal());
        expect(result.usage).toEqual(want.cachedUsage);
      });

      it('finish - length', async () => {
        fake.script({ reply: 'finish-length' });
        const result = await adapter.generate(endpoint, ask({ maxOutputTokens: 3 }), signal());
        expect(result.finishReason).toBe('length');
        expect(result.message.text).toBe(want.lengthText);
      });

      it('finish - content_filter', async () => {
        fake.script({ reply: 'finish-content-filter' });
        const result = await adapter.generate(endpoint, ask(), signal());
        expect(result.finishReason).toBe('content_filter');
      });

      it('stream - text deltas, then finish with usage', async () => {
        const events = await collect(ask());
        const deltas = events.filter((e) => e.type === 'text-delta');
        expect(deltas.length).toBeGreaterThan(1);
        expect(deltas.map((e) => e.text).join('')).toBe(want.text);
        const last = events.at(-1);
        expect(last).toMatchObject({ type: 'finish', finishReason: 'stop', usage: want.textUsage });
        expect(events.filter((e) => e.type === 'finish')).toHaveLength(1);
        expect(wire.streaming(sent())).toBe(true);
      });

      it('stream - tool call assembled from fragments', async () => {
        fake.script({ reply: 'tool-call' });
        const events = await collect(ask({ tools: [WEATHER_TOOL] }));
        const calls = events.flatMap((e) => (e.type === 'tool-call' ? [e.toolCall] : []));
        expect(calls).toHaveLength(1);
        expect(calls[0]?.name).toBe(want.toolCall.name);
        expect(JSON.parse(calls[0]?.arguments ?? 'null')).toEqual(want.toolCall.arguments);
        expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool_calls', usage: want.toolCallUsage });
        sent();
      });

      const httpFaults: FaultCase[] = [
        { fault: 'server_error', kind: 'server', retryable: true, status: 500 },
        { fault: 'overloaded', kind: 'server', retryable: true, status: want.overloadedStatus },
        { fault: 'rate_limit', kind: 'rate_limit', retryable: true, status: 429, ...(want.rateLimitRetryAfterMs !== undefined ? { retryAfterMs: want.rateLimitRetryAfterMs } : {}) },
        { fault: 'context_length', kind: 'context_length', retryable: false, status: 400 },
        { fault: 'auth', kind: 'auth', retryable: false, status: want.authStatus },
        { fault: 'reset', kind: 'connection', retryable: true },
      ];
      for (const mode of ['generate', 'stream'] as const) {
        it.each(httpFaults)(`faults - ${mode}: $fault gives $kind`, async (c) => {
          fake.script({ fault: c.fault });
          const call = mode === 'generate' ? adapter.generate(endpoint, ask(), signal()) : adapter.stream(endpoint, ask(), signal());
          const error = await rejection(call);
          expectProviderError(error, c);
          expect(error.message).not.toContain(PROMPT_SENTINEL);
          if (apiKey !== '') expect(error.message).not.toContain(apiKey);
        });
      }

      it('faults - generate: malformed JSON body gives malformed_response', async () => {
        fake.script({ fault: 'malformed_json' });
        expectProviderError(await rejection(adapter.generate(endpoint, ask(), signal())), { kind: 'malformed_response' });
      });

      const streamFaults: FaultCase[] = [
        { fault: 'malformed_json', kind: 'malformed_response', retryable: false },
        { fault: 'stream_truncated', kind: 'stream_interrupted', retryable: true },
        { fault: 'stream_error', kind: 'server', retryable: true },
      ];
      it.each(streamFaults)('faults - stream: $fault gives $kind while iterating', async (c) => {
        fake.script({ fault: c.fault });
        const error = await rejection(collect(ask()));
        expectProviderError(error, c);
      });

      it('faults - a server that never answers times out, and the fake sees the connection close', async () => {
        fake.script({ fault: 'hang' });
        const error = await rejection(adapter.generate(endpoint, ask(), AbortSignal.timeout(300)));
        expectProviderError(error, { kind: 'timeout', retryable: true });
        await closedWithin(fake, 2000);
      });

      it('abort - before the answer: rejects with aborted and the connection closes', async () => {
        fake.script({ fault: 'hang' });
        const controller = new AbortController();
        const call = rejection(adapter.generate(endpoint, ask(), controller.signal));
        await until(() => fake.requests.length === 1);
        controller.abort();
        expectProviderError(await call, { kind: 'aborted', retryable: false });
        await closedWithin(fake, 2000);
      });

      it('abort - mid-stream: iteration rejects with aborted and the connection closes', async () => {
        fake.script({ reply: 'text', chunkDelayMs: 100 });
        const controller = new AbortController();
        const { events } = await adapter.stream(endpoint, ask(), controller.signal);
        const iterator = events[Symbol.asyncIterator]();
        const first = await iterator.next();
        expect(first.done).toBe(false);
        controller.abort();
        const error = await rejection(
          (async () => {
            for (let r = await iterator.next(); !r.done; r = await iterator.next());
          })(),
        );
        expectProviderError(error, { kind: 'aborted', retryable: false });
        await closedWithin(fake, 2000);
      });

      it('abort - leaving a stream early closes the connection', async () => {
        fake.script({ reply: 'text', chunkDelayMs: 100 });
        const { events } = await adapter.stream(endpoint, ask(), signal());
        for await (const event of events) {
          expect(event.type).toBe('text-delta');
          break;
        }
        await closedWithin(fake, 2000);
      });

      it('tracing - traceparent of the active span reaches the provider', async () => {
        const span = tracer.startSpan('executor.invoke');
        await context.with(trace.setSpan(context.active(), span), () => adapter.generate(endpoint, ask(), signal()));
        span.end();
        const { traceId, spanId } = span.spanContext();
        expect(sent().headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
      });

      it('tracing - no active span, no traceparent', async () => {
        await adapter.generate(endpoint, ask(), signal());
        expect(sent().headers.traceparent).toBeUndefined();
      });
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function expectProviderError(error: ProviderError, want: Partial<FaultCase>): void {
  const got: Partial<FaultCase> = { kind: error.kind };
  if (want.retryable !== undefined) got.retryable = error.retryable;
  if (want.status !== undefined) got.status = error.status;
  if (want.retryAfterMs !== undefined) got.retryAfterMs = error.retryAfterMs;
  const { fault: _fault, ...expected } = want;
  expect(got).toEqual(expected);
}

function fromDataUrl(image: WireImage): WireImage {
  const match = image.url === undefined ? null : /^data:([^;,]+);base64,(.*)$/s.exec(image.url);
  if (match === null) return image;
  return { data: match[2] as string, mediaType: match[1] as string };
}

async function until(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function closedWithin(fake: ProviderFake, ms: number): Promise<void> {
  const request = fake.requests[0];
  expect(request).toBeDefined();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the fake did not see the connection close within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([(request as RecordedRequest).closedEarly, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
