/**
 * A stream its client leaves after output began is billed for what it received, in the tenant's
 * ledger and in the decision record alike: providers bill the output they generated, so counting
 * nothing would let spend pass a budget unseen and the ledger drift from the record. The client
 * leaves by cancelling ExecuteStream or by closing the HTTP front door's connection
 * (test/execute/abandoned-stream.test.ts: a consumer that stops reading without cancelling).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RouterServiceClient } from '../../services/generated/switchyard/v1/RouterService.js';
import { NANO_PER_USD, spendLimits } from '../../services/router/tenancy/tenant-limits.js';
import type { RunningServer } from '../../services/server/switchyard-server.js';
import { routerClient } from '../../services/shared/grpc/router-client.js';
import { executeStream, waitFor } from '../support/execute-fixture.js';
import { startOpenAIFake, type OpenAIFake } from '../fakes/openai-fake.js';
import { stored } from '../record/support.js';
import { KEYS, bearer, startTenancyNode, tenancyConfig, userMessage } from './support.js';

const TENANTS = { acme: { keys: [{ env: 'SWITCHYARD_KEY_ACME' }], budget: { daily_usd: 10 } } };
const PROMPT = 'Describe the harbour at dawn in a few sentences.';

let fake: OpenAIFake;
let node: RunningServer;
let client: RouterServiceClient;

beforeAll(async () => {
  fake = await startOpenAIFake({ flavour: 'compatible', apiKey: '' });
  const base = tenancyConfig(fake.url, TENANTS) as Record<string, any>;
  base.server = { ...base.server, http_listen: '127.0.0.1:0' };
  base.decision_log = { store: 'file', flush_interval_ms: 5, file: { dir: join(mkdtempSync(join(tmpdir(), 'switchyard-abandoned-')), 'decisions') } };
  node = await startTenancyNode(base);
  client = routerClient(node.address, {});
});

afterAll(async () => {
  client?.close();
  await node?.shutdown(500);
  await fake?.close();
});

beforeEach(() => fake.reset());

const dayKey = () => spendLimits({ id: 'acme', models: null, policies: null, regions: null, dailyUsd: 10 }, Date.now())[0]!.key;

/** The ledger once nothing is held, and the record of `decisionId` once its outcome is stored. */
async function settled(decisionId: string, spentBefore: number): Promise<{ spentNano: number; record: any }> {
  let spent = { used: 0, held: 1, holds: 1 };
  await waitFor(async () => {
    spent = await node.tenancy!.ledger.read(dayKey());
    return spent.holds === 0;
  }, 'the stream\'s reservation to be settled');
  let record: any;
  await waitFor(async () => {
    record = (await stored(client, decisionId)).record;
    return record.outcome !== null;
  }, 'the record\'s outcome');
  return { spentNano: spent.used - spentBefore, record };
}

function expectBilledForOutput(record: any, spentNano: number): void {
  const outcome = record.outcome;
  expect(outcome.errorCode).toBe('aborted');
  const last = outcome.attempts[outcome.attempts.length - 1];
  expect(Number(last.usage.outputTokens)).toBeGreaterThan(0);
  expect(Number(last.usage.inputTokens)).toBeGreaterThan(0);
  expect(last.error).toMatch(/billed as estimated/);
  expect(outcome.costUsd).toBeGreaterThan(0);
  // The ledger counts what the record says, to the nano-dollar.
  expect(spentNano).toBe(Math.round(outcome.costUsd * NANO_PER_USD));
}

describe('tenancy - a stream left after output began is billed for what was received', () => {
  it('ExecuteStream cancelled by the client after its first text', async () => {
    fake.script({ reply: 'text', chunkDelayMs: 150 });
    const before = (await node.tenancy!.ledger.read(dayKey())).used;
    const r = await executeStream(client, { ...userMessage(PROMPT), maxOutputTokens: 200 } as never, {
      metadata: bearer(KEYS.ACME),
      onEvent: (e) => (e.event === 'textDelta' ? 'cancel' : undefined),
    });
    expect(r.text.length).toBeGreaterThan(0);
    const decisionId = r.events.find((e) => e.event === 'decision')!.decision!.decisionId!;
    const { spentNano, record } = await settled(decisionId, before);
    expectBilledForOutput(record, spentNano);
  });

  it('an HTTP front door stream whose client goes away after its first chunk', async () => {
    fake.script({ reply: 'text', chunkDelayMs: 150 });
    const before = (await node.tenancy!.ledger.read(dayKey())).used;
    const openai = new OpenAI({ baseURL: `http://127.0.0.1:${node.http!.port}/v1`, apiKey: KEYS.ACME, maxRetries: 0, timeout: 10_000 });
    const { data: stream, response } = await openai.chat.completions
      .create({ model: 'switchyard/auto', messages: [{ role: 'user', content: PROMPT }], max_tokens: 200, stream: true })
      .withResponse();
    const decisionId = response.headers.get('x-switchyard-decision-id')!;
    let text = '';
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (text) break; // the SDK closes the connection
    }
    expect(text.length).toBeGreaterThan(0);
    const { spentNano, record } = await settled(decisionId, before);
    expectBilledForOutput(record, spentNano);
  });
});
