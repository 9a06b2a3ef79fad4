/**
 * The Go module (clients/go): `go test` of its packages, offline in GOPATH mode (the module's own
 * packages through a symlink at its module path, google.golang.org/grpc and /protobuf from
 * Debian's sources), with SWITCHYARD_ADDR naming a live server with simulated models; then the
 * example binary against the same server. Skipped, and said so, when Go or those sources are
 * missing (`SWITCHYARD_GO_CLIENT=1 make test` installs them).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../services/server/switchyard-server.js';
import { silentLog } from '../support/router-fixture.js';
import { expectExampleOutput } from './example-output.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const GOCODE = '/usr/share/gocode/src';
const MODULE = /^module (\S+)$/m.exec(readFileSync(join(ROOT, 'clients/go/go.mod'), 'utf8'))![1]!;
const missing = missingGo();
const gopath = mkdtempSync(join(tmpdir(), 'switchyard-go-'));
const goEnv = { ...process.env, GO111MODULE: 'off', GOPATH: `${gopath}:/usr/share/gocode`, GOFLAGS: '', GOPROXY: 'off' };

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ listen: '127.0.0.1:0', log: silentLog, watchModel: false, env: {}, simulatorMaxTtftMs: 20 });
  mkdirSync(join(gopath, 'src', MODULE, '..'), { recursive: true });
  symlinkSync(join(ROOT, 'clients/go'), join(gopath, 'src', MODULE));
});
afterAll(async () => {
  await server?.shutdown(1000);
  rmSync(gopath, { recursive: true, force: true });
});

/** Why the Go module cannot be built here, or '' when it can. */
function missingGo(): string {
  const onPath = (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, 'go')));
  if (!onPath) return 'go is not installed (SWITCHYARD_GO_CLIENT=1 make system-deps)';
  if (!existsSync(join(GOCODE, 'google.golang.org/grpc'))) return `no grpc-go sources in ${GOCODE} (apt-get install golang-google-grpc-dev)`;
  // golang/protobuf 1.3 (a choice golang-google-grpc-dev allows) cannot marshal the generated messages.
  if (!existsSync(join(GOCODE, 'github.com/golang/protobuf/proto/registry.go'))) {
    return `no golang/protobuf 1.4 or later in ${GOCODE} (apt-get install golang-github-golang-protobuf-1-5-dev)`;
  }
  return '';
}

describe('clients - go module', () => {
  // Compiling grpc-go from source takes a few minutes the first time; later runs use Go's cache.
  it('go test passes against a live server', { timeout: 480_000 }, async (ctx) => {
    if (missing) {
      console.warn(`go module: SKIPPED, ${missing}`);
      ctx.skip();
    }
    const packages = [`${MODULE}/example`, `${MODULE}/switchyardv1`]; // `./...` would not follow the symlink
    const { stdout } = await run('go', ['test', '-count=1', '-v', ...packages], {
      cwd: gopath,
      env: { ...goEnv, SWITCHYARD_ADDR: server.address },
      timeout: 450_000,
    });
    expect(stdout).toMatch(/^--- PASS: TestMessagesRoundTrip/m);
    expect(stdout).toMatch(/^--- PASS: TestExampleAgainstServer/m);
    expect(stdout).not.toMatch(/^--- (FAIL|SKIP)/m);
    expect(stdout).toMatch(new RegExp(`^ok\\s+${MODULE}/example`, 'm'));
  });

  it('its example decides and executes', { timeout: 480_000 }, async (ctx) => {
    if (missing) ctx.skip();
    const binary = join(gopath, 'example');
    await run('go', ['build', '-o', binary, `${MODULE}/example`], { cwd: gopath, env: goEnv, timeout: 450_000 });
    const { stdout } = await run(binary, [server.address], { timeout: 60_000 });
    expectExampleOutput(stdout, server.catalog.ids, false);
    const err = await run(binary, ['127.0.0.1:1'], { timeout: 60_000 }).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/^switchyard: Unavailable: /m);
  });
});
