/**
 * Compare-and-set on a replicated JetStream key-value bucket (bus.kv_replicas: 3, a 3-node
 * cluster), with concurrent writers and the bucket's leader killed (SIGKILL) midway: the
 * ledger's store (kv-cas-store.ts) must accept only one write per revision. Each writer reads
 * a counter and writes value+1 at the revision it read; every write the store acknowledged is
 * recorded with the value it wrote. With a true compare-and-set no two acknowledged writes
 * carry the same value, and the counter ends at the number of acknowledged writes plus at
 * most the writes whose answer was lost.
 *
 * CAS_WRITER=kv runs the same load through the key-value client's own `update`/`create`
 * (the expected revision alone) and prints what nats-server makes of it: with 2.9.10 about a
 * quarter of the acknowledged writes are overwritten, with or without the kill
 * (nats-io/nats-server#4320).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CasStore } from '../../services/router/tenancy/cas-store.js';
import { KvTenancyStore, LEDGER_BUCKET } from '../../services/router/tenancy/kv-cas-store.js';
import { Ledger, type Limit } from '../../services/router/tenancy/ledger.js';
import { startNatsCluster, type NatsServer } from '../support/nats-server.js';

const KEYS = ['a', 'b'];
const WRITERS = 6;
const KILL_AT = 300;
const TOTAL = 900;
const RAW = process.env.CAS_WRITER === 'kv';

let nodes: NatsServer[] = [];
let stores: KvTenancyStore[] = [];
let ncs: NatsConnection[] = [];

beforeAll(async () => {
  nodes = await startNatsCluster(3, { jetStreamDir: mkdtempSync(join(tmpdir(), 'switchyard-cas-')) });
}, 60_000);
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  for (const nc of ncs) await nc.close().catch(() => undefined);
  for (const n of nodes) await n.stop();
});

/** The key-value client's own compare-and-set, for the reproduction (CAS_WRITER=kv). */
async function rawStore(nc: NatsConnection): Promise<CasStore> {
  const kv = await new Kvm(nc).open(LEDGER_BUCKET);
  return {
    async get(key) {
      const e = await kv.get(key);
      return e && e.operation === 'PUT' ? { value: e.string(), revision: e.revision } : undefined;
    },
    async put(key, value, revision) {
      try {
        if (revision === 0) await kv.create(key, value);
        else await kv.update(key, value, revision);
        return true;
      } catch (e) {
        if (/wrong last sequence|key exists/i.test((e as Error).message)) return false;
        throw e;
      }
    },
  };
}

describe('compare-and-set on a replicated key-value bucket', () => {
  it('accepts one write per revision, under concurrent writers and across the loss of the bucket leader', async () => {
    const urls = nodes.map((n) => n.url);
    stores = Array.from({ length: WRITERS }, (_, i) => new KvTenancyStore({ nats: { servers: [urls[i % 3]!, ...urls], name: `cas-${i}` }, replicas: 3, onRevocation: () => undefined }));
    await Promise.all(stores.map((s) => s.opened()));
    ncs = [await connect({ servers: urls, name: 'cas-observer' })];
    if (RAW) ncs.push(...(await Promise.all(stores.map((_, i) => connect({ servers: [urls[i % 3]!, ...urls], name: `raw-${i}` })))));
    const writers: CasStore[] = RAW ? await Promise.all(ncs.slice(1).map(rawStore)) : stores;
    const jsm = await jetstreamManager(ncs[0]!);
    const stream = `KV_${LEDGER_BUCKET}`;
    const leader = (await jsm.streams.info(stream)).cluster?.leader ?? '';
    expect(leader).toMatch(/^node\d$/);

    const acked = new Map<string, number[]>(KEYS.map((k) => [k, []]));
    let unanswered = 0;
    let started = 0;
    let killed: Promise<void> | undefined;
    await Promise.all(
      writers.map(async (store) => {
        while (started < TOTAL) {
          const n = started++;
          if (n === KILL_AT) killed = nodes[Number(leader.slice(4))]!.stop();
          const key = KEYS[n % KEYS.length]!;
          for (;;) {
            try {
              const e = await store.get(key);
              const v = e?.value ? Number(e.value) : 0;
              if (!(await store.put(key, String(v + 1), e?.revision ?? 0))) continue;
              acked.get(key)!.push(v + 1);
              break;
            } catch (err) {
              // A write whose answer was lost may or may not have been applied: not counted either way.
              if (/timeout/i.test((err as Error).message)) {
                unanswered++;
                break;
              }
              await new Promise((r) => setTimeout(r, 50));
            }
          }
        }
      }),
    );
    await killed;
    const after = (await jsm.streams.info(stream)).cluster?.leader;
    const finals = new Map<string, number>();
    for (const key of KEYS) {
      const m = await jsm.streams.getMessage(stream, { last_by_subj: `$KV.${LEDGER_BUCKET}.${key}` });
      finals.set(key, Number(new TextDecoder().decode(m!.data)));
    }
    const overwritten = (k: string) => acked.get(k)!.length - new Set(acked.get(k)).size;
    console.log(
      `${RAW ? 'key-value client update' : 'KvTenancyStore'}: leader ${leader} killed after ${KILL_AT} writes, new leader ${after}; ${unanswered} writes unanswered; ` +
        KEYS.map((k) => `${k}: ${acked.get(k)!.length} acknowledged, ${overwritten(k)} overwritten, counter ends at ${finals.get(k)}`).join('; '),
    );
    expect(after).not.toBe(leader);
    for (const k of KEYS) {
      expect(overwritten(k)).toBe(0);
      expect(finals.get(k)!).toBeGreaterThanOrEqual(acked.get(k)!.length);
      expect(finals.get(k)!).toBeLessThanOrEqual(acked.get(k)!.length + unanswered);
    }
  }, 120_000);

  it('keeps a correction (budgets reconcile --fix) and every settle made by three replicas at the same time', async () => {
    const ledgers = stores.slice(0, 3).map((store) => new Ledger({ store, holdTtlMs: 600_000 }));
    const limit: Limit = { key: 'tenant.usd.d20261202', limit: 1e15, describe: () => 'unlimited' };
    const CALLS = 150;
    const correction = 1_000_000;
    let settled = 0;
    await Promise.all(
      Array.from({ length: CALLS }, async (_, i) => {
        const ledger = ledgers[i % 3]!;
        const hold = await ledger.reserve(limit, 5_000);
        if (i === CALLS / 2) await ledger.adjust(limit.key, correction);
        await ledger.settle(hold, 1_000 + i);
        settled += 1_000 + i;
      }),
    );
    const counter = await ledgers[0]!.readLatest(limit.key);
    expect(counter).toEqual({ used: settled + correction, held: 0, holds: 0 });
  }, 120_000);
});
