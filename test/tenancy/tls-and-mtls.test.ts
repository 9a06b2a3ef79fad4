import * as grpc from '@grpc/grpc-js';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { request as httpsRequest, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterServiceClient } from '../../services/generated/switchyard/v1/RouterService.js';
import { switchyardProto } from '../../services/shared/grpc/proto.js';
import { secureContextOptions } from '../../services/shared/tls/tls-files.js';
import { startUpstream, until, type Upstream } from '../bus/support.js';
import { execute, executorServiceClient, invoke } from '../support/execute-fixture.js';
import { makeCa, makeLeaf, type Ca } from './certificates.js';
import { startTenancyNode, tenancyConfig, userMessage } from './support.js';

let up: Upstream;
let ca: Ca;
let other: Ca;

beforeAll(async () => {
  up = await startUpstream();
  ca = makeCa('switchyard-test-ca');
  other = makeCa('another-ca');
});

afterAll(async () => {
  await up.close();
});

function tlsRouterClient(address: string, caFile: string | undefined, identity?: { cert: string; key: string }): RouterServiceClient {
  const { grpcObject } = switchyardProto();
  const creds = caFile
    ? grpc.credentials.createSsl(readFileSync(caFile), identity ? readFileSync(identity.key) : null, identity ? readFileSync(identity.cert) : null)
    : grpc.credentials.createInsecure();
  return new grpcObject.switchyard.v1.RouterService(address, creds);
}

const invokeRequest = { model: 'eu-model', messages: [{ role: 'ROLE_USER' as const, content: [{ text: 'hi' }] }], step: 'primary' };

describe('tls - the gRPC server', () => {
  it('serves TLS with certificates from files; a plaintext client is refused', async () => {
    const leaf = makeLeaf(ca, 'server');
    const node = await startTenancyNode(tenancyConfig(up.url, {}, { server: { tls: { cert_file: leaf.cert, key_file: leaf.key } } }));
    const secure = tlsRouterClient(node.address, ca.cert);
    const plain = tlsRouterClient(node.address, undefined);
    try {
      expect((await execute(secure, userMessage('hello'))).err).toBeNull();
      expect((await execute(plain, userMessage('hello'), { deadlineMs: 2_000 })).err?.code).toBe(grpc.status.UNAVAILABLE);
    } finally {
      secure.close();
      plain.close();
      await node.shutdown(500);
    }
  });

  it('reloads the certificate when its files change: new connections see the new one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-reload-'));
    const cert = join(dir, 'server.pem');
    const key = join(dir, 'server.key');
    const first = makeLeaf(ca, 'server-1');
    copyFileSync(first.cert, cert);
    copyFileSync(first.key, key);
    const node = await startTenancyNode(tenancyConfig(up.url, {}, { server: { tls: { cert_file: cert, key_file: key, reload_interval_ms: 50 } } }));
    const trustsOther = () => tlsRouterClient(node.address, other.cert);
    try {
      const before = trustsOther();
      expect((await execute(before, userMessage('hello'), { deadlineMs: 2_000 })).err?.code).toBe(grpc.status.UNAVAILABLE);
      before.close();
      const renewed = makeLeaf(other, 'server-2');
      copyFileSync(renewed.key, key);
      copyFileSync(renewed.cert, cert);
      let ok = false;
      async function poll() {
        while (!ok) {
          const c = trustsOther();
          ok = (await execute(c, userMessage('hello'), { deadlineMs: 1_000 })).err === null;
          c.close();
        }
      }
      void poll();
      await until(() => ok, 10_000, 'the renewed certificate in use');
      expect(ok).toBe(true);
    } finally {
      await node.shutdown(500);
    }
  });

  it('a certificate file that cannot be read stops the start, naming the key', async () => {
    await expect(startTenancyNode(tenancyConfig(up.url, {}, { server: { tls: { cert_file: '/nonexistent/cert.pem', key_file: '/nonexistent/key.pem' } } }))).rejects.toThrow(
      /server\.tls\.cert_file: cannot read \/nonexistent\/cert\.pem: ENOENT/,
    );
  });

  it('the HTTP front door can build its secure context from the same config', async () => {
    const leaf = makeLeaf(ca, 'http');
    const server = createHttpsServer(secureContextOptions({ cert_file: leaf.cert, key_file: leaf.key, reload_interval_ms: 1000 }), (_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, ca: readFileSync(ca.cert), servername: 'localhost' }, (res) => {
          let b = '';
          res.on('data', (d) => (b += d));
          res.on('end', () => resolve(b));
        });
        req.on('error', reject);
        req.end();
      });
      expect(body).toBe('ok');
    } finally {
      server.close();
    }
  });
});

describe('mtls - routers and executors', () => {
  it('a router with a client certificate reaches an mTLS executor; without one, the executor refuses it', async () => {
    const execLeaf = makeLeaf(ca, 'executor');
    const routerLeaf = makeLeaf(ca, 'router');
    const executor = await startTenancyNode(tenancyConfig(up.url, {}, { server: { tls: { cert_file: execLeaf.cert, key_file: execLeaf.key, client_ca_file: ca.cert } } }), { role: 'executor' });
    const withCert = await startTenancyNode(tenancyConfig(up.url, {}, { executor: { remote: [executor.address], tls: { ca_file: ca.cert, cert_file: routerLeaf.cert, key_file: routerLeaf.key } } }), { role: 'router' });
    const withoutCert = await startTenancyNode(tenancyConfig(up.url, {}, { executor: { remote: [executor.address], tls: { ca_file: ca.cert } } }), { role: 'router' });
    const a = tlsRouterClient(withCert.address, undefined);
    const b = tlsRouterClient(withoutCert.address, undefined);
    const direct = executorServiceClient(executor.address);
    try {
      const good = await execute(a, userMessage('hello'));
      expect(good.err).toBeNull();
      expect(good.res!.attempts.at(-1)!.outcome).toBe('ATTEMPT_OUTCOME_SUCCESS');
      const calls = up.calls;
      const bad = await execute(b, userMessage('hello'), { deadlineMs: 5_000 });
      expect(bad.err?.code).toBe(grpc.status.UNAVAILABLE);
      expect(bad.err?.details).toMatch(/executor unreachable|no executor could be reached/);
      expect((await invoke(direct, invokeRequest, { deadlineMs: 2_000 })).err?.code).toBe(grpc.status.UNAVAILABLE);
      expect(up.calls).toBe(calls);
    } finally {
      a.close();
      b.close();
      direct.close();
      await Promise.all([withCert.shutdown(500), withoutCert.shutdown(500)]);
      await executor.shutdown(500);
    }
  }, 30_000);
});

describe('executor service - only for authenticated routers', () => {
  it('role all: Invoke is not served on the public port, only on the loopback internal listener', async () => {
    const node = await startTenancyNode(tenancyConfig(up.url, {}));
    const publicPort = executorServiceClient(node.address);
    const internal = executorServiceClient(node.internalAddress!);
    try {
      const r = await invoke(publicPort, invokeRequest);
      expect(r.err?.code).toBe(grpc.status.UNIMPLEMENTED);
      expect(node.internalAddress).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(node.internalAddress).not.toBe(node.address);
      expect((await invoke(internal, invokeRequest)).err).toBeNull();
    } finally {
      publicPort.close();
      internal.close();
      await node.shutdown(500);
    }
  });

  it('an executor, or an internal listener, on a non-loopback address without mTLS does not start', async () => {
    await expect(startTenancyNode(tenancyConfig(up.url, {}), { role: 'executor', listen: '0.0.0.0:0' })).rejects.toThrow(/--listen: ExecutorService is served only to authenticated routers/);
    await expect(startTenancyNode(tenancyConfig(up.url, {}, { server: { internal_listen: '0.0.0.0:0' } }))).rejects.toThrow(/server\.internal_listen: ExecutorService is served only to authenticated routers/);
  });
});
