/**
 * Router-model promotion over NATS: three router replicas on one real nats-server with
 * JetStream follow the promoted model while Decide calls stream through all of them (each
 * answer and its decision record name the model that decided); a
 * corrupted object is refused; rollback restores the previous model; a replica started later
 * serves the promoted model from its first decision.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Objm } from '@nats-io/obj';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../services/cli/main.js';
import type { DecideResponse__Output } from '../../services/generated/switchyard/v1/DecideResponse.js';
import type { RunningServer } from '../../services/server/switchyard-server.js';
import { modelStatus, promoteModel, rollbackModel, type PromotionTarget } from '../../services/server/model-promotion.js';
import { MODEL_OBJECT_BUCKET, MODEL_POINTER_BUCKET, POINTER_KEY, encodeJson } from '../../services/router/model/model-pointer.js';
import { sha256Hex } from '../../services/router/model/model-registry.js';
import { fileVersion } from '../../services/router/model/model-store.js';
import { decodeRouterModel, encodeRouterModel } from '../../services/router/model/router-model-file.js';
import { loadConfig, PACKAGE_ROOT } from '../../services/shared/config/load-config.js';
import { decide, routerClient } from '../../services/shared/grpc/router-client.js';
import { startNatsServer, type NatsServer } from '../support/nats-server.js';
import { decideRequest } from '../support/requests.js';
import { busTestConfig, startNode, startUpstream, until, type Upstream } from './support.js';

const shipped = resolve(PACKAGE_ROOT, 'models/router-model.syrm');
const dir = mkdtempSync(join(tmpdir(), 'switchyard-promote-'));

/** The shipped model with every profile's bias moved by `shift`: every predicted quality moves. */
function variant(name: string, shift: number): { file: string; bytes: Uint8Array; version: string } {
  const model = decodeRouterModel(readFileSync(shipped));
  for (let i = 0; i < model.bias.length; i++) model.bias[i]! += shift;
  const bytes = encodeRouterModel(model);
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return { file, bytes, version: fileVersion(file, bytes) };
}

const original = fileVersion(shipped, readFileSync(shipped));
const better = variant('better.syrm', 1);
const worse = variant('worse.syrm', -1);

let nats: NatsServer;
let upstream: Upstream;
let target: PromotionTarget;
const replicas: RunningServer[] = [];

const replicaConfig = (id: string) => ({
  ...busTestConfig({ upstream: upstream.url }),
  router: { model_promotion: { replica_id: id, report_interval_ms: 60_000 } },
  decision_log: { store: 'file', file: { dir: mkdtempSync(join(tmpdir(), `switchyard-records-${id}-`)), fsync: false } },
});

/** Resolves when `check` holds, asking one at a time; rejects after `timeoutMs` (a guard, not a measurement). */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function reportsOf(version: string, n: number): Promise<void> {
  await until(() => replicas.length === n && replicas.every((r) => r.models!.modelVersion === version), 10_000, `every replica runs ${version}`);
  await eventually(async () => {
    const s = await modelStatus(target);
    return s.replicas.length === n && s.replicas.every((r) => r.version === version);
  }, `every replica reports ${version}`);
}

beforeAll(async () => {
  nats = await startNatsServer({ jetStreamDir: mkdtempSync(join(tmpdir(), 'switchyard-js-')) });
  upstream = await startUpstream();
  target = { config: loadConfig().config, env: {}, natsUrl: nats.url };
  for (const id of ['r1', 'r2', 'r3']) replicas.push(await startNode('all', nats.url, replicaConfig(id)));
});

afterAll(async () => {
  for (const r of replicas) await r.halt();
  await upstream?.close();
  await nats?.stop();
});

interface Seen {
  replica: number;
  decisionId: string;
  version: string;
  quality: Map<string, number>;
}

describe('model promotion - three replicas over NATS', () => {
  it('before any promotion, every replica serves its model file and says so', async () => {
    const s = await modelStatus(target);
    expect(s.pointer).toBeUndefined();
    expect(s.replicas.map((r) => [r.replica, r.version, r.source])).toEqual([
      ['r1', original, 'file'],
      ['r2', original, 'file'],
      ['r3', original, 'file'],
    ]);
  });

  it('a promotion reaches every replica while Decide streams through them: no call fails, and no decision mixes the models', async () => {
    const clients = replicas.map((r) => routerClient(r.address, {}));
    const recorded = new Map<string, string>();
    for (const r of replicas) r.decisionLog!.on('record', (rec) => recorded.set(rec.decisionId!, rec.routerModel!));
    const seen: Seen[] = [];
    const failures: Error[] = [];
    let promoted = false;
    const afterSwap = new Array<number>(replicas.length).fill(0);
    const stream = async (i: number) => {
      const req = decideRequest('Prove that there are infinitely many primes.');
      // Until every replica answered 20 decisions on the new model.
      while (afterSwap.some((n) => n < 20)) {
        try {
          const r: DecideResponse__Output = await decide(clients[i]!, req);
          seen.push({ replica: i, decisionId: r.decisionId, version: r.routerModel, quality: new Map(r.candidates.map((c) => [c.model, c.predictedQuality])) });
          if (promoted && r.routerModel === better.version) afterSwap[i]!++;
        } catch (e) {
          failures.push(e as Error);
          if (failures.length > 10) return;
        }
      }
    };
    const streams = replicas.map((_, i) => stream(i));
    await until(() => replicas.every((_, i) => seen.filter((s) => s.replica === i).length >= 10), 10_000, 'decisions on the file model');
    promoted = true;
    const pointer = await promoteModel(target, better.file);
    expect(pointer).toMatchObject({ version: better.version, sha256: sha256Hex(better.bytes), previous: null, action: 'promote' });
    await Promise.all(streams);
    for (const c of clients) c.close();

    expect(failures).toEqual([]);
    await reportsOf(better.version, 3);
    for (const r of (await modelStatus(target)).replicas) expect(r).toMatchObject({ source: 'promoted', sha256: pointer.sha256 });
    // Each replica answered on the old model, then on the new one, never back.
    for (let i = 0; i < replicas.length; i++) {
      const versions = seen.filter((s) => s.replica === i).map((s) => s.version);
      const firstNew = versions.indexOf(better.version);
      expect(firstNew).toBeGreaterThan(0);
      expect(versions.slice(0, firstNew).every((v) => v === original)).toBe(true);
      expect(versions.slice(firstNew).every((v) => v === better.version)).toBe(true);
    }
    // A decision's predictions come from the model it names: one set of predictions per version.
    const byVersion = new Map<string, string>();
    for (const s of seen) {
      const q = JSON.stringify([...s.quality.entries()].sort());
      expect(byVersion.get(s.version) ?? q).toBe(q);
      byVersion.set(s.version, q);
    }
    expect(byVersion.size).toBe(2);
    // Each decision's record names the model its response named.
    await until(() => seen.every((s) => recorded.has(s.decisionId)), 10_000, 'every decision recorded');
    for (const s of seen) expect(recorded.get(s.decisionId)).toBe(s.version);
    const predictions = (v: string) => new Map<string, number>(JSON.parse(byVersion.get(v)!));
    const qOld = predictions(original);
    for (const [model, q] of predictions(better.version)) expect(q).toBeGreaterThan(qOld.get(model)!);
  });

  it('rollback restores the previous model on every replica; rolling back the first promotion restores their model files', async () => {
    await promoteModel(target, worse.file);
    await reportsOf(worse.version, 3);
    const back = await rollbackModel(target);
    expect(back).toMatchObject({ version: better.version, action: 'rollback', previous: null });
    await reportsOf(better.version, 3);

    expect(await rollbackModel(target)).toBeUndefined();
    await reportsOf(original, 3);
    for (const r of (await modelStatus(target)).replicas) expect(r.source).toBe('file');
    await expect(rollbackModel(target)).rejects.toThrow(/nothing to roll back/);

    await promoteModel(target, better.file);
    await reportsOf(better.version, 3);
    const s = await modelStatus(target);
    expect(s.pointer).toMatchObject({ version: better.version, previous: null });
    expect(s.history.map((p) => [p.action, p.version])).toEqual([
      ['promote', better.version],
      ['promote', worse.version],
      ['rollback', better.version],
      ['promote', better.version],
    ]);
  });

  it('a replica started later serves the promoted model from its first decision', async () => {
    const late = await startNode('all', nats.url, replicaConfig('r4'));
    replicas.push(late);
    expect(late.models!.modelVersion).toBe(better.version);
    const client = routerClient(late.address, {});
    const r = await decide(client, decideRequest('Prove that there are infinitely many primes.'));
    client.close();
    expect(r.routerModel).toBe(better.version);
    await reportsOf(better.version, 4);
  });

  it('an object that does not hash to the pointer\'s sha256 is refused; every replica keeps its model and says why', async () => {
    // A pointer to a model whose stored bytes were replaced: the object is another file.
    const nc: NatsConnection = await connect({ servers: nats.url });
    const claimed = variant('claimed.syrm', 2);
    const sha = sha256Hex(claimed.bytes);
    await (await new Objm(nc).open(MODEL_OBJECT_BUCKET)).putBlob({ name: sha }, worse.bytes);
    const kv = await new Kvm(nc).open(MODEL_POINTER_BUCKET);
    const pointer = { schema: 1 as const, version: claimed.version, sha256: sha, size: claimed.bytes.length, previous: { version: better.version, sha256: sha256Hex(better.bytes) }, action: 'promote' as const, at: new Date().toISOString() };
    await kv.put(POINTER_KEY, encodeJson(pointer));
    await nc.close();

    await eventually(async () => (await modelStatus(target)).replicas.filter((r) => r.refused?.sha256 === sha).length === 4, 'every replica refuses the object');
    const s = await modelStatus(target);
    for (const r of s.replicas) {
      expect(r.version).toBe(better.version);
      expect(r.refused!.reason).toMatch(/sha256 mismatch/);
    }
    for (const r of replicas) expect(r.models!.modelVersion).toBe(better.version);

    // What an operator sees.
    let out = '';
    const io = { out: new Writable({ write: (c, _e, cb) => { out += c; cb(); } }), err: new Writable({ write: (_c, _e, cb) => cb() }), env: {}, readStdin: () => '' };
    expect(await main(['model', 'status', '--nats', nats.url], io)).toBe(0);
    expect(out).toContain(`promoted ${claimed.version} (sha256 ${sha.slice(0, 12)}…)`);
    for (const id of ['r1', 'r2', 'r3', 'r4']) expect(out).toMatch(new RegExp(`^${id} +${better.version.replace('.', '\\.')} +promoted +\\S+ +refused ${claimed.version.replace('.', '\\.')}: sha256 mismatch`, 'm'));

    // And a rollback from the refused pointer points back at what the replicas run.
    await rollbackModel(target);
    await eventually(async () => (await modelStatus(target)).replicas.every((r) => r.refused === undefined), 'refusals cleared');
  });

  it('after NATS restarts, the replicas keep their model and follow the next promotion', async () => {
    await nats.restart();
    for (const r of replicas) expect(r.models!.modelVersion).toBe(better.version);
    await eventually(async () => {
      try {
        await promoteModel(target, worse.file);
        return true;
      } catch {
        return false;
      }
    }, 'NATS takes a promotion again');
    await reportsOf(worse.version, 4);
  });
});
