import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../services/server/switchyard-server.js';
import { startUpstream, type Upstream } from '../bus/support.js';
import { KEYS, startTenancyNode, tenancyConfig } from './support.js';

const TENANTS = {
  acme: { keys: [{ env: 'SWITCHYARD_KEY_ACME' }], regions: ['eu'], policies: ['balanced'] },
  globex: { keys: [{ env: 'SWITCHYARD_KEY_GLOBEX' }] },
};

let up: Upstream;
let node: RunningServer;

beforeAll(async () => {
  up = await startUpstream();
  const config = tenancyConfig(up.url, TENANTS) as { server?: Record<string, unknown> };
  config.server = { ...config.server, http_listen: '127.0.0.1:0' };
  node = await startTenancyNode(config);
});

afterAll(async () => {
  await node.shutdown(500);
  await up.close();
});

const client = (apiKey: string) => new OpenAI({ baseURL: `http://127.0.0.1:${node.http!.port}/v1`, apiKey, maxRetries: 0, timeout: 10_000 });
const ask = (c: OpenAI, extra: Record<string, unknown> = {}) => c.chat.completions.create({ model: 'switchyard/auto', messages: [{ role: 'user', content: 'hello' }], ...extra });

describe('tenancy - the HTTP front door holds callers to the same keys and rights as the gRPC port', () => {
  it('no key or a wrong key: 401 in OpenAI\'s shape, and no upstream call', async () => {
    const calls = up.calls;
    const missing = await ask(client('')).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.AuthenticationError);
    const wrong = await ask(client('not-a-key')).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((wrong as InstanceType<typeof OpenAI.AuthenticationError>).message).toMatch(/API key is not valid/);
    expect(up.calls).toBe(calls);
  });

  it('a valid key is answered, routed for its tenant; a policy outside the tenant\'s rights is 403 naming the rule', async () => {
    const ok = await ask(client(KEYS.GLOBEX));
    expect(ok.choices[0]!.message.content).toBeTruthy();
    const denied = await ask(client(KEYS.ACME), { model: 'switchyard/economy' }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((denied as Error).message).toContain('tenants.acme.policies');
  });
});
