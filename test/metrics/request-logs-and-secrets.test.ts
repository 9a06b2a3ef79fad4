/**
 * Request logs of a real server (logs at debug, traces and metrics on, prompt logging off):
 * one JSON line per RPC with its method, status, latency, decision id, model, tenant and the
 * ids of the call's span; and a planted API key and prompt found nowhere in the logs, the
 * spans (attributes, events, status) or the metric labels after Decide and Execute calls,
 * failing ones included.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../services/shared/log.js';
import { startAnthropicFake } from '../fakes/anthropic-fake.js';
import { startGeminiFake } from '../fakes/gemini-fake.js';
import { startOpenAIFake, type OpenAIFake } from '../fakes/openai-fake.js';
import {
  decide,
  execute,
  executeConfig,
  executeRequest,
  executeStream,
  standardModels,
  startExecuteServer,
  type ExecuteServer,
} from '../support/execute-fixture.js';
import { scrape, type Scrape } from './scrape.js';

const KEY = 'sk-planted-key-5e1f0c9a';
const PROMPT = 'Summarise the merger memo (planted-prompt-b83d) in two lines.';
const TENANT = 'acme-eu';
/** A policy the config does not have: the client hears of it, no log line or label repeats it. */
const POLICY = 'policy-planted-0d4e';

const spans = new InMemorySpanExporter();
const lines: string[] = [];
let cheap: OpenAIFake;
let closeFakes: () => Promise<unknown>;
let s: ExecuteServer;
let metrics: Scrape;
const calls: { rpc: string; status: string; decisionId?: string; model?: string }[] = [];

const ask = (extra = {}) => executeRequest(PROMPT, { labels: { tenant: TENANT }, ...extra });
const rpcLines = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'rpc');

beforeAll(async () => {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const [c, mid, upper, top] = await Promise.all([
    startOpenAIFake({ apiKey: KEY }),
    startAnthropicFake({ apiKey: KEY }),
    startGeminiFake({ apiKey: KEY }),
    startOpenAIFake({ flavour: 'compatible', apiKey: '' }),
  ]);
  cheap = c;
  const fakes = [c, mid, upper, top];
  closeFakes = () => Promise.all(fakes.map((f) => f.close()));
  const log = createLogger('switchyard', { SWITCHYARD_LOG_LEVEL: 'debug' }, (l) => lines.push(l));
  s = await startExecuteServer(executeConfig(standardModels({ cheap: c, mid, upper, top })), {
    env: { OPENAI_API_KEY: KEY, ANTHROPIC_API_KEY: KEY, GEMINI_API_KEY: KEY },
    log,
    metricsListen: '127.0.0.1:0',
  });

  const d = await decide(s.client, ask());
  calls.push({ rpc: 'Decide', status: 'OK', decisionId: d.res!.decisionId, model: d.res!.model });
  expect((await decide(s.client, ask({ policy: POLICY }))).err?.code).toBe(3);
  calls.push({ rpc: 'Decide', status: 'INVALID_ARGUMENT' });
  const e = await execute(s.client, ask());
  calls.push({ rpc: 'Execute', status: 'OK', decisionId: e.res!.decisionId, model: e.res!.model });
  cheap.script({ fault: 'overloaded' }, { fault: 'overloaded' });
  const f = await execute(s.client, ask());
  expect(f.res!.model).toBe('mid-anthropic');
  calls.push({ rpc: 'Execute', status: 'OK', decisionId: f.res!.decisionId, model: 'mid-anthropic' });
  for (const fake of fakes) fake.script({ fault: 'overloaded' }, { fault: 'overloaded' });
  expect((await execute(s.client, ask())).err?.code).toBe(14);
  calls.push({ rpc: 'Execute', status: 'UNAVAILABLE' });
  const st = await executeStream(s.client, ask());
  calls.push({ rpc: 'ExecuteStream', status: 'OK', decisionId: st.done!.decisionId, model: st.done!.model });
  metrics = await scrape(s.server.metricsAddress!);
});

afterAll(async () => {
  await s?.close();
  await closeFakes?.();
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('request logs - one line per RPC', () => {
  it('has method, status, latency, decision id, model and tenant, in call order', () => {
    const got = rpcLines();
    expect(got.map((l) => [l.rpc, l.status])).toEqual(calls.map((c) => [c.rpc, c.status]));
    for (const [i, l] of got.entries()) {
      expect(l).toMatchObject({ component: 'switchyard', tenant: TENANT, latency_ms: expect.any(Number) });
      expect(l.level).toBe(calls[i]!.status === 'OK' ? 'info' : 'warn');
      if (calls[i]!.decisionId) expect(l).toMatchObject({ decision_id: calls[i]!.decisionId, model: calls[i]!.model });
    }
    // The Execute that failed everywhere still names its decision and the last error's kind.
    expect(got[4]).toMatchObject({ decision_id: expect.any(String), error_kind: 'server', attempts: 8 });
  });

  it('carries the trace and span ids of the call span on every line', () => {
    const finished = spans.getFinishedSpans().filter((sp) => sp.name.startsWith('switchyard.'));
    const got = rpcLines();
    for (const l of got) {
      const sp = finished.find((x) => x.spanContext().spanId === l.span_id);
      expect(sp, `span ${String(l.span_id)}`).toBeDefined();
      expect(sp!.name).toBe(`switchyard.${String(l.rpc)}`);
      expect(l.trace_id).toBe(sp!.spanContext().traceId);
    }
    expect(new Set(got.map((l) => l.trace_id)).size).toBe(got.length);
  });
});

describe('secrets - no key or prompt text in logs, spans or metric labels (prompt logging off)', () => {
  const planted = [KEY, 'planted-prompt-b83d', 'merger memo'];

  it('logs', () => {
    expect(lines.length).toBeGreaterThan(calls.length);
    for (const p of [...planted, POLICY]) expect(lines.filter((l) => l.includes(p))).toEqual([]);
    expect(rpcLines()[1]).toMatchObject({ rpc: 'Decide', status: 'INVALID_ARGUMENT', policy: 'unknown' });
  });

  it('spans: attributes, events and status', () => {
    const all = spans.getFinishedSpans();
    expect(all.length).toBeGreaterThan(calls.length);
    const text = JSON.stringify(all.map((sp) => [sp.name, sp.attributes, sp.events, sp.status, sp.links]));
    for (const p of planted) expect(text).not.toContain(p);
  });

  it('metric labels', () => {
    expect(metrics.total('switchyard_decisions_total')).toBe(5);
    const values = metrics.labelValues();
    for (const p of [...planted, POLICY]) {
      expect(values.filter((v) => v.includes(p))).toEqual([]);
      expect(metrics.text).not.toContain(p);
    }
  });
});
