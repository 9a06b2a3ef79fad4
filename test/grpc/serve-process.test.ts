/**
 * The `switchyard serve` process as an operator runs it: it starts on the built-in config,
 * answers, and on SIGTERM stops accepting calls, drains those in flight and exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../services/shared/config/load-config.js';
import { routerClient } from '../../services/shared/grpc/router-client.js';
import { call } from '../support/grpc-server.js';

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

function startServe(env: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<{ address: string; logs: () => string }> {
  const bin = resolve(PACKAGE_ROOT, 'bin/switchyard.js');
  child = spawn(process.execPath, [bin, 'serve', '--listen', '127.0.0.1:0', ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 15_000);
    child!.stderr!.on('data', (d) => {
      out += d;
      const m = /"address":"([\d.]+:\d+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ address: m[1]!, logs: () => out });
      }
    });
    child!.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}`)));
  });
}

const prompt = { messages: [{ role: 'ROLE_USER', content: [{ text: 'hello there' }] }] };

describe('serve - process lifecycle', () => {
  it('says plainly which answers are simulated, and never logs secrets', async () => {
    const { logs } = await startServe({ ANTHROPIC_API_KEY: 'sk-ant-secret-value' });
    const lines = logs().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const simulated = lines.find((l) => String(l.msg).includes('their answers will be SIMULATED'));
    expect(simulated).toMatchObject({ level: 'warn', component: 'switchyard', models: expect.stringMatching(/^gpt-5,/) });
    expect(logs()).not.toContain('claude-haiku-4-5,'); // has a key: not simulated
    expect(logs()).not.toContain('sk-ant-secret-value');
  });

  it('drains in-flight calls on SIGTERM and exits 0', async () => {
    const { address, logs } = await startServe();
    const client = routerClient(address);
    const first = await call(client, 'decide', prompt);
    expect(first.err).toBeNull();
    const inflight = Array.from({ length: 50 }, () => call(client, 'decide', prompt));
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    child!.kill('SIGTERM');
    const results = await Promise.all(inflight);
    // Each call either completed or was refused as the server stopped accepting: none is cut
    // off with an internal error. (Draining long calls is shown with Execute's slow upstream.)
    for (const r of results) expect(r.err === null || r.err.code === grpc.status.UNAVAILABLE).toBe(true);
    expect(await exited).toBe(0);
    expect(logs()).toContain('"signal":"SIGTERM","msg":"shutting down: draining in-flight calls"');
    expect(logs()).toContain('stopped');
    client.close();
  });

  it('serves the HTTP front door on --http-listen beside gRPC, and stops it on SIGTERM', async () => {
    const { logs } = await startServe({}, ['--http-listen', '127.0.0.1:0']);
    const origin = `http://${/"http":"([\d.]+:\d+)"/.exec(logs())![1]}`;
    const models = (await (await fetch(`${origin}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toContain('switchyard/auto');
    const res = await fetch(`${origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }], max_tokens: 16 }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-model')).toBe('gpt-4o-mini');
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]!.message.content.length).toBeGreaterThan(0);
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${origin}/v1/models`)).rejects.toThrow();
  });

  it('refuses a bad config at start with the key path, and exits non-zero', async () => {
    const bin = resolve(PACKAGE_ROOT, 'bin/switchyard.js');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(resolve(tmpdir(), 'sy-'));
    writeFileSync(resolve(dir, 'bad.yaml'), 'server:\n  listen: 127.0.0.1:0\n  lisen: typo\nmodels: []\n');
    const p = spawn(process.execPath, [bin, 'serve', '--config', resolve(dir, 'bad.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => p.on('exit', r));
    expect(code).toBe(1);
    expect(err).toContain('server.lisen: unknown key');
    expect(err).toMatch(/models: Too small/);
  });
});
