/**
 * The example programs in clients/, each against a real Switchyard server whose models are
 * simulated: Python as a subprocess (required: `make system-deps` installs python3-grpcio), the
 * TypeScript client in-process, and Go compiled and run when a Go toolchain with Debian's gRPC
 * sources is installed (skipped, and said so, otherwise).
 *
 * Every example prints the same sections: `== Decide`, `== Execute` (and `== ExecuteStream`),
 * each a list of `key: value` lines, with the candidates and attempts indented below their key.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../services/server/switchyard-server.js';
import { createRouterClient, type RouterClient } from '../../clients/typescript/switchyard-client.js';
import { DEFAULT_PROMPT, runExample, userMessage } from '../../clients/typescript/example.js';
import { silentLog } from '../support/router-fixture.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const PYTHON = '/usr/bin/python3';
const GOCODE = '/usr/share/gocode/src';

let server: RunningServer;
let ids: string[];
let goBuild: Promise<string> | undefined;
const goMissing = missingGo();

beforeAll(async () => {
  server = await startServer({ listen: '127.0.0.1:0', log: silentLog, watchModel: false, env: {}, simulatorMaxTtftMs: 20 });
  ids = server.catalog.ids;
  // Compiling grpc-go from source takes a while the first time: start it now, await it in its test.
  if (!goMissing) {
    goBuild = buildGoExample();
    goBuild.catch(() => {});
  }
});
afterAll(async () => {
  await server?.shutdown(1000);
});

/** Splits `== Name` sections into their lines. */
function sections(output: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of output.split('\n')) {
    const header = /^== (\w+)$/.exec(line);
    if (header) {
      current = [];
      out.set(header[1]!, current);
    }
    else current.push(line);
  }
  return out;
}

function field(lines: string[] | undefined, key: string): string {
  const line = lines?.find((l) => l.startsWith(`${key}:`));
  expect(line, `a "${key}:" line`).toBeDefined();
  return line!.slice(key.length + 1).trim();
}

/** The lines indented under `key:`. */
function block(lines: string[] | undefined, key: string): string[] {
  const start = lines?.indexOf(`${key}:`) ?? -1;
  expect(start, `a "${key}:" block`).toBeGreaterThanOrEqual(0);
  const rest = lines!.slice(start + 1);
  const end = rest.findIndex((l) => !l.startsWith('  '));
  return end < 0 ? rest : rest.slice(0, end);
}

function expectDecision(lines: string[] | undefined): void {
  const model = field(lines, 'model');
  expect(ids).toContain(model);
  const fallbacks = field(lines, 'fallbacks').split(', ');
  for (const f of fallbacks) expect(ids).toContain(f);
  expect(fallbacks).not.toContain(model);
  expect(field(lines, 'reason')).toContain(model);
  const [header, ...rows] = block(lines, 'candidates');
  expect(header).toMatch(/model\s+eligible\s+quality\s+est\. cost\s+score\s+excluded because/);
  // One row per catalog model, the chosen one first.
  expect(rows.map((r) => r.trim().split(/\s+/)[0]).sort()).toEqual([...ids].sort());
  expect(rows[0]).toMatch(new RegExp(`^\\s+${model.replace(/\./g, '\\.')}\\s+yes\\s+\\d\\.\\d{3}\\s+\\$\\d+\\.\\d{6}\\s+\\d\\.\\d{3}`));
}

function expectResult(lines: string[] | undefined, answerKey = 'answer'): void {
  const model = field(lines, 'model');
  expect(ids).toContain(model);
  expect(field(lines, answerKey)).toMatch(new RegExp(`simulated answer from ${model.replace(/\./g, '\\.')}`));
  const cost = field(lines, 'cost');
  expect(cost).toMatch(/^\$\d+\.\d{7}$/);
  expect(Number(cost.slice(1))).toBeGreaterThan(0);
  expect(block(lines, 'attempts')).toEqual([expect.stringMatching(new RegExp(`^  1\\. ${model.replace(/\./g, '\\.')} \\(primary\\) success in \\d+ ms$`))]);
}

function expectExampleOutput(stdout: string, streamed: boolean): void {
  const s = sections(stdout);
  expect([...s.keys()]).toEqual(streamed ? ['Decide', 'Execute', 'ExecuteStream'] : ['Decide', 'Execute']);
  expectDecision(s.get('Decide'));
  expectResult(s.get('Execute'));
  if (streamed) {
    const stream = s.get('ExecuteStream');
    expect(field(stream, 'routed to')).toBe(field(stream, 'model'));
    expectResult(stream, 'stream');
  }
}

describe('clients - python example', () => {
  it('decides, executes and streams through the generated stubs', async () => {
    const probe = await run(PYTHON, ['-c', 'import grpc, google.protobuf'], { cwd: ROOT }).catch((e: Error) => e);
    expect(probe, `${PYTHON} cannot import grpc: run \`make system-deps\` (python3-grpcio)`).not.toBeInstanceOf(Error);

    const env = { ...process.env, PYTHONPATH: join(ROOT, 'clients/python'), PYTHONDONTWRITEBYTECODE: '1', SWITCHYARD_ADDR: server.address };
    const { stdout } = await run(PYTHON, ['clients/python/example.py', '--prompt', DEFAULT_PROMPT], { cwd: ROOT, env, timeout: 60_000 });
    expectExampleOutput(stdout, true);
  });

  it('exits 1 with the gRPC status when the server cannot be reached', async () => {
    const env = { ...process.env, PYTHONPATH: join(ROOT, 'clients/python'), PYTHONDONTWRITEBYTECODE: '1' };
    const err = await run(PYTHON, ['clients/python/example.py', '127.0.0.1:1'], { cwd: ROOT, env, timeout: 60_000 }).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/^switchyard: UNAVAILABLE: /m);
  });
});

describe('clients - typescript client', () => {
  let router: RouterClient;
  beforeAll(() => {
    router = createRouterClient(server.address);
  });
  afterAll(() => router.close());

  it('runs the example: decide, execute and stream', async () => {
    const lines: string[] = [];
    await runExample(router, DEFAULT_PROMPT, (line) => lines.push(line));
    expectExampleOutput(lines.join('\n'), true);
  });

  it('lists the catalog', async () => {
    const { models } = await router.listModels();
    expect(models.map((m) => m.id).sort()).toEqual([...ids].sort());
  });

  it('streams the decision first, text deltas, and done last', async () => {
    const kinds: string[] = [];
    let text = '';
    for await (const event of router.executeStream({ request: { messages: [userMessage('Name three rivers.')] } })) {
      kinds.push(event.event!);
      text += event.textDelta ?? '';
      if (event.done) expect(event.done.message?.text).toBe(text);
    }
    expect(kinds[0]).toBe('decision');
    expect(kinds.at(-1)).toBe('done');
    expect(kinds).toContain('textDelta');
  });

  it('rejects with the gRPC status; an aborted call, or a stream left early, is cancelled', async () => {
    await expect(router.decide({ messages: [] })).rejects.toMatchObject({ code: 3 }); // INVALID_ARGUMENT
    const abort = new AbortController();
    const pending = router.execute({ messages: [userMessage('A long essay, please.')] }, { signal: abort.signal });
    abort.abort();
    await expect(pending).rejects.toMatchObject({ code: 1 }); // CANCELLED
    for await (const event of router.executeStream({ request: { messages: [userMessage('Another essay.')] } })) {
      expect(event.event).toBe('decision');
      break;
    }
    expect((await router.listModels()).models.length).toBe(ids.length); // the channel still serves
  });
});

describe('clients - go example', () => {
  it('builds against the committed stubs and decides and executes', { timeout: 240_000 }, async (ctx) => {
    if (goMissing) {
      console.warn(`go example: SKIPPED, ${goMissing}`);
      ctx.skip(goMissing);
    }
    const binary = await goBuild!;
    const { stdout } = await run(binary, [server.address], { timeout: 60_000 });
    expectExampleOutput(stdout, false);
  });
});

/** Why the Go example cannot be built here, or '' when it can. */
function missingGo(): string {
  const onPath = (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, 'go')));
  if (!onPath) return 'go is not installed (apt-get install golang-go golang-google-grpc-dev golang-github-golang-protobuf-1-5-dev)';
  if (!existsSync(join(GOCODE, 'google.golang.org/grpc'))) return `no grpc-go sources in ${GOCODE} (apt-get install golang-google-grpc-dev)`;
  // golang/protobuf 1.3 (a choice golang-google-grpc-dev allows) cannot marshal the generated messages.
  if (!existsSync(join(GOCODE, 'github.com/golang/protobuf/proto/registry.go'))) {
    return `no golang/protobuf 1.4 or later in ${GOCODE} (apt-get install golang-github-golang-protobuf-1-5-dev)`;
  }
  return '';
}

/**
 * Builds clients/go/example offline in GOPATH mode: the module's own packages through a
 * symlink, google.golang.org/grpc and /protobuf from Debian's sources. Returns the binary.
 */
async function buildGoExample(): Promise<string> {
  const gopath = mkdtempSync(join(tmpdir(), 'switchyard-go-'));
  mkdirSync(join(gopath, 'src/switchyard/clients'), { recursive: true });
  symlinkSync(join(ROOT, 'clients/go'), join(gopath, 'src/switchyard/clients/go'));
  const binary = join(gopath, 'example');
  const env = { ...process.env, GO111MODULE: 'off', GOPATH: `${gopath}:/usr/share/gocode`, GOFLAGS: '', GOPROXY: 'off' };
  try {
    await run('go', ['build', '-o', binary, 'switchyard/clients/go/example'], { cwd: gopath, env, timeout: 200_000 });
  } catch (err) {
    rmSync(gopath, { recursive: true, force: true });
    throw err;
  }
  process.once('exit', () => rmSync(gopath, { recursive: true, force: true }));
  return binary;
}
