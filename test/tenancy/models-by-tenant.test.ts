/**
 * A tenant sees only what it may use: ListModels (gRPC) and GET /v1/models (HTTP, OpenAI's and
 * Anthropic's shapes) list the tenant's models, each with only the tenant's regions, and the
 * HTTP list only its policies. Two tenants, two different views of one catalog.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListModelsResponse__Output } from '../../services/generated/switchyard/v1/ListModelsResponse.js';
import type { RouterServiceClient } from '../../services/generated/switchyard/v1/RouterService.js';
import type { RunningServer } from '../../services/server/switchyard-server.js';
import { routerClient } from '../../services/shared/grpc/router-client.js';
import { startUpstream, type Upstream } from '../bus/support.js';
import { KEYS, bearer, startTenancyNode, tenancyConfig } from './support.js';

const TENANTS = {
  acme: { keys: [{ env: 'SWITCHYARD_KEY_ACME' }], regions: ['eu'], policies: ['balanced'] },
  globex: { keys: [{ env: 'SWITCHYARD_KEY_GLOBEX' }], models: ['us-model', 'both-model'] },
};

let up: Upstream;
let node: RunningServer;
let client: RouterServiceClient;

beforeAll(async () => {
  up = await startUpstream();
  const config = tenancyConfig(up.url, TENANTS) as { server?: Record<string, unknown>; models: Record<string, unknown>[] };
  const eu = config.models[0]!;
  // A model served from both regions: an EU-only tenant sees it with its EU region only.
  config.models.push({ ...eu, id: 'both-model', deployments: [{ name: 'up-eu', base_url: up.url, region: 'eu' }, { name: 'up-us', base_url: up.url, region: 'us' }] });
  config.server = { ...config.server, http_listen: '127.0.0.1:0' };
  node = await startTenancyNode(config);
  client = routerClient(node.address, {});
});

afterAll(async () => {
  client?.close();
  await node?.shutdown(500);
  await up?.close();
});

function listModels(md: grpc.Metadata): Promise<{ err: grpc.ServiceError | null; res?: ListModelsResponse__Output }> {
  return new Promise((resolve) => client.listModels({}, md, (err, res) => resolve({ err, ...(res ? { res } : {}) })));
}

const regionsById = (r: ListModelsResponse__Output) => Object.fromEntries(r.models.map((m) => [m.id, m.regions]));

async function httpModels(key: string, headers: Record<string, string> = {}): Promise<{ status: number; ids: string[] }> {
  const res = await fetch(`http://127.0.0.1:${node.http!.port}/v1/models`, { headers: { authorization: `Bearer ${key}`, ...headers } });
  const body = (await res.json()) as { data?: { id: string }[] };
  return { status: res.status, ids: (body.data ?? []).map((m) => m.id) };
}

describe('tenancy - each tenant lists only the models it may use', () => {
  it('ListModels: acme (EU only) sees the EU models with their EU region; globex sees its two models in every region', async () => {
    const acme = await listModels(bearer(KEYS.ACME));
    expect(acme.err).toBeNull();
    expect(regionsById(acme.res!)).toEqual({ 'eu-model': ['eu'], 'both-model': ['eu'] });
    const globex = await listModels(bearer(KEYS.GLOBEX));
    expect(globex.err).toBeNull();
    expect(regionsById(globex.res!)).toEqual({ 'us-model': ['us'], 'both-model': ['eu', 'us'] });
  });

  it('ListModels without a key is UNAUTHENTICATED', async () => {
    const none = await listModels(new grpc.Metadata());
    expect(none.err?.code).toBe(grpc.status.UNAUTHENTICATED);
  });

  it('GET /v1/models, OpenAI and Anthropic shapes: the same models, and only the policies the tenant may ask for', async () => {
    const acme = await httpModels(KEYS.ACME);
    expect(acme.status).toBe(200);
    expect(acme.ids).toEqual(['eu-model', 'both-model', 'switchyard/auto', 'switchyard/balanced']);
    const acmeAnthropic = await httpModels(KEYS.ACME, { 'anthropic-version': '2023-06-01' });
    expect(acmeAnthropic.ids).toEqual(acme.ids);
    const globex = await httpModels(KEYS.GLOBEX);
    expect(globex.ids).toEqual(['us-model', 'both-model', 'switchyard/auto', 'switchyard/balanced', 'switchyard/economy']);
    expect((await httpModels('not-a-key')).status).toBe(401);
  });
});
