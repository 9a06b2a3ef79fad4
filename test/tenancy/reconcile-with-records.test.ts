/**
 * The ledger reconciles with the decision record: 1,000 mixed requests (plain and streaming,
 * single and cascade with a judge, some cancelled by the client) through three routers that
 * share one JetStream key-value ledger and one JetStream decision log, with upstream faults
 * (5xx, overload, resets, bad JSON, streams cut before and after their first token). Afterwards
 * `switchyard budgets reconcile` finds the ledger's spend equal to the record's sum, to the
 * nano-dollar, for the day and the month; a drift planted in the ledger is reported, and
 * `--fix` corrects it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterServiceClient } from '../../services/generated/switchyard/v1/RouterService.js';
import { main } from '../../services/cli/main.js';
import type { CommandIO } from '../../services/cli/command-io.js';
import { KvTenancyStore } from '../../services/router/tenancy/kv-cas-store.js';
import { Ledger } from '../../services/router/tenancy/ledger.js';
import type { SpendDrift } from '../../services/router/tenancy/reconcile-spend.js';
import type { RunningServer } from '../../services/server/switchyard-server.js';
import { routerClient } from '../../services/shared/grpc/router-client.js';
import { Prng } from '../../services/train/prng.js';
import { execute, executeStream } from '../support/execute-fixture.js';
import { startNatsServer, type NatsServer } from '../support/nats-server.js';
import { startOpenAIFake, type OpenAIFake, type OpenAIFakeStep } from '../fakes/openai-fake.js';
import { KEYS, bearer, startTenancyNode, tenancyConfig, userMessage, writeConfig } from './support.js';

const REQUESTS = 1_000;
const TENANTS = { acme: { keys: [{ env: 'SWITCHYARD_KEY_ACME' }], budget: { daily_usd: 1_000, monthly_usd: 10_000 } } };

let nats: NatsServer;
let fake: OpenAIFake;
let nodes: RunningServer[] = [];
let clients: RouterServiceClient[] = [];
let configFile: string;

function config(): Record<string, unknown> {
  const base = tenancyConfig(fake.url, TENANTS);
  return {
    ...base,
    executor: { ...(base.executor as object), retry_attempts: 2, retry_base_ms: 1, retry_cap_ms: 5 },
    policies: {
      ...(base.policies as object),
      judged: { strategy: 'cascade', cost_quality_tradeoff: 0, max_stages: 2, checks: [{ judge: { model: 'us-model', min_score: 7 } }] },
    },
    decision_log: { store: 'jetstream', flush_interval_ms: 10 },
  };
}

/** What the upstream does, request by request: mostly answers, with every kind of fault mixed in. */
function faults(rng: Prng, n: number): OpenAIFakeStep[] {
  const steps: OpenAIFakeStep[] = [];
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    if (r < 0.06) steps.push({ fault: 'server_error' });
    else if (r < 0.09) steps.push({ fault: 'overloaded' });
    else if (r < 0.12) steps.push({ fault: 'reset' });
    else if (r < 0.15) steps.push({ fault: 'malformed_json' });
    else if (r < 0.18) steps.push({ streamCut: 'stream_truncated', afterChunks: 1 + Math.floor(rng.next() * 3) });
    else if (r < 0.2) steps.push({ streamCut: 'stream_error', afterChunks: 2 });
    else steps.push({ reply: 'text' });
  }
  return steps;
}

async function reconcile(...args: string[]): Promise<{ code: number; rows: SpendDrift[]; err: string }> {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void) => new Writable({ write: (c, _e, cb) => (f(String(c)), cb()) });
  const io: CommandIO = { out: sink((s) => (out += s)), err: sink((s) => (err += s)), env: { NATS_URL: nats.url, SWITCHYARD_LOG_LEVEL: 'error' }, readStdin: () => '' };
  const code = await main(['budgets', 'reconcile', '--config', configFile, '--json', ...args], io);
  return { code, rows: out.trim() ? out.trim().split('\n').map((l) => JSON.parse(l) as SpendDrift) : [], err };
}

beforeAll(async () => {
  nats = await startNatsServer({ jetStreamDir: mkdtempSync(join(tmpdir(), 'switchyard-js-')) });
  fake = await startOpenAIFake({ flavour: 'compatible', apiKey: '' });
  configFile = writeConfig(config());
  nodes = await Promise.all([0, 1, 2].map(() => startTenancyNode(config(), { env: { NATS_URL: nats.url } })));
  await Promise.all(nodes.map((n) => n.tenancy!.ready()));
  clients = nodes.map((n) => routerClient(n.address, {}));
}, 30_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(nodes.map((n) => n.shutdown(500)));
  await fake?.close();
  await nats?.stop();
});

describe('tenancy - the ledger reconciles with the decision record', () => {
  it('after 1,000 mixed requests with faults on 3 replicas, the ledger equals the records sum; a planted drift is found and fixed', async () => {
    const rng = new Prng(20261202);
    fake.script(...faults(rng, REQUESTS * 4));
    const ends = { answered: 0, failed: 0, cancelled: 0 };
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        const i = next++;
        const client = clients[i % 3]!;
        const request = { ...userMessage(`Question ${i}: what is the capital of France?`), maxOutputTokens: 20, ...(i % 5 === 4 ? { policy: 'judged' } : {}) };
        const md = bearer(KEYS.ACME);
        if (i % 3 === 2) {
          // Every ninth request's client cancels after its first event.
          const r = await executeStream(client, request, { metadata: md, ...(i % 9 === 8 ? { onEvent: () => 'cancel' as const } : {}) });
          if (r.done) ends.answered++;
          else if (i % 9 === 8) ends.cancelled++;
          else ends.failed++;
        } else {
          const r = await execute(client, request, { metadata: md });
          if (r.err) ends.failed++;
          else ends.answered++;
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, worker));
    // Routers write their records off the request path: stopping them flushes what is queued.
    await Promise.all(nodes.map((n) => n.shutdown(2_000)));
    nodes = [];

    const first = await reconcile();
    console.log(`reconcile: ${REQUESTS} requests (${ends.answered} answered, ${ends.failed} failed, ${ends.cancelled} cancelled by the client); ${first.rows.map((r) => `${r.counter}: ledger ${r.ledgerNano} records ${r.recordsNano} (${r.records} records) drift ${r.driftNano}`).join('; ')}`);
    expect(ends.answered + ends.failed + ends.cancelled).toBe(REQUESTS);
    expect(ends.failed).toBeGreaterThan(0);
    expect(ends.answered).toBeGreaterThan(REQUESTS / 2);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.rows.map((r) => r.counter.replace(/\d+$/, ''))).toEqual(['acme.usd.d', 'acme.usd.m']);
    for (const r of first.rows) {
      expect(r.records).toBeGreaterThanOrEqual(ends.answered);
      expect(r.recordsNano).toBeGreaterThan(0);
      expect(r.ledgerNano).toBe(r.recordsNano);
      expect(r.driftNano).toBe(0);
      expect(r.heldNano).toBe(0);
    }

    // A drift planted in the day's counter: reported (exit status 3), then fixed.
    const store = new KvTenancyStore({ nats: { servers: [nats.url], name: 'reconcile-test' }, onRevocation: () => undefined });
    try {
      await store.opened();
      const ledger = new Ledger({ store, holdTtlMs: 60_000 });
      await ledger.adjust(first.rows[0]!.counter, 123_456);
      const drifted = await reconcile();
      expect(drifted.code).toBe(3);
      expect(drifted.rows[0]).toMatchObject({ driftNano: 123_456, corrected: false });
      expect(drifted.rows[1]).toMatchObject({ driftNano: 0 });
      const fixed = await reconcile('--fix');
      expect(fixed.code).toBe(0);
      expect(fixed.rows[0]).toMatchObject({ driftNano: 123_456, corrected: true });
      expect((await ledger.read(first.rows[0]!.counter)).used).toBe(first.rows[0]!.recordsNano);
      expect((await reconcile()).rows.map((r) => r.driftNano)).toEqual([0, 0]);
    } finally {
      await store.close();
    }
  }, 240_000);

  it('refuses a bad day and names the flag', async () => {
    const r = await reconcile('--day', '2026-13-45');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--day "2026-13-45": not a date/);
  });
});
