import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerClient } from '../../services/shared/grpc/router-client.js';
import type { RouterServiceClient } from '../../services/generated/switchyard/v1/RouterService.js';
import { hashKey } from '../../services/router/tenancy/tenant.js';
import type { RunningServer } from '../../services/server/switchyard-server.js';
import { startUpstream, type Upstream } from '../bus/support.js';
import { decide, execute, executeStream } from '../support/execute-fixture.js';
import { KEYS, bearer, startTenancyNode, tenancyConfig, userMessage } from './support.js';

const TENANTS = {
  acme: { keys: [{ env: 'SWITCHYARD_KEY_ACME' }], regions: ['eu'], policies: ['balanced'] },
  globex: { keys: [{ sha256: hashKey(KEYS.GLOBEX) }], models: ['eu-model', 'us-model'] },
};

let up: Upstream;
let node: RunningServer;
let client: RouterServiceClient;

beforeAll(async () => {
  up = await startUpstream();
  node = await startTenancyNode(tenancyConfig(up.url, TENANTS));
  client = routerClient(node.address, {});
});

afterAll(async () => {
  client.close();
  await node.shutdown(500);
  await up.close();
});

function listModels(md: grpc.Metadata): Promise<grpc.ServiceError | null> {
  return new Promise((resolve) => client.listModels({}, md, (err) => resolve(err)));
}

describe('tenancy - keys', () => {
  it('no key: UNAUTHENTICATED on Decide, Execute and ListModels, and no upstream call', async () => {
    const calls = up.calls;
    const d = await decide(client, userMessage('hello'));
    const e = await execute(client, userMessage('hello'));
    expect(d.err?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(e.err?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(e.err?.details).toMatch(/Bearer/);
    expect((await listModels(new grpc.Metadata()))?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(up.calls).toBe(calls);
  });

  it('ExecuteStream: no key is UNAUTHENTICATED, a region outside the rights PERMISSION_DENIED, before any event', async () => {
    const anonymous = await executeStream(client, userMessage('hello'));
    expect(anonymous.err?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(anonymous.events).toHaveLength(0);
    const outside = await executeStream(client, { ...userMessage('hello'), requirements: { regions: ['us'] } }, { metadata: bearer(KEYS.ACME) });
    expect(outside.err?.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(outside.events).toHaveLength(0);
  });

  it('an unknown key or a value without "Bearer": UNAUTHENTICATED', async () => {
    expect((await execute(client, userMessage('hi'), { metadata: bearer('not-a-key') })).err?.code).toBe(grpc.status.UNAUTHENTICATED);
    const raw = new grpc.Metadata();
    raw.set('authorization', KEYS.ACME);
    expect((await execute(client, userMessage('hi'), { metadata: raw })).err?.code).toBe(grpc.status.UNAUTHENTICATED);
  });

  it('a key from the environment and a key given as its hash both identify their tenant', async () => {
    const a = await execute(client, userMessage('hello'), { metadata: bearer(KEYS.ACME) });
    const g = await execute(client, userMessage('hello'), { metadata: bearer(KEYS.GLOBEX) });
    expect(a.err).toBeNull();
    expect(g.err).toBeNull();
    expect((await listModels(bearer(KEYS.ACME)))).toBeNull();
  });

  it('the CLI client sends the key from SWITCHYARD_API_KEY', async () => {
    const keyed = routerClient(node.address, { SWITCHYARD_API_KEY: KEYS.GLOBEX });
    const r = await execute(keyed, userMessage('hello'));
    keyed.close();
    expect(r.err).toBeNull();
    expect(r.res?.model).toBeTruthy();
  });

  it('health stays open without a key', async () => {
    const def = protoLoader.loadSync(healthProtoPath, { enums: String });
    const Health = (grpc.loadPackageDefinition(def) as any).grpc.health.v1.Health;
    const h = new Health(node.address, grpc.credentials.createInsecure());
    const res = await new Promise<{ status: string }>((resolve, reject) => h.check({ service: '' }, (e: Error | null, r: { status: string }) => (e ? reject(e) : resolve(r))));
    h.close();
    expect(res.status).toBe('SERVING');
  });

  it('a revoked key is refused from then on; the other tenant is not affected', async () => {
    await node.tenancy!.revoke(hashKey(KEYS.ACME));
    const r = await execute(client, userMessage('hello'), { metadata: bearer(KEYS.ACME) });
    expect(r.err?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(r.err?.details).toMatch(/revoked/);
    expect((await execute(client, userMessage('hello'), { metadata: bearer(KEYS.GLOBEX) })).err).toBeNull();
    node.tenancy!.keys.restore(hashKey(KEYS.ACME));
  });
});

describe('tenancy - rights become hard filters', () => {
  it("the tenant's regions filter the request: only the EU model is eligible, and the reason says why", async () => {
    const r = await decide(client, userMessage('hello'), { metadata: bearer(KEYS.ACME) });
    expect(r.err).toBeNull();
    expect(r.res!.model).toBe('eu-model');
    const us = r.res!.candidates.find((c) => c.model === 'us-model')!;
    expect(us.eligible).toBe(false);
    expect(us.excludedReason).toMatch(/region/);
    // Without the tenant's filter the better US model wins where quality matters (a hard prompt:
    // on a greeting the two are predicted alike and the policy's margin lets cost decide).
    const hard = userMessage('Prove that there are infinitely many primes, then derive a bound on the n-th prime.');
    expect((await decide(client, hard, { metadata: bearer(KEYS.GLOBEX) })).res!.model).toBe('us-model');
  });

  it('asking for a region, a model or a policy outside the rights: PERMISSION_DENIED naming the rule', async () => {
    const region = await execute(client, { ...userMessage('hi'), requirements: { regions: ['us'] } }, { metadata: bearer(KEYS.ACME) });
    expect(region.err?.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(region.err?.details).toContain('requirements.regions[0]');
    expect(region.err?.details).toContain('tenants.acme.regions');
    const policy = await decide(client, { ...userMessage('hi'), policy: 'economy' }, { metadata: bearer(KEYS.ACME) });
    expect(policy.err?.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(policy.err?.details).toContain('tenants.acme.policies');
    const long = 'x'.repeat(10_000);
    const model = await decide(client, { ...userMessage('hi'), requirements: { allowModels: [long] } }, { metadata: bearer(KEYS.GLOBEX) });
    expect(model.err?.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(model.err?.details).toContain('tenants.globex.models');
    expect(model.err!.details.length).toBeLessThan(300);
  });

  it('a client cannot claim another tenant: the tenant label is the key\'s', async () => {
    const r = await decide(client, { ...userMessage('hello'), labels: { tenant: 'globex' } }, { metadata: bearer(KEYS.ACME) });
    expect(r.err).toBeNull();
    expect(r.res!.model).toBe('eu-model');
  });
});

describe('tenancy - open mode', () => {
  it('without any key configured every call is let in, and a public listen address is bound on loopback only', async () => {
    const open = await startTenancyNode(tenancyConfig(up.url, {}), { listen: '0.0.0.0:0', httpListen: '0.0.0.0:0' });
    try {
      expect(open.address.startsWith('127.0.0.1:')).toBe(true);
      // The HTTP front door keeps the same rule.
      expect(open.http!.address.startsWith('127.0.0.1:')).toBe(true);
      expect(open.tenancy!.keys.open).toBe(true);
      const c = routerClient(open.address, {});
      const r = await execute(c, userMessage('hello'));
      c.close();
      expect(r.err).toBeNull();
    } finally {
      await open.shutdown(500);
    }
  });

  it('a key variable that is not set stops the start, naming the key', async () => {
    await expect(startTenancyNode(tenancyConfig(up.url, TENANTS), { env: { SWITCHYARD_KEY_ACME: '' } })).rejects.toThrow(/tenants\.acme\.keys\[0\]\.env: the variable SWITCHYARD_KEY_ACME is not set/);
  });
});
