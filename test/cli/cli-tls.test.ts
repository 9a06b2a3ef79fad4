/**
 * The CLI speaks TLS: `switchyard decide|execute|models|decisions` reach a server that serves
 * TLS (the server checked against a CA given by --tls-ca or SWITCHYARD_TLS_CA) and one that
 * requires client certificates (mTLS: --tls-cert/--tls-key or SWITCHYARD_TLS_CERT/_KEY), with
 * certificates made in the test. Bad TLS settings are refused naming the flag and variable.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../services/cli/main.js';
import type { CommandIO } from '../../services/cli/command-io.js';
import type { RunningServer } from '../../services/server/switchyard-server.js';
import { startUpstream, type Upstream } from '../bus/support.js';
import { makeCa, makeLeaf, type Ca } from '../tenancy/certificates.js';
import { KEYS, startTenancyNode, tenancyConfig } from '../tenancy/support.js';

let up: Upstream;
let ca: Ca;
let client: { cert: string; key: string };
let tls: RunningServer;
let mtls: RunningServer;

beforeAll(async () => {
  up = await startUpstream();
  ca = makeCa('cli-test');
  const server = makeLeaf(ca, 'server');
  client = makeLeaf(ca, 'cli');
  tls = await startTenancyNode(tenancyConfig(up.url, {}, { server: { tls: { cert_file: server.cert, key_file: server.key } } }));
  const tenants = { acme: { keys: [{ env: 'SWITCHYARD_KEY_ACME' }] } };
  mtls = await startTenancyNode(tenancyConfig(up.url, tenants, { server: { tls: { cert_file: server.cert, key_file: server.key, client_ca_file: ca.cert } } }));
}, 30_000);

afterAll(async () => {
  await tls?.shutdown(500);
  await mtls?.shutdown(500);
  await up?.close();
});

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CommandIO = {
    out: new Writable({
      write: (c, _e, cb) => {
        out += c;
        cb();
      },
    }),
    err: new Writable({
      write: (c, _e, cb) => {
        err += c;
        cb();
      },
    }),
    env,
    readStdin: () => '',
  };
  const code = await main(args, io);
  return { code, out, err };
}

describe('cli - TLS to the server', () => {
  it('models and decide over TLS, the CA given by flag or by SWITCHYARD_TLS_CA; plaintext to a TLS server fails', async () => {
    const models = await run(['models', '--addr', tls.address, '--tls-ca', ca.cert, '--json']);
    expect(models.err).toBe('');
    expect(models.code).toBe(0);
    expect((JSON.parse(models.out) as { models: { id: string }[] }).models.map((m) => m.id)).toEqual(['eu-model', 'us-model']);

    const decided = await run(['decide', '--json', 'What is the capital of France?'], { SWITCHYARD_ADDR: tls.address, SWITCHYARD_TLS_CA: ca.cert });
    expect(decided.code).toBe(0);
    expect(JSON.parse(decided.out).model).toMatch(/-model$/);

    const plain = await run(['models', '--addr', tls.address]);
    expect(plain.code).toBe(1);
    expect(plain.out).toBe('');
    expect(plain.err).toMatch(/if the server speaks TLS, give its CA: --tls-ca FILE or SWITCHYARD_TLS_CA/);
  });

  it('execute and decisions over mTLS with the client certificate and the API key; without the certificate the server refuses', async () => {
    const env = { SWITCHYARD_ADDR: mtls.address, SWITCHYARD_TLS_CA: ca.cert, SWITCHYARD_API_KEY: KEYS.ACME };
    const refused = await run(['execute', 'hello'], env);
    expect(refused.code).toBe(1);

    const withCert = { ...env, SWITCHYARD_TLS_CERT: client.cert, SWITCHYARD_TLS_KEY: client.key };
    const answered = await run(['execute', '--json', 'hello'], withCert);
    expect(answered.err).toBe('');
    expect(answered.code).toBe(0);
    const r = JSON.parse(answered.out) as { message: { text: string }; decisionId: string };
    expect(r.message.text).toBe('ok');

    // Flags work as well as variables (and win over them).
    // The record is written moments after the answer: ask until it is there.
    const show = () => run(['decisions', 'show', r.decisionId, '--json', '--tls-cert', client.cert, '--tls-key', client.key], { ...env, SWITCHYARD_TLS_CERT: '/nonexistent.pem' });
    let shown = await show();
    for (let i = 0; i < 50 && /NOT_FOUND/.test(shown.err); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      shown = await show();
    }
    expect(shown.err).toBe('');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out).record.decisionId).toBe(r.decisionId);
  });

  it('bad TLS settings are refused before any call, naming the flag and the variable', async () => {
    const missing = await run(['models', '--addr', tls.address, '--tls-ca', '/nonexistent/ca.pem']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--tls-ca \(or SWITCHYARD_TLS_CA\): cannot read \/nonexistent\/ca\.pem: ENOENT/);
    const half = await run(['decide', 'hi'], { SWITCHYARD_TLS_CERT: client.cert });
    expect(half.code).toBe(2);
    expect(half.err).toMatch(/needs both --tls-cert and --tls-key \(or SWITCHYARD_TLS_CERT and SWITCHYARD_TLS_KEY\)/);
    const badFlag = await run(['models'], { SWITCHYARD_TLS: 'yes' });
    expect(badFlag.code).toBe(2);
    expect(badFlag.err).toMatch(/SWITCHYARD_TLS must be 1, true, 0 or false/);
  });
});
