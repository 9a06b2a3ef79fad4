import { Writable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../services/cli/main.js';
import type { CommandIO } from '../../services/cli/command-io.js';
import { executeConfig, PRICES, writeConfig } from '../support/execute-fixture.js';
import { startTestServer, type TestServer } from '../support/grpc-server.js';

let t: TestServer;
let routerOnly: TestServer;
let noModels: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  // A router whose only executor address has nothing listening: up, but no call can be run.
  routerOnly = await startTestServer({ role: 'router', executors: ['127.0.0.1:1'] });
  // Up, but no model has what its executor needs (no keys in the environment, no simulator).
  const keyed = { id: 'keyed', provider: 'openai' as const, urls: ['http://127.0.0.1:1/v1'], prices: { ...PRICES.cheap }, quality: 0.6 };
  noModels = await startTestServer({ configPath: writeConfig(executeConfig([keyed])) });
});
afterAll(async () => {
  await noModels?.close();
  await routerOnly?.close();
  await t?.close();
});

function capture(): CommandIO & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: new Writable({ write: (c, _e, cb) => { out += c; cb(); } }),
    err: new Writable({ write: (c, _e, cb) => { err += c; cb(); } }),
    env: {},
    readStdin: () => '',
    stdout: () => out,
    stderr: () => err,
  };
}

describe('cli - models', () => {
  it('prints the catalog as a table, one row per model', async () => {
    const io = capture();
    expect(await main(['models', '--addr', t.server.address], io)).toBe(0);
    const lines = io.stdout().trim().split('\n');
    expect(lines[0]).toMatch(/^model\s+provider\s+available\s+context\s+max out\s+in \$\/M\s+out \$\/M\s+ttft\s+capabilities\s+quality\s+profile/);
    const table = lines.slice(0, lines.indexOf(''));
    expect(table).toHaveLength(2 + t.server.catalog.models.length);
    for (const id of t.server.catalog.ids) expect(table.some((l) => l.startsWith(`${id} `))).toBe(true);
    // Each model's quality: a prior's score and tier, or measured, and below, every source.
    const sources = lines.slice(lines.indexOf('') + 2);
    expect(sources).toHaveLength(t.server.catalog.models.length);
    for (const m of t.server.catalog.models) expect(sources.some((l) => l.startsWith(`  ${m.id}: `) && l.length > m.id.length + 6)).toBe(true);
    expect(sources).toContain('  gpt-5: MMLU-Pro ~0.87, Artificial Analysis MMLU-Pro leaderboard, 2025');
  });

  it('prints the ListModelsResponse as JSON with --json', async () => {
    const io = capture();
    expect(await main(['models', '--addr', t.server.address, '--json'], io)).toBe(0);
    const r = JSON.parse(io.stdout());
    expect(r.models.map((m: { id: string }) => m.id)).toEqual(t.server.catalog.ids);
    expect(typeof r.models[0].prices.inputPerMtok).toBe('number');
  });

  it('says when the server is up but no model has an executor', async () => {
    const io = capture();
    expect(await main(['models', '--addr', noModels.server.address], io)).toBe(0);
    expect(io.stdout()).toMatch(/^keyed .* no .*no credentials: set OPENAI_API_KEY$/m);
    expect(io.stderr()).toMatch(/Switchyard at 127\.0\.0\.1:\d+ is up, but has no executor/);
  });
});

describe('cli - telling a missing server from one without executors', () => {
  it.each([['models'], ['decide'], ['execute']])('%s with no server at the address says so', async (command) => {
    const io = capture();
    expect(await main([command, '--addr', '127.0.0.1:1', ...(command === 'models' ? [] : ['hi'])], io)).toBe(1);
    expect(io.stderr()).toMatch(/no Switchyard server at 127\.0\.0\.1:1 \(is `switchyard serve` running there\?\)/);
  });

  it.each([['decide'], ['execute']])('%s against a server with no model to serve says the server is up but has no executor for any model', async (command) => {
    const io = capture();
    expect(await main([command, '--addr', noModels.server.address, 'hi'], io)).toBe(1);
    expect(io.stderr()).toMatch(/Switchyard at 127\.0\.0\.1:\d+ is up, but has no executor \(or no credentials\) for any model: no model is available/);
    expect(io.stderr()).not.toMatch(/no Switchyard server/);
  });

  it('execute against a router whose executors cannot be reached says the server is up', async () => {
    const io = capture();
    expect(await main(['execute', '--addr', routerOnly.server.address, 'hi'], io)).toBe(1);
    expect(io.stderr()).toMatch(/Switchyard at 127\.0\.0\.1:\d+ is up, but could not answer: .*no executor could be reached/);
  });
});

describe('cli - version', () => {
  it('prints the package version with --version', async () => {
    const io = capture();
    expect(await main(['--version'], io)).toBe(0);
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(io.stdout()).toBe(`switchyard ${version}\n`);
  });
});
