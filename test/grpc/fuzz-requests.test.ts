/**
 * Property-based: thousands of random and malformed requests, over real gRPC. Every answer is
 * OK, INVALID_ARGUMENT or FAILED_PRECONDITION (never UNKNOWN or INTERNAL), and the server keeps
 * serving; every error names the field, and no message grows with the client's input. Random
 * bytes as a message body get INVALID_ARGUMENT naming the request, on every method, and the
 * server still serves afterwards.
 */
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecideResponse__Output } from '../../services/generated/switchyard/v1/DecideResponse.js';
import { call, startTestServer, type TestServer } from '../support/grpc-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

const modelIds = ['gpt-4o', 'gpt-4o-mini', 'claude-haiku-4-5', 'gemini-2.5-flash', 'llama-3.1-8b-instruct', 'nope', ''];
/** JSON nested `depth` levels deep, as arrays or objects. */
const deepJson = fc.tuple(fc.integer({ min: 1, max: 12_000 }), fc.boolean()).map(([depth, arrays]) =>
  arrays ? `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
);
/** Values long enough that echoing them whole would hang the status (over 128 KB encoded). */
const hugeName = fc.oneof({ weight: 1, arbitrary: fc.constantFrom('p'.repeat(131_000), '政'.repeat(15_000)) }, { weight: 20, arbitrary: fc.string({ minLength: 65, maxLength: 300 }) });
const text = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 100 }), fc.constant(''), fc.constant('x'.repeat(5000)));
const role = fc.oneof(fc.constantFrom('ROLE_USER', 'ROLE_SYSTEM', 'ROLE_ASSISTANT', 'ROLE_TOOL', 'ROLE_UNSPECIFIED'), fc.integer({ min: 0, max: 50 }));
const image = fc.oneof(
  fc.record({ url: fc.oneof(fc.webUrl(), fc.string(), fc.constant('data:image/png;base64,iVBORw0KGgo='), fc.constant('data:image/png;base64,!!')) }),
  fc.record({ data: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)), mediaType: fc.constantFrom('image/png', 'image/jpeg', 'text/plain', '') }),
  fc.record({ data: fc.constant(Buffer.from('89504e470d0a1a0a0000', 'hex')), mediaType: fc.constant('image/png') }),
);
const part = fc.oneof({ weight: 4, arbitrary: fc.record({ text }) }, { weight: 1, arbitrary: fc.record({ image }) }, { weight: 1, arbitrary: fc.constant({}) });
const message = fc.record(
  {
    role,
    content: fc.array(part, { maxLength: 4 }),
    toolCalls: fc.array(fc.record({ id: fc.string({ maxLength: 5 }), name: fc.string({ maxLength: 10 }), argumentsJson: fc.oneof(fc.json(), fc.string({ maxLength: 10 })) }), { maxLength: 2 }),
    toolCallId: fc.string({ maxLength: 5 }),
  },
  { requiredKeys: ['role', 'content'] },
);
const request = fc.record(
  {
    messages: fc.array(message, { maxLength: 6 }),
    tools: fc.array(fc.record({ name: fc.string({ maxLength: 20 }), description: fc.string({ maxLength: 20 }), parametersJson: fc.oneof(fc.json(), fc.string({ maxLength: 20 }), deepJson) }), { maxLength: 3 }),
    responseFormat: fc.record({ type: fc.oneof(fc.integer({ min: 0, max: 6 })), schemaName: fc.string({ maxLength: 5 }), schemaJson: fc.oneof(fc.json(), fc.string({ maxLength: 10 }), deepJson) }),
    maxOutputTokens: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 4_000_000 })),
    requirements: fc.record({
      capabilities: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 3 }),
      minContextTokens: fc.integer({ min: 0, max: 3_000_000 }),
      regions: fc.array(fc.constantFrom('us', 'eu', 'local', '', 'mars'), { maxLength: 2 }),
      languages: fc.array(fc.oneof(fc.constantFrom('en', 'de', 'ru', 'EN', 'english', ''), hugeName), { maxLength: 2 }),
      allowModels: fc.array(fc.oneof(fc.constantFrom(...modelIds), hugeName), { maxLength: 3 }),
      denyModels: fc.array(fc.constantFrom(...modelIds), { maxLength: 3 }),
      pinModel: fc.constantFrom(...modelIds),
    }),
    preferences: fc.record(
      {
        costQualityTradeoff: fc.double(),
        maxCostUsd: fc.double(),
        latencyBudgetMs: fc.integer({ min: 0, max: 100_000 }),
      },
      { requiredKeys: [] },
    ),
    policy: fc.oneof(fc.constantFrom('', 'balanced', 'quality', 'cascade', 'speculative', 'nope'), hugeName),
    labels: fc.record({ tenant: fc.oneof(fc.string({ maxLength: 5 }), hugeName), userTier: fc.constantFrom('', 'free', 'pro'), task: fc.string({ maxLength: 5 }), session: fc.string({ maxLength: 5 }) }),
    strategy: fc.integer({ min: 0, max: 5 }),
  },
  { requiredKeys: [] },
);

/** Requests that are well formed but random in what they ask for. */
const wellFormed = fc.record({
  messages: fc.tuple(fc.option(fc.record({ role: fc.constant('ROLE_SYSTEM'), content: fc.constant([{ text: 'You are terse.' }]) }), { nil: undefined }), text.filter((s) => s.length > 0)).map(([sys, t]) => [
    ...(sys ? [sys] : []),
    { role: 'ROLE_USER', content: [{ text: t }] },
  ]),
  maxOutputTokens: fc.constantFrom(0, 100, 4096, 50_000),
  requirements: fc.record({
    capabilities: fc.array(fc.constantFrom('CAPABILITY_TOOLS', 'CAPABILITY_VISION', 'CAPABILITY_JSON_OUTPUT', 'CAPABILITY_STREAMING'), { maxLength: 2 }),
    regions: fc.array(fc.constantFrom('us', 'local', 'eu'), { maxLength: 1 }),
    languages: fc.array(fc.constantFrom('en', 'de', 'ja'), { maxLength: 1 }),
    allowModels: fc.array(fc.constantFrom(...modelIds.slice(0, 5)), { maxLength: 2 }),
    denyModels: fc.array(fc.constantFrom(...modelIds.slice(0, 5)), { maxLength: 2 }),
  }),
  preferences: fc.record({ costQualityTradeoff: fc.double({ min: 0, max: 1, noNaN: true }), maxCostUsd: fc.double({ min: 1e-6, max: 1, noNaN: true }) }, { requiredKeys: [] }),
  policy: fc.constantFrom('', 'balanced', 'economy', 'cascade', 'speculative'),
  strategy: fc.integer({ min: 0, max: 3 }),
});

const ALLOWED = new Set([grpc.status.OK, grpc.status.INVALID_ARGUMENT, grpc.status.FAILED_PRECONDITION]);

describe('fuzz - random and malformed Decide requests', () => {
  it('never crash the server and never answer UNKNOWN or INTERNAL: 10,000 requests, 20 at a time', async () => {
    const seen = new Map<number, number>();
    const check = async (req: unknown) => {
      const { err, res } = await call<DecideResponse__Output>(t.client, 'decide', req);
      const code = err ? err.code : grpc.status.OK;
      seen.set(code, (seen.get(code) ?? 0) + 1);
      if (!ALLOWED.has(code)) throw new Error(`status ${grpc.status[code]}: ${err?.details}`);
      if (err) {
        expect(err.details).toMatch(/^[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*: |^no model meets|^no model is available|pins .* \(a hard pin\)/);
        expect(err.details.length).toBeLessThanOrEqual(4_096);
      } else expect(res!.model).toBeTruthy();
    };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(request, wellFormed), { minLength: 20, maxLength: 20 }), async (batch) => {
        await Promise.all(batch.map(check));
      }),
      { numRuns: 500, seed: 20261128 },
    );
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10_000);
    // The generator must exercise all three outcomes, or the test proves little.
    expect(seen.get(grpc.status.OK)).toBeGreaterThan(20);
    expect(seen.get(grpc.status.INVALID_ARGUMENT)).toBeGreaterThan(100);
    expect(seen.get(grpc.status.FAILED_PRECONDITION)).toBeGreaterThan(5);
  }, 120_000);

  it('answers bytes that are not the method’s message with INVALID_ARGUMENT naming the request, on every method', async () => {
    const raw = new grpc.Client(t.server.address, grpc.credentials.createInsecure());
    const unary = (path: string, bytes: Buffer) =>
      new Promise<grpc.ServiceError | null>((resolve) => {
        raw.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, bytes, (err) => resolve(err));
      });
    const streaming = (path: string, bytes: Buffer) =>
      new Promise<grpc.ServiceError | null>((resolve) => {
        const c = raw.makeServerStreamRequest(path, (b: Buffer) => b, (b: Buffer) => b, bytes);
        let err: grpc.ServiceError | null = null;
        c.on('data', () => {});
        c.on('error', (e: grpc.ServiceError) => (err = e));
        c.on('status', () => setImmediate(() => resolve(err)));
      });
    const methods = [
      ['/switchyard.v1.RouterService/Decide', unary, 'DecideRequest'],
      ['/switchyard.v1.RouterService/Execute', unary, 'ExecuteRequest'],
      ['/switchyard.v1.RouterService/ExecuteStream', streaming, 'ExecuteStreamRequest'],
    ] as const;
    const codes = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...methods), fc.uint8Array({ minLength: 1, maxLength: 64 }), async ([path, send, type], bytes) => {
        // Bodies that happen to decode are valid messages: they get the answer any request gets.
        const err = await send(path, Buffer.from(bytes));
        const code = err ? err.code : grpc.status.OK;
        codes.set(code, (codes.get(code) ?? 0) + 1);
        if (!ALLOWED.has(code) && code !== grpc.status.UNAVAILABLE) throw new Error(`status ${grpc.status[code]}: ${err?.details}`);
        if (err) expect(err.details).toMatch(new RegExp(`^request: is not a valid switchyard\\.v1\\.${type} message \\(|^[a-z_]+(\\[\\d+\\])?(\\.[a-z_]+(\\[\\d+\\])?)*: |^no model meets|^no model is available`));
      }),
      { numRuns: 600, seed: 20261202 },
    );
    expect(codes.get(grpc.status.INVALID_ARGUMENT)).toBeGreaterThan(100);
    for (const bytes of [Buffer.from([0xff, 0xff, 0xff]), Buffer.from('not protobuf at all'), Buffer.from([0x0a, 0x80])]) {
      const err = await unary('/switchyard.v1.RouterService/Decide', bytes);
      expect(err?.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err?.details).toMatch(/^request: is not a valid switchyard\.v1\.DecideRequest message \(/);
    }
    raw.close();
    const { err } = await call<DecideResponse__Output>(t.client, 'decide', { messages: [{ role: 'ROLE_USER', content: [{ text: 'still there?' }] }] });
    expect(err).toBeNull();
  });
});
