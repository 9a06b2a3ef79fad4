/**
 * The TypeScript client package (clients/typescript): installed from its folder into a temporary
 * project with npm, offline (its dependencies come from this repository's node_modules), its
 * example type-checked against the installed package and run against a live server with
 * simulated models; then the client's calls, streams, errors and cancellation, in-process.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../services/server/switchyard-server.js';
import { Code, ConnectError, createRouterClient, Role } from '../../clients/typescript/index.js';
import { silentLog } from '../support/router-fixture.js';
import { expectExampleOutput } from './example-output.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const PACKAGE = join(ROOT, 'clients/typescript');
/** The package's dependencies, and the example's (@types/node), as folders: npm needs no registry. */
const LOCAL_DEPENDENCIES = ['@bufbuild/protobuf', '@connectrpc/connect', '@connectrpc/connect-node', '@types/node', 'undici-types'];

let server: RunningServer;
let ids: string[];
const project = mkdtempSync(join(tmpdir(), 'switchyard-ts-client-'));

beforeAll(async () => {
  server = await startServer({ listen: '127.0.0.1:0', log: silentLog, watchModel: false, env: {}, simulatorMaxTtftMs: 20 });
  ids = server.catalog.ids;
});
afterAll(async () => {
  await server?.shutdown(1000);
  rmSync(project, { recursive: true, force: true });
});

const userMessage = (text: string) => ({ role: Role.USER, content: [{ part: { case: 'text' as const, value: text } }] });

describe('clients - typescript package', () => {
  it('installs with npm from its folder, offline, and its typed example runs', { timeout: 180_000 }, async () => {
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    const folders = [PACKAGE, ...LOCAL_DEPENDENCIES.map((d) => join(ROOT, 'node_modules', d))];
    const env = { ...process.env, npm_config_cache: join(project, '.npm-cache') }; // an empty cache: nothing can come from a registry
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--install-links', ...folders], { cwd: project, env, timeout: 150_000 });

    copyFileSync(join(PACKAGE, 'example.ts'), join(project, 'example.ts'));
    copyFileSync(join(PACKAGE, 'tsconfig.json'), join(project, 'tsconfig.json'));
    await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project, timeout: 60_000 });

    const { stdout } = await run(process.execPath, ['dist/example.js', server.address], { cwd: project, timeout: 60_000 });
    expectExampleOutput(stdout, ids, true);

    const err = await run(process.execPath, ['dist/example.js', '127.0.0.1:1'], { cwd: project, timeout: 60_000 }).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/^switchyard: Unavailable: /m);
  });
});

describe('clients - typescript client', () => {
  const router = () => createRouterClient(server.address);

  it('lists the catalog', async () => {
    const { models } = await router().listModels({});
    expect(models.map((m) => m.id).sort()).toEqual([...ids].sort());
  });

  it('streams the decision first, text deltas, and done last', async () => {
    const kinds: string[] = [];
    let text = '';
    for await (const { event } of router().executeStream({ request: { messages: [userMessage('Name three rivers.')] } })) {
      kinds.push(event.case!);
      if (event.case === 'textDelta') text += event.value;
      if (event.case === 'done') expect(event.value.message?.text).toBe(text);
    }
    expect(kinds[0]).toBe('decision');
    expect(kinds.at(-1)).toBe('done');
    expect(kinds).toContain('textDelta');
  });

  it('rejects with the gRPC status; an aborted call, or a stream left early, is cancelled', async () => {
    const client = router();
    const invalid = await client.decide({ messages: [] }).catch((e) => e);
    expect(invalid).toBeInstanceOf(ConnectError);
    expect(invalid.code).toBe(Code.InvalidArgument);
    expect(invalid.rawMessage).toMatch(/messages/);

    const abort = new AbortController();
    const pending = client.execute({ messages: [userMessage('A long essay, please.')] }, { signal: abort.signal });
    abort.abort();
    await expect(pending).rejects.toMatchObject({ code: Code.Canceled });
    for await (const { event } of client.executeStream({ request: { messages: [userMessage('Another essay.')] } })) {
      expect(event.case).toBe('decision');
      break;
    }
    expect((await client.listModels({})).models.length).toBe(ids.length); // the client still serves
  });
});
