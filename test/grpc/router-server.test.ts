import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { context, propagation, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metadataWithContext } from '../../services/shared/telemetry.js';
import type { DecideResponse__Output } from '../../services/generated/switchyard/v1/DecideResponse.js';
import type { ListModelsResponse__Output } from '../../services/generated/switchyard/v1/ListModelsResponse.js';
import { call, startTestServer, type TestServer } from '../support/grpc-server.js';

const exporter = new InMemorySpanExporter();
let t: TestServer;

beforeAll(async () => {
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
  trace.disable();
  context.disable();
  propagation.disable();
});

const prompt = { messages: [{ role: 'ROLE_USER', content: [{ text: 'Prove that there are infinitely many primes' }] }] };

describe('grpc - RouterService', () => {
  it('Decide answers with an explained decision', async () => {
    const { err, res } = await call<DecideResponse__Output>(t.client, 'decide', prompt);
    expect(err).toBeNull();
    expect(res!.model).toBeTruthy();
    expect(res!.candidates.length).toBe(t.server.catalog.models.length);
    expect(res!.reason).toContain(res!.model);
  });

  it('Decide rejects a malformed request with INVALID_ARGUMENT naming the field, and keeps serving', async () => {
    const { err } = await call(t.client, 'decide', { messages: [] });
    expect(err!.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err!.details).toBe('messages: must not be empty');
    const again = await call<DecideResponse__Output>(t.client, 'decide', prompt);
    expect(again.err).toBeNull();
  });

  it('Decide answers FAILED_PRECONDITION when no model qualifies', async () => {
    const { err } = await call(t.client, 'decide', { ...prompt, requirements: { regions: ['antarctica'] } });
    expect(err!.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(err!.details).toMatch(/^no model meets the request's requirements: gpt-5: region/);
  });

  it('ListModels lists the catalog with prices and availability', async () => {
    const { err, res } = await call<ListModelsResponse__Output>(t.client, 'listModels', {});
    expect(err).toBeNull();
    const gpt4o = res!.models.find((m) => m.id === 'gpt-4o')!;
    expect(gpt4o.prices!.inputPerMtok).toBe(2.5);
    expect(gpt4o.capabilities).toContain('CAPABILITY_VISION');
    expect(gpt4o.available).toBe(true); // simulated without credentials in the built-in config
    expect(gpt4o.qualityProfile).toBe('gpt-4o-2024-05-13');
    expect(gpt4o).toMatchObject({ qualityPrior: false, qualityTier: '', qualityPriorScore: 0 });
    expect(gpt4o.qualitySource).toMatch(/^routing data: MMLU-Pro .*TIGER-Lab, 2024$/);
    const gpt5 = res!.models.find((m) => m.id === 'gpt-5')!;
    expect(gpt5).toMatchObject({ qualityPrior: true, qualityPriorScore: 0.87, qualityTier: 'frontier', qualityProfile: 'gemini-1.5-pro-002' });
    expect(gpt5.qualitySource).toMatch(/MMLU-Pro.*2025/);
    // Every prior's tier is set by its score; no two tiers share a profile.
    const byProfile = new Map<string, Set<string>>();
    for (const m of res!.models.filter((x) => x.qualityPrior)) byProfile.set(m.qualityProfile, (byProfile.get(m.qualityProfile) ?? new Set()).add(m.qualityTier));
    for (const tiers of byProfile.values()) expect(tiers.size).toBe(1);
    expect(res!.models.find((m) => m.id === 'gpt-5-mini')!.qualityTier).toBe('mid');
    expect(res!.models.find((m) => m.id === 'gemini-2.5-flash-lite')!.qualityTier).toBe('economy');
    expect(res!.models.map((m) => m.id)).toEqual(t.server.catalog.ids);
  });

  it('Execute answers from the simulator, saying so, when no provider keys are set', async () => {
    const { err, res } = await call<{ model: string; message: { text: string }; attempts: { deployment: string }[] }>(t.client, 'execute', {
      ...prompt,
      requirements: { denyModels: ['llama-3.1-8b-instruct'] }, // a real local server, not running here
    });
    expect(err).toBeNull();
    expect(res!.message.text).toContain('simulated answer');
    expect(res!.attempts.map((a) => a.deployment)).toEqual(['simulator']);
  });
});

describe('grpc - operations', () => {
  it('serves the standard health service', async () => {
    const def = protoLoader.loadSync(healthProtoPath, { enums: String });
    const Health = (grpc.loadPackageDefinition(def) as any).grpc.health.v1.Health;
    const client = new Health(t.server.address, grpc.credentials.createInsecure());
    const overall = await call<{ status: string }>(client, 'check', { service: '' });
    const router = await call<{ status: string }>(client, 'check', { service: 'switchyard.v1.RouterService' });
    client.close();
    expect(overall.res!.status).toBe('SERVING');
    expect(router.res!.status).toBe('SERVING');
  });

  it('serves reflection that lists the RouterService', async () => {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('@grpc/reflection')), '../proto');
    const def = protoLoader.loadSync('grpc/reflection/v1/reflection.proto', { includeDirs: [dir] });
    const Reflection = (grpc.loadPackageDefinition(def) as any).grpc.reflection.v1.ServerReflection;
    const client = new Reflection(t.server.address, grpc.credentials.createInsecure());
    const services = await new Promise<string[]>((resolve, reject) => {
      const stream = client.ServerReflectionInfo();
      stream.on('data', (r: any) => {
        resolve(r.listServicesResponse.service.map((s: any) => s.name));
        stream.end();
      });
      stream.on('error', reject);
      stream.write({ listServices: '' });
    });
    client.close();
    expect(services).toContain('switchyard.v1.RouterService');
  });
});

describe('grpc - tracing', () => {
  it('opens a Decide span parented on the caller trace context, without the prompt', async () => {
    exporter.reset();
    const tracer = trace.getTracer('test-client');
    const parent: Span = tracer.startSpan('client-call');
    const md = metadataWithContext(trace.setSpan(context.active(), parent));
    const secret = 'my secret prompt text 12345';
    const { err, res } = await call<DecideResponse__Output>(t.client, 'decide', { messages: [{ role: 'ROLE_USER', content: [{ text: secret }] }] }, md);
    parent.end();
    expect(err).toBeNull();
    const span = exporter.getFinishedSpans().find((s) => s.name === 'switchyard.Decide')!;
    expect(span).toBeDefined();
    expect(span.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span.attributes['switchyard.model']).toBe(res!.model);
    expect(span.attributes['switchyard.candidates']).toBe(t.server.catalog.models.length);
    expect(span.attributes['switchyard.reason']).toBe(res!.reason);
    expect(JSON.stringify(span.attributes)).not.toContain(secret);
  });
});
