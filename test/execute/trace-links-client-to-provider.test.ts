import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { metadataWithContext } from '../../services/shared/telemetry.js';
import type { RecordedRequest } from '../fakes/fake-contract.js';
import {
  executeConfig,
  executeRequest,
  execute,
  executeStream,
  standardModels,
  startExecuteServer,
  startStandardFakes,
  type ExecuteServer,
  type StandardFakes,
  waitFor,
} from '../support/execute-fixture.js';

const exporter = new InMemorySpanExporter();
const SECRET_PROMPT = 'What is the capital of France? (secret-prompt-4b1d)';

let fakes: StandardFakes;
let all: ExecuteServer;
let executorOnly: ExecuteServer;
let routerOnly: ExecuteServer;

beforeAll(async () => {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  fakes = await startStandardFakes();
  const config = executeConfig(standardModels(fakes));
  all = await startExecuteServer(config);
  executorOnly = await startExecuteServer(config, { role: 'executor' });
  routerOnly = await startExecuteServer(config, { role: 'router', executors: [executorOnly.server.address] });
});
afterAll(async () => {
  await routerOnly?.close();
  await executorOnly?.close();
  await all?.close();
  await fakes?.close();
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => {
  fakes.reset();
  exporter.reset();
});

/** Starts a client span and returns it with call metadata that carries it. */
function clientSpan() {
  const span = trace.getTracer('test-client').startSpan('client-call');
  return { span, metadata: metadataWithContext(trace.setSpan(context.active(), span)) };
}

const spanNamed = (name: string, traceId: string): ReadableSpan => {
  const found = exporter.getFinishedSpans().filter((s) => s.name === name && s.spanContext().traceId === traceId);
  expect(found.map((s) => s.name)).toEqual([name]);
  return found[0]!;
};
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

/** The traceparent header the provider received: 00-<trace id>-<parent span id>-<flags>. */
function traceparent(r: RecordedRequest): { traceId: string; parentId: string } {
  const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(r.headers.traceparent ?? '');
  expect(m, `traceparent header: ${r.headers.traceparent}`).not.toBeNull();
  return { traceId: m![1]!, parentId: m![2]! };
}

function expectAttemptAttributes(attempt: ReadableSpan): void {
  expect(attempt.attributes).toMatchObject({
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'cheap-openai',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.usage.input_tokens': 24,
    'gen_ai.usage.output_tokens': 8,
    'switchyard.model': 'cheap-openai',
    'switchyard.deployment': 'd1',
  });
}

function expectNoPromptInSpans(): void {
  const text = JSON.stringify(exporter.getFinishedSpans().map((s) => [s.name, s.attributes, s.events, s.status]));
  expect(text).not.toContain('secret-prompt');
}

describe('execute - one trace links the client, Execute, the attempt and the provider call', () => {
  it('Execute in one process', async () => {
    const { span, metadata } = clientSpan();
    const { err } = await execute(all.client, executeRequest(SECRET_PROMPT), { metadata });
    span.end();
    expect(err).toBeNull();
    const traceId = span.spanContext().traceId;
    const exec = spanNamed('switchyard.Execute', traceId);
    const attempt = spanNamed('chat cheap-openai', traceId);
    expect(parentOf(exec)).toBe(span.spanContext().spanId);
    expect(parentOf(attempt)).toBe(exec.spanContext().spanId);
    expectAttemptAttributes(attempt);
    expect(attempt.attributes['switchyard.decision_id']).toBe(exec.attributes['switchyard.decision_id']);
    const sent = traceparent(fakes.cheap.requests[0]!);
    expect(sent.traceId).toBe(traceId);
    expect(sent.parentId).toBe(attempt.spanContext().spanId);
    expectNoPromptInSpans();
  });

  it('ExecuteStream in one process', async () => {
    const { span, metadata } = clientSpan();
    const r = await executeStream(all.client, executeRequest(SECRET_PROMPT), { metadata });
    span.end();
    expect(r.err).toBeNull();
    const traceId = span.spanContext().traceId;
    const exec = spanNamed('switchyard.ExecuteStream', traceId);
    const attempt = spanNamed('chat cheap-openai', traceId);
    expect(parentOf(exec)).toBe(span.spanContext().spanId);
    expect(parentOf(attempt)).toBe(exec.spanContext().spanId);
    expectAttemptAttributes(attempt);
    expect(attempt.attributes['switchyard.streaming']).toBe(true);
    const sent = traceparent(fakes.cheap.requests[0]!);
    expect(sent).toEqual({ traceId, parentId: attempt.spanContext().spanId });
    expectNoPromptInSpans();
  });

  it('a failed attempt has its own span, marked as an error, beside the one that answered', async () => {
    fakes.cheap.script({ fault: 'overloaded' }, { fault: 'overloaded' });
    const { span, metadata } = clientSpan();
    const { err } = await execute(all.client, executeRequest(SECRET_PROMPT), { metadata });
    span.end();
    expect(err).toBeNull();
    const traceId = span.spanContext().traceId;
    const exec = spanNamed('switchyard.Execute', traceId);
    const attempts = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId && s.name.startsWith('chat '));
    expect(attempts.map((s) => [s.name, s.status.code])).toEqual([
      ['chat cheap-openai', SpanStatusCode.ERROR],
      ['chat cheap-openai', SpanStatusCode.ERROR],
      ['chat mid-anthropic', SpanStatusCode.UNSET],
    ]);
    expect(attempts[0]!.attributes).toMatchObject({ 'error.type': 'server', 'http.response.status_code': 503 });
    for (const a of attempts) expect(parentOf(a)).toBe(exec.spanContext().spanId);
    expect(fakes.cheap.requests.map((r) => traceparent(r).parentId)).toEqual(attempts.slice(0, 2).map((a) => a.spanContext().spanId));
    expect(traceparent(fakes.mid.requests[0]!).parentId).toBe(attempts[2]!.spanContext().spanId);
  });

  it('through the router to a remote executor', async () => {
    const { span, metadata } = clientSpan();
    const { err } = await execute(routerOnly.client, executeRequest(SECRET_PROMPT), { metadata });
    span.end();
    expect(err).toBeNull();
    const traceId = span.spanContext().traceId;
    const exec = spanNamed('switchyard.Execute', traceId);
    const invoke = spanNamed('switchyard.Invoke', traceId);
    const attempt = spanNamed('chat cheap-openai', traceId);
    expect(parentOf(exec)).toBe(span.spanContext().spanId);
    expect(parentOf(invoke)).toBe(exec.spanContext().spanId);
    expect(parentOf(attempt)).toBe(invoke.spanContext().spanId);
    expectAttemptAttributes(attempt);
    expect(traceparent(fakes.cheap.requests[0]!)).toEqual({ traceId, parentId: attempt.spanContext().spanId });
    expectNoPromptInSpans();
  });

  it('ExecuteStream through the router to a remote executor', async () => {
    const { span, metadata } = clientSpan();
    const r = await executeStream(routerOnly.client, executeRequest(SECRET_PROMPT), { metadata });
    span.end();
    expect(r.err).toBeNull();
    const traceId = span.spanContext().traceId;
    const exec = spanNamed('switchyard.ExecuteStream', traceId);
    const invoke = spanNamed('switchyard.InvokeStream', traceId);
    const attempt = spanNamed('chat cheap-openai', traceId);
    expect(parentOf(exec)).toBe(span.spanContext().spanId);
    expect(parentOf(invoke)).toBe(exec.spanContext().spanId);
    expect(parentOf(attempt)).toBe(invoke.spanContext().spanId);
    expectAttemptAttributes(attempt);
    expect(traceparent(fakes.cheap.requests[0]!)).toEqual({ traceId, parentId: attempt.spanContext().spanId });
  });

  it('a cancelled ExecuteStream still ends its spans, marked as errors', async () => {
    fakes.cheap.script({ reply: 'text', chunkDelayMs: 150 });
    const { span, metadata } = clientSpan();
    const r = await executeStream(all.client, executeRequest(SECRET_PROMPT), { metadata, onEvent: (e) => (e.event === 'textDelta' ? 'cancel' : undefined) });
    span.end();
    expect(r.err!.code).toBe(1); // CANCELLED
    await fakes.cheap.requests[0]!.closedEarly;
    const traceId = span.spanContext().traceId;
    await waitFor(() => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId).length >= 3, 'the spans to end');
    expect(spanNamed('switchyard.ExecuteStream', traceId).status.code).toBe(SpanStatusCode.ERROR);
    expect(spanNamed('chat cheap-openai', traceId).status.code).toBe(SpanStatusCode.ERROR);
  });
});
