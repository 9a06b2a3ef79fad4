/**
 * Exact budgets and limits across replicas: three routers share one JetStream key-value
 * ledger on a real nats-server. Concurrent requests against a small budget may pass it by at
 * most one request's worst case; a per-minute request limit holds across replicas; a
 * revocation reaches every replica.
 */
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerClient } from '../../services/shared/grpc/router-client.js';
import type { RouterServiceClient } from '../../services/generated/switchyard/v1/RouterService.js';
import { NANO_PER_USD, requestLimit, spendLimits } from '../../services/router/tenancy/tenant-limits.js';
import { hashKey, type Tenant } from '../../services/router/tenancy/tenant.js';
import type { RunningServer } from '../../services/server/switchyard-server.js';
import { startUpstream, until, type Upstream } from '../bus/support.js';
import { execute } from '../support/execute-fixture.js';
import { startNatsServer, type NatsServer } from '../support/nats-server.js';
import { KEYS, bearer, startTenancyNode, tenancyConfig, userMessage, writeConfig } from './support.js';
import { main } from '../../services/cli/main.js';
import type { CommandIO } from '../../services/cli/command-io.js';

const BUDGET_USD = 0.02;
const RPM = 10;
const TENANTS = {
  acme: { keys: [{ env: 'SWITCHYARD_KEY_ACME' }], budget: { daily_usd: BUDGET_USD } },
  globex: { keys: [{ env: 'SWITCHYARD_KEY_GLOBEX' }], limits: { rpm: RPM } },
};
const acme: Tenant = { id: 'acme', models: null, policies: null, regions: null, dailyUsd: BUDGET_USD };
const globex: Tenant = { id: 'globex', models: null, policies: null, regions: null, rpm: RPM };

let nats: NatsServer;
let up: Upstream;
let nodes: RunningServer[];
let clients: RouterServiceClient[];

beforeAll(async () => {
  nats = await startNatsServer({ jetStreamDir: mkdtempSync(join(tmpdir(), 'switchyard-js-')) });
  up = await startUpstream();
  up.delayMs = 5;
  nodes = await Promise.all([0, 1, 2].map(() => startTenancyNode(tenancyConfig(up.url, TENANTS), { env: { NATS_URL: nats.url } })));
  await Promise.all(nodes.map((n) => n.tenancy!.ready()));
  clients = nodes.map((n) => routerClient(n.address, {}));
}, 30_000);

afterAll(async () => {
  for (const c of clients ?? []) c.close();
  await Promise.all((nodes ?? []).map((n) => n.shutdown(500)));
  await up?.close();
  await nats?.stop();
});

describe('tenancy - budgets across replicas', () => {
  it('concurrent requests on 3 replicas spend at most the budget plus one worst case, and the ledger equals the spend', async () => {
    // A 5-token answer cap: each call reserves about $0.005 and costs about $0.0016.
    const request = { ...userMessage('What is the capital of France?'), maxOutputTokens: 5 };
    // Waves of concurrent requests, three per replica, until the budget is spent.
    const results: Awaited<ReturnType<typeof execute>>[] = [];
    for (let wave = 0; wave < 10; wave++) {
      results.push(...(await Promise.all(Array.from({ length: 9 }, (_, i) => execute(clients[i % 3]!, request, { metadata: bearer(KEYS.ACME) })))));
    }
    const ok = results.filter((r) => r.err === null);
    const refused = results.filter((r) => r.err !== null);
    const spent = ok.reduce((s, r) => s + r.res!.costUsd, 0);
    const worst = ((Math.ceil('What is the capital of France?'.length / 4) * 100 + 5 * 1000) * 1000) / NANO_PER_USD;
    console.log(`budget $${BUDGET_USD}: ${ok.length} answered, ${refused.length} refused, spent $${spent.toFixed(6)} (worst case of one call $${worst.toFixed(6)})`);

    expect(ok.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(BUDGET_USD + worst);
    // What stopped the last wave was spend, not reservations: the budget was used up.
    expect(spent).toBeGreaterThan(BUDGET_USD - worst);
    for (const r of refused) {
      expect(r.err!.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(r.err!.details).toMatch(/daily budget of \$0\.02\d* \(tenants\.acme\.budget\.daily_usd\)/);
      expect(r.err!.details).toMatch(/\$[\d.]+ spent/);
      expect(r.err!.details).toMatch(/resets at \d{4}-\d\d-\d\dT00:00:00\.000Z/);
    }
    const [day] = spendLimits(acme, Date.now());
    const counter = await nodes[0]!.tenancy!.ledger.read(day!.key);
    const expected = ok.reduce((s, r) => s + Math.round(r.res!.costUsd * NANO_PER_USD), 0);
    expect(counter.holds).toBe(0);
    expect(Math.abs(counter.used - expected)).toBeLessThanOrEqual(ok.length); // rounding of each call's cost to a nano-dollar
  }, 60_000);

  it('an rpm limit holds across replicas: each minute admits at most the limit', async () => {
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 3 * RPM }, (_, i) => execute(clients[i % 3]!, userMessage('hello'), { metadata: bearer(KEYS.GLOBEX) })));
    const ended = Date.now();
    const ok = results.filter((r) => r.err === null).length;
    const refused = results.filter((r) => r.err !== null);
    const windows = new Set([requestLimit(globex, started)!.key, requestLimit(globex, ended)!.key]);
    let counted = 0;
    for (const key of windows) {
      const c = await nodes[1]!.tenancy!.ledger.read(key);
      expect(c.used).toBeLessThanOrEqual(RPM);
      counted += c.used;
    }
    console.log(`rpm ${RPM} on 3 replicas: ${ok} of ${results.length} admitted over ${windows.size} minute window(s)`);
    expect(ok).toBe(counted);
    expect(ok).toBeGreaterThanOrEqual(RPM);
    expect(ok).toBeLessThanOrEqual(RPM * windows.size);
    for (const r of refused) {
      expect(r.err!.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(r.err!.details).toContain('tenants.globex.limits.rpm');
    }
  }, 60_000);

  it('a key revoked with `switchyard revoke-key` is refused by every replica', async () => {
    expect((await execute(clients[2]!, userMessage('hello'), { metadata: bearer(KEYS.ACME) })).err?.code).not.toBe(grpc.status.UNAUTHENTICATED);
    const started = Date.now();
    // The operator's command: the key is read from a variable and hashed, never sent.
    let out = '';
    const io = { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (out += s) }, env: { NATS_URL: nats.url, ACME_KEY: KEYS.ACME }, readStdin: () => '' } as unknown as CommandIO;
    expect(await main(['revoke-key', '--key-env', 'ACME_KEY', '--config', writeConfig(tenancyConfig(up.url, TENANTS)), '--json'], io)).toBe(0);
    expect(JSON.parse(out)).toEqual({ revoked: hashKey(KEYS.ACME) });
    const revokedEverywhere = () =>
      nodes.every((n) => {
        try {
          n.tenancy!.authenticateBearer(`Bearer ${KEYS.ACME}`);
          return false;
        } catch {
          return true;
        }
      });
    await until(revokedEverywhere, 10_000, 'revocation on every replica');
    console.log(`revocation reached 3 replicas in ${Date.now() - started} ms`);
    const r = await execute(clients[2]!, userMessage('hello'), { metadata: bearer(KEYS.ACME) });
    expect(r.err?.code).toBe(grpc.status.UNAUTHENTICATED);
    // A replica started later learns the revocation from the bucket.
    const late = await startTenancyNode(tenancyConfig(up.url, TENANTS), { env: { NATS_URL: nats.url } });
    try {
      await late.tenancy!.ready();
      expect(() => late.tenancy!.authenticateBearer(`Bearer ${KEYS.ACME}`)).toThrow(/revoked/);
    } finally {
      await late.shutdown(500);
    }
  }, 30_000);
});
