/**
 * Span status messages hold no client value: a failed Decide, Execute or ExecuteStream whose
 * error repeats what the client sent (an unknown policy's name, a language code) records the
 * status name and the error's class in its span, not the message.
 */
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decide,
  executeConfig,
  executeRequest,
  execute,
  executeStream,
  standardModels,
  startExecuteServer,
  startStandardFakes,
  waitFor,
  type ExecuteServer,
  type StandardFakes,
} from '../support/execute-fixture.js';

const exporter = new InMemorySpanExporter();
const PLANTED = 'planted-client-value-7f3a';

let fakes: StandardFakes;
let s: ExecuteServer;

beforeAll(async () => {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  fakes = await startStandardFakes();
  s = await startExecuteServer(executeConfig(standardModels(fakes)));
});
afterAll(async () => {
  await s?.close();
  await fakes?.close();
  trace.disable();
  context.disable();
});

describe('spans - no client value in a status message', () => {
  it('Decide, Execute and ExecuteStream refused for a planted policy name and language record none of it', async () => {
    const bad = executeRequest('hi', { policy: PLANTED });
    const d = await decide(s.client, bad);
    const e = await execute(s.client, bad);
    const st = await executeStream(s.client, executeRequest('hi', { requirements: { languages: [PLANTED] } }));
    // The client is told, with the value (capped)...
    for (const err of [d.err, e.err, st.err]) expect(err?.details).toContain(PLANTED);
    await waitFor(() => exporter.getFinishedSpans().filter((x) => x.name.startsWith('switchyard.')).length >= 3, 'three server spans');
    const spans = exporter.getFinishedSpans().filter((x) => x.name.startsWith('switchyard.'));
    // ...but the spans only say what failed.
    for (const span of spans) {
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.status.message).toBe('INVALID_ARGUMENT InvalidArgumentError');
    }
    expect(JSON.stringify(exporter.getFinishedSpans().map((x) => [x.attributes, x.events, x.status]))).not.toContain(PLANTED);
  });

  it('a failed provider attempt records its error kind, not the provider’s message', async () => {
    exporter.reset();
    fakes.all.forEach((f) => f.script({ fault: 'auth' }));
    const { err } = await execute(s.client, executeRequest('hi'));
    expect(err).not.toBeNull();
    const attempts = exporter.getFinishedSpans().filter((x) => x.name.startsWith('chat '));
    expect(attempts.length).toBeGreaterThan(0);
    for (const a of attempts) expect(a.status.message).toBe('ProviderError auth');
  });
});
