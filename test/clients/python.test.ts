/**
 * The Python client package (clients/python): installed with pip from a copy of its folder into
 * a venv of Debian's python3 that sees the system's grpcio and protobuf, with no index and no
 * build isolation (nothing is downloaded); then its example, run from outside the source tree so
 * it imports the installed package, against a live server with simulated models.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../services/server/switchyard-server.js';
import { silentLog } from '../support/router-fixture.js';
import { expectExampleOutput } from './example-output.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const SYSTEM_PYTHON = '/usr/bin/python3';
const work = mkdtempSync(join(tmpdir(), 'switchyard-py-client-'));
const python = join(work, 'venv/bin/python');
const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PIP_NO_INDEX: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1' };

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ listen: '127.0.0.1:0', log: silentLog, watchModel: false, env: {}, simulatorMaxTtftMs: 20 });
});
afterAll(async () => {
  await server?.shutdown(1000);
  rmSync(work, { recursive: true, force: true });
});

describe('clients - python package', () => {
  it('installs with pip from its folder, offline, against the system grpcio', { timeout: 120_000 }, async () => {
    const probe = await run(SYSTEM_PYTHON, ['-c', 'import grpc, google.protobuf, setuptools, wheel, venv']).catch((e: Error) => e);
    expect(probe, `${SYSTEM_PYTHON} lacks grpc, protobuf, setuptools, wheel or venv: run \`make system-deps\``).not.toBeInstanceOf(Error);

    // pip builds in the source folder (build/, *.egg-info): build a copy, not the repository.
    cpSync(join(ROOT, 'clients/python'), join(work, 'src'), { recursive: true, filter: (src) => !src.includes('__pycache__') });
    await run(SYSTEM_PYTHON, ['-m', 'venv', '--system-site-packages', join(work, 'venv')], { env });
    await run(python, ['-m', 'pip', 'install', '--no-index', '--no-build-isolation', join(work, 'src')], { cwd: work, env, timeout: 100_000 });

    const { stdout } = await run(python, ['-c', 'import switchyard.v1.router_service_pb2 as m; print(m.__file__)'], { cwd: work, env });
    expect(stdout.trim().startsWith(`${join(work, 'venv/lib')}/`), `imported from the venv, not the source: ${stdout}`).toBe(true);
    const { stdout: typed } = await run(python, ['-c', 'import importlib.resources as r; print(r.files("switchyard").joinpath("py.typed").is_file())'], { cwd: work, env });
    expect(typed.trim()).toBe('True');
  });

  it('runs its example: decide, execute and stream', { timeout: 90_000 }, async () => {
    copyFileSync(join(ROOT, 'clients/python/example.py'), join(work, 'example.py'));
    const { stdout } = await run(python, ['example.py', '--prompt', 'Explain in two sentences why the sky is blue.'], {
      cwd: work,
      env: { ...env, SWITCHYARD_ADDR: server.address },
      timeout: 60_000,
    });
    expectExampleOutput(stdout, server.catalog.ids, true);
  });

  it('exits 1 with the gRPC status when the server cannot be reached', { timeout: 90_000 }, async () => {
    const err = await run(python, ['example.py', '127.0.0.1:1'], { cwd: work, env, timeout: 60_000 }).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/^switchyard: UNAVAILABLE: /m);
  });
});
