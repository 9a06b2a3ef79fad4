/**
 * The decision log in JetStream, with a real nats-server (-js -sd DIR), an executor and two
 * router replicas as separate processes. The records of every completed call are in the
 * stream after a replica is killed with SIGKILL and after NATS itself restarts; a retried
 * publish is stored once; feedback sent before its record is written is joined to it; neither
 * prompt text nor a key reaches a record unless prompt logging is on (and then redacted).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterServiceClient } from '../../services/generated/switchyard/v1/RouterService.js';
import { routerClient } from '../../services/shared/grpc/router-client.js';
import { NatsBus } from '../../services/shared/bus/nats-bus.js';
import { JetStreamRecordStore } from '../../services/router/record/jetstream-record-store.js';
import { encodeEntry } from '../../services/router/record/record-codec.js';
import { call } from '../support/grpc-server.js';
import { startNatsServer, type NatsServer } from '../support/nats-server.js';
import { busTestConfig, startUpstream, type Upstream } from '../bus/support.js';
import { METRICS, ok, userPrompt } from './support.js';
import { startServe, writeConfig, type ServeProcess } from './processes.js';

const STREAM = 'TEST_DECISIONS';
const KEY = 'sk-live-test-0123456789abcdef';
let dir: string;
let nats: NatsServer;
let upstream: Upstream;
let executor: ServeProcess;
let routers: ServeProcess[] = [];
let clients: RouterServiceClient[] = [];
let bus: NatsBus;
let store: JetStreamRecordStore;

function config(promptLogging: boolean): Record<string, unknown> {
  const c = busTestConfig({ upstream: upstream.url }) as Record<string, any>;
  c.router = { prompt_logging: promptLogging };
  c.decision_log = { store: 'jetstream', flush_interval_ms: 5, jetstream: { stream: STREAM, replicas: 1 } };
  c.feedback = { metrics: METRICS };
  c.models = c.models.map((m: any) => ({ ...m, deployments: m.deployments.map((d: any) => ({ ...d, api_key_env: 'UPSTREAM_KEY' })) }));
  return c;
}

async function execute(client: RouterServiceClient, text: string): Promise<string> {
  const r = await ok<any>(client, 'execute', userPrompt(text, { tenant: 't1' }));
  return r.decisionId;
}

/** Every entry in the stream, raw: what any reader of the stream would see. */
async function rawStream(): Promise<{ subject: string; data: Uint8Array }[]> {
  const jsm = await jetstreamManager(bus.connection()!);
  const info = await jsm.streams.info(STREAM);
  const out: { subject: string; data: Uint8Array }[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(STREAM, { seq }).catch(() => null);
    if (m) out.push({ subject: m.subject, data: m.data });
  }
  return out;
}

async function recordIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const e of store.scan()) if (e.record) ids.push(e.record.decisionId);
  return ids;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-js-'));
  nats = await startNatsServer({ jetstream: join(dir, 'js') });
  upstream = await startUpstream();
  const env = { NATS_URL: nats.url, UPSTREAM_KEY: KEY };
  executor = await startServe('executor', writeConfig(dir, 'executor', config(false)), env, dir);
  routers = [await startServe('router', writeConfig(dir, 'router-a', config(false)), env, dir), await startServe('router', writeConfig(dir, 'router-b', config(true)), env, dir)];
  clients = routers.map((r) => routerClient(r.address));
  // The routers find the executor on the bus.
  for (const c of clients) {
    for (let i = 0; ; i++) {
      const { err } = await call(c as never, 'execute', userPrompt('warm up'));
      if (!err) break;
      if (i > 200) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  bus = new NatsBus({ servers: [nats.url], name: 'test-reader' });
  await bus.connected();
  store = new JetStreamRecordStore({ connection: () => bus.connection(), config: { stream: STREAM, replicas: 1, max_bytes: 1 << 30, max_age_ms: 86_400_000, duplicate_window_ms: 120_000 } });
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  for (const r of [...routers, executor]) await r?.kill9();
  await bus?.close();
  await upstream?.close();
  await nats?.stop();
});

describe('decision log - JetStream across processes', () => {
  it('keeps the records of every completed call after a replica is killed, and after NATS restarts', async () => {
    const done: string[] = [];
    for (let i = 0; i < 20; i++) done.push(await execute(clients[i % 2]!, `question ${i}`));
    // The last call of the replica about to die is stored: then every earlier one was written too (batches are written in order).
    const lastOfA = done[done.length - 2]!;
    for (let i = 0; ; i++) {
      const { err } = await call(clients[1] as never, 'getDecision', { decisionId: lastOfA });
      if (!err) break;
      if (i > 400) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
    await routers[0]!.kill9();
    // Read through the surviving replica: all 20 records, each once.
    const listed = await ok<any>(clients[1]!, 'listDecisions', { labels: { tenant: 't1' }, pageSize: 1000 });
    const ids = listed.decisions.map((v: any) => v.record.decisionId);
    expect([...ids].sort()).toEqual([...done].sort());
    for (const v of listed.decisions) expect(v.record.outcome.answeredModel).not.toBe('');

    await nats.restart();
    await bus.connected();
    let after: string[] = [];
    for (let i = 0; i < 400; i++) {
      after = await recordIds().catch(() => []);
      if (after.length > 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    for (const id of done) expect(after).toContain(id);
  });

  it('stores a retried publish once', async () => {
    const before = (await recordIds()).length;
    const d = await ok<any>(clients[1]!, 'decide', userPrompt('publish me twice'));
    let entry: any;
    for (let i = 0; i < 400 && !entry; i++) {
      for await (const e of store.scan({ about: [d.decisionId] })) if (e.record) entry = e;
      if (!entry) await new Promise((r) => setTimeout(r, 10));
    }
    // The writer publishes again, as after an acknowledgement lost on the way back.
    const failed = await store.append([{ key: d.decisionId, about: d.decisionId, kind: 'record', bytes: encodeEntry(entry) }]);
    expect(failed).toEqual([]);
    const ids = await recordIds();
    expect(ids.filter((id) => id === d.decisionId)).toHaveLength(1);
    expect(ids.length).toBe(before + 1);
  });

  it('stores a pipelined batch once when the whole batch is published again', async () => {
    const before = (await recordIds()).length;
    const ids = Array.from({ length: 50 }, (_, i) => `01890000-0000-7000-8000-${String(100 + i).padStart(12, '0')}`);
    const batch = ids.map((id) => ({ key: id, about: id, kind: 'record' as const, bytes: encodeEntry({ record: { version: 1, decisionId: id } }) }));
    expect(await store.append(batch)).toEqual([]);
    // A batch whose acknowledgement was lost is written again whole.
    expect(await store.append(batch)).toEqual([]);
    const after = await recordIds();
    expect(after.length).toBe(before + 50);
    for (const id of ids) expect(after.filter((x) => x === id)).toHaveLength(1);
  });

  it('joins feedback that was stored before its record', async () => {
    // A decision id no record has yet: the feedback is accepted and stored first.
    const d = await ok<any>(clients[1]!, 'decide', userPrompt('feedback first'));
    const early = '01890000-0000-7000-8000-000000000001';
    const fb = await ok<any>(clients[1]!, 'submitFeedback', { decisionId: early, metric: 'rating', floatValue: 2, idempotencyKey: 'x' });
    expect(fb.accepted).toBe(true);
    let stored = false;
    for (let i = 0; i < 400 && !stored; i++) {
      for await (const e of store.scan({ about: [early] })) if (e.feedback) stored = true;
      if (!stored) await new Promise((r) => setTimeout(r, 10));
    }
    expect(stored).toBe(true);
    // Then the record arrives (as a slow writer would write it), under that id.
    let record: any;
    for await (const e of store.scan({ about: [d.decisionId] })) if (e.record) record = e.record;
    const late = { ...record, decisionId: early };
    expect(await store.append([{ key: early, about: early, kind: 'record', bytes: encodeEntry({ record: late }) }])).toEqual([]);
    const view = await ok<any>(clients[1]!, 'getDecision', { decisionId: early });
    expect(view.decision.feedback.map((f: any) => [f.metric, f.value])).toEqual([['rating', 2]]);
  });

  it('keeps prompt text and keys out of records unless prompt logging is on, and redacts it then', async () => {
    const secretText = `please summarise: the vault code is quokka-9912 and my key is ${KEY}`;
    // Router b has prompt logging on.
    const logged = await ok<any>(clients[1]!, 'execute', userPrompt(secretText));
    let view: any;
    for (let i = 0; i < 400 && !view; i++) {
      const r = await call<any>(clients[1] as never, 'getDecision', { decisionId: logged.decisionId });
      view = r.res?.decision;
      if (!view) await new Promise((res) => setTimeout(res, 10));
    }
    // Prompt logging on (router b): the text is there, the key is redacted.
    const text = view.record.prompt.map((m: any) => m.text).join('');
    expect(text).toContain('quokka-9912');
    expect(text).toContain('[key]');
    const raw = await rawStream();
    const all = Buffer.concat(raw.map((m) => Buffer.from(m.data))).toString('latin1');
    expect(all).not.toContain(KEY);
    // Router a (prompt logging off) wrote the first test's records: none holds its prompt text.
    const fromA = raw.filter((m) => Buffer.from(m.data).toString('latin1').includes('question 0'));
    expect(fromA).toHaveLength(0);
  });
});
