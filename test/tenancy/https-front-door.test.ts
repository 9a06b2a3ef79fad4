import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../services/server/switchyard-server.js';
import { startUpstream, type Upstream } from '../bus/support.js';
import { makeCa, makeLeaf, type Ca } from './certificates.js';
import { startTenancyNode, tenancyConfig } from './support.js';

let up: Upstream;
let ca: Ca;
let node: RunningServer;

beforeAll(async () => {
  up = await startUpstream();
  ca = makeCa('front-door');
  const leaf = makeLeaf(ca, 'front-door');
  node = await startTenancyNode(tenancyConfig(up.url, {}, { server: { tls: { cert_file: leaf.cert, key_file: leaf.key }, http_listen: '127.0.0.1:0' } }));
});

afterAll(async () => {
  await node.shutdown(500);
  await up.close();
});

function get(path: string, caFile: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: node.http!.port, path, method: 'GET', ...(caFile ? { ca: readFileSync(caFile) } : {}) }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('tls - the HTTP front door speaks HTTPS with the server certificate', () => {
  it('answers over TLS to a client that trusts the CA, and a client that does not is refused by its own TLS check', async () => {
    const models = await get('/v1/models', ca.cert);
    expect(models.status).toBe(200);
    expect((JSON.parse(models.body) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toContain('switchyard/auto');
    await expect(get('/v1/models', undefined)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });
});
