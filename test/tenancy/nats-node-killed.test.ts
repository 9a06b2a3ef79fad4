/**
 * Process faults: one node of a three-node NATS JetStream cluster killed under load. Three
 * routers share the cluster; the budget ledger and the decision record are replicated on all
 * three nodes (bus.kv_replicas: 3, decision_log.jetstream.replicas: 3). Midway through the
 * load the node that leads the ledger's bucket is killed with SIGKILL. No completed request's
 * record is lost, every request ends with an answer or UNAVAILABLE, and the ledger equals the
 * record's costs: no spend is lost or counted twice across the loss of the bucket's leader.
 */
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import type { RouterServiceClient } from '../../services/generated/switchyard/v1/RouterService.js';
import { LEDGER_BUCKET } from '../../services/router/tenancy/kv-cas-store.js';
import { main } from '../../services/cli/main.js';
import { JetStreamRecordStore } from '../../services/router/record/jetstream-record-store.js';
import type { SpendDrift } from '../../services/router/tenancy/reconcile-spend.js';
import type { RunningServer } from '../../services/server/switchyard-server.js';
import { NatsBus } from '../../services/shared/bus/nats-bus.js';
import { routerClient } from '../../services/shared/grpc/router-client.js';
import { startOpenAIFake, type OpenAIFake } from '../fakes/openai-fake.js';
import { execute, executeStream } from '../support/execute-fixture.js';
import { startNatsCluster, type NatsServer } from '../support/nats-server.js';
import { KEYS, bearer, startTenancyNode, tenancyConfig, userMessage, writeConfig } from './support.js';

const REQUESTS = 300;
const KILL_AFTER = 100;
const STREAM = 'SWITCHYARD_DECISIONS';
const TENANTS = { acme: { keys: [{ env: 'SWITCHYARD_KEY_ACME' }], budget: { daily_usd: 1_000 } } };

let nodes: NatsServer[] = [];
let fake: OpenAIFake;
let routers: RunningServer[] = [];
let clients: RouterServiceClient[] = [];
let configFile: string;

function config(): Record<string, unknown> {
  const base = tenancyConfig(fake.url, TENANTS) as { bus?: Record<string, unknown> };
  return {
    ...base,
    bus: { ...base.bus, kv_replicas: 3 },
    decision_log: { store: 'jetstream', flush_interval_ms: 10, jetstream: { stream: STREAM, replicas: 3 } },
  };
}

const urls = (ns: NatsServer[]) => ns.map((n) => n.url).join(',');

beforeAll(async () => {
  nodes = await startNatsCluster(3, { jetStreamDir: mkdtempSync(join(tmpdir(), 'switchyard-jsc-')) });
  fake = await startOpenAIFake({ flavour: 'compatible', apiKey: '' });
  configFile = writeConfig(config());
  routers = await Promise.all([0, 1, 2].map(() => startTenancyNode(config(), { env: { NATS_URL: urls(nodes) } })));
  // The buckets are made once the cluster has elected its JetStream leader.
  await Promise.all(routers.map((r) => r.tenancy!.ready()));
  clients = routers.map((r) => routerClient(r.address, {}));
}, 90_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(routers.map((r) => r.shutdown(500)));
  await fake?.close();
  for (const n of nodes) await n.stop();
});

/** The cluster may time out a read while it settles after the loss: read again. */
async function recordIds(servers: string): Promise<Set<string>> {
  for (let i = 0; ; i++) {
    try {
      return await readRecordIds(servers);
    } catch (e) {
      console.log(`reading the records: ${(e as Error).message}; again`);
      if (i >= 5) throw e;
    }
  }
}

async function readRecordIds(servers: string): Promise<Set<string>> {
  const bus = new NatsBus({ servers: servers.split(','), name: 'cluster-test-reader' });
  await bus.connected();
  const store = new JetStreamRecordStore({ connection: () => bus.connection(), config: { stream: STREAM, replicas: 3, max_bytes: 1 << 30, max_age_ms: 86_400_000, duplicate_window_ms: 120_000 } });
  const ids = new Set<string>();
  try {
    for await (const e of store.scan()) if (e.record) ids.add(e.record.decisionId);
  } finally {
    await store.close();
    await bus.close();
  }
  return ids;
}

describe('process faults - a NATS cluster node killed under load', () => {
  it('no completed request loses its record, every request ends clearly, and the record holds every cost', async () => {
    // The node that leads the ledger's bucket: losing it is what the ledger must survive.
    const observer = new NatsBus({ servers: urls(nodes).split(','), name: 'cluster-test-observer' });
    await observer.connected();
    const leader = (await (await jetstreamManager(observer.connection()!)).streams.info(`KV_${LEDGER_BUCKET}`)).cluster?.leader ?? '';
    await observer.close();
    const victim = nodes.findIndex((_, i) => leader === `node${i}`);
    expect(victim).toBeGreaterThanOrEqual(0);
    const answered: { id: string; cost: number }[] = [];
    const failed: { code: grpc.status; details: string }[] = [];
    let started = 0;
    let killed: Promise<void> | undefined;
    const worker = async () => {
      while (started < REQUESTS) {
        const i = started++;
        if (i === KILL_AFTER) killed = nodes[victim]!.stop();
        const client = clients[i % 3]!;
        const request = { ...userMessage(`question ${i}`), maxOutputTokens: 20 };
        if (i % 2) {
          const r = await executeStream(client, request, { metadata: bearer(KEYS.ACME), deadlineMs: 30_000 });
          if (r.done && !r.err) answered.push({ id: r.done.decisionId, cost: r.done.costUsd });
          else failed.push({ code: r.err!.code, details: r.err!.details });
        } else {
          const r = await execute(client, request, { metadata: bearer(KEYS.ACME), deadlineMs: 30_000 });
          if (r.res) answered.push({ id: r.res.decisionId, cost: r.res.costUsd });
          else failed.push({ code: r.err!.code, details: r.err!.details });
        }
      }
    };
    await Promise.all(Array.from({ length: 9 }, worker));
    await killed;
    const survivors = urls(nodes.filter((_, i) => i !== victim));
    console.log(`NATS node ${leader} (the ledger's leader) killed after ${KILL_AFTER} of ${REQUESTS}: ${answered.length} answered, ${failed.length} failed (${[...new Set(failed.map((f) => `${grpc.status[f.code]}: ${f.details.slice(0, 100)}`))].join(' | ')})`);
    expect(answered.length + failed.length).toBe(REQUESTS);
    expect(answered.length).toBeGreaterThan(KILL_AFTER / 2);
    // A request the ledger could not count while the cluster re-elected its leaders is refused
    // (UNAVAILABLE) rather than let spend go uncounted; none ends without a clear status.
    for (const f of failed) expect(f.code).toBe(grpc.status.UNAVAILABLE);
    // Once the cluster has settled, every router answers again.
    for (const [i, client] of clients.entries()) {
      let r = await execute(client, userMessage(`after ${i}`), { metadata: bearer(KEYS.ACME) });
      for (let tries = 0; r.err && tries < 100; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        r = await execute(client, userMessage(`after ${i}`), { metadata: bearer(KEYS.ACME) });
      }
      expect(r.err).toBeNull();
      answered.push({ id: r.res!.decisionId, cost: r.res!.costUsd });
    }

    // Stopping the routers writes what their record writers still hold.
    await Promise.all(routers.map((r) => r.shutdown(5_000)));
    routers = [];
    // Every answered request's record is in the stream, read through the surviving nodes.
    const ids = await recordIds(survivors);
    const missing = answered.filter((a) => !ids.has(a.id));
    expect(missing).toEqual([]);

    // The ledger equals the records' costs; the answers' costs are part of it.
    let out = '';
    let err = '';
    const sink = (add: (s: string) => void) =>
      new Writable({
        write: (c, _e, cb) => {
          add(String(c));
          cb();
        },
      });
    const io = { out: sink((s) => (out += s)), err: sink((s) => (err += s)), env: { NATS_URL: survivors, SWITCHYARD_LOG_LEVEL: 'error' }, readStdin: () => '' };
    let code = await main(['budgets', 'reconcile', '--config', configFile, '--json'], io);
    // As with the records above: a read the settling cluster timed out is made again.
    for (let i = 0; /timeout/i.test(err) && i < 5; i++) {
      console.log(`reconcile: ${err.trim()}; again`);
      out = '';
      err = '';
      code = await main(['budgets', 'reconcile', '--config', configFile, '--json'], io);
    }
    const rows = out.trim().split('\n').map((l) => JSON.parse(l) as SpendDrift);
    console.log(`reconcile after the node was killed: ${rows.map((r) => `${r.counter}: ledger ${r.ledgerNano}, records ${r.recordsNano} (${r.records} records), drift ${r.driftNano}`).join('; ')}`);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.driftNano).toBe(0);
      expect(row.recordsNano).toBeGreaterThanOrEqual(answered.reduce((s, a) => s + Math.round(a.cost * 1e9), 0));
      expect(row.records).toBeGreaterThanOrEqual(answered.length);
    }
  }, 180_000);
});
