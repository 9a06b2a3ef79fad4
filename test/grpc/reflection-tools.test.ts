/**
 * Server reflection as tools use it: `buf curl` lists the services and methods and calls Decide
 * with a JSON body in the protos' snake_case names; the descriptors it serves are the protos' own
 * (original field names, JSON names, valid map entries, proto3 `optional`). Every `buf curl`
 * command in README.md runs here against a live server.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../services/server/switchyard-server.js';
import { silentLog } from '../support/router-fixture.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const BUF = join(ROOT, 'node_modules/.bin/buf');
const README_ADDRESS = '127.0.0.1:50051';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ listen: '127.0.0.1:0', log: silentLog, watchModel: false, env: {}, simulatorMaxTtftMs: 20 });
});
afterAll(async () => {
  await server?.shutdown(1000);
});

async function bufCurl(args: string[]): Promise<string> {
  const { stdout } = await run(BUF, ['curl', '--protocol', 'grpc', ...args], { cwd: ROOT, timeout: 30_000 });
  return stdout;
}

interface FieldDescriptor {
  name: string;
  jsonName?: string;
  number: number;
  typeName?: string;
  proto3Optional?: boolean;
}
interface MessageDescriptor {
  name: string;
  field: FieldDescriptor[];
  nestedType: MessageDescriptor[];
  options?: { mapEntry?: boolean };
}

/** The file descriptors reflection v1 returns for a symbol, decoded. */
async function fileContaining(symbol: string, address: string): Promise<{ name: string; messageType: MessageDescriptor[] }[]> {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('@grpc/reflection')), '../proto');
  const def = protoLoader.loadSync('grpc/reflection/v1/reflection.proto', { includeDirs: [dir] });
  const Reflection = (grpc.loadPackageDefinition(def) as any).grpc.reflection.v1.ServerReflection;
  const client = new Reflection(address, grpc.credentials.createInsecure());
  try {
    const response = await new Promise<any>((resolve, reject) => {
      const stream = client.ServerReflectionInfo();
      stream.on('data', (r: any) => {
        resolve(r);
        stream.end();
      });
      stream.on('error', reject);
      stream.write({ fileContainingSymbol: symbol });
    });
    expect(response.errorResponse ?? null).toBeNull();
    return response.fileDescriptorResponse.fileDescriptorProto.map((b: Buffer) => descriptor.FileDescriptorProto.decode(b) as any);
  } finally {
    client.close();
  }
}

describe('reflection - buf curl', () => {
  it('lists the services and their methods (role all keeps ExecutorService off the public port)', async () => {
    const services = (await bufCurl(['--list-services', `http://${server.address}`])).trim().split('\n');
    expect(services.sort()).toEqual(['switchyard.v1.RouterService']);
    const methods = (await bufCurl(['--list-methods', `http://${server.address}`])).trim().split('\n');
    expect(methods).toEqual(expect.arrayContaining(['switchyard.v1.RouterService/Decide', 'switchyard.v1.RouterService/ExecuteStream']));
    expect(methods.some((m) => m.startsWith('switchyard.v1.ExecutorService/'))).toBe(false);
  });

  it('calls Decide with a snake_case JSON body, a map and an optional field, and answers in JSON', async () => {
    const body = {
      messages: [{ role: 'ROLE_USER', content: [{ text: 'Summarise this memo' }] }],
      max_output_tokens: 100,
      preferences: { cost_quality_tradeoff: 0.2 },
      labels: { user_tier: 'free', extra: { team: 'docs' } },
      requirements: { allow_models: server.catalog.ids.slice(0, 2) },
    };
    const out = JSON.parse(await bufCurl(['-d', JSON.stringify(body), `http://${server.address}/switchyard.v1.RouterService/Decide`]));
    expect(server.catalog.ids.slice(0, 2)).toContain(out.model);
    expect(out.decisionId).toMatch(/\S/);
    expect(out.candidates).toHaveLength(server.catalog.ids.length);
  });

  it('knows the schema: a wrong JSON body fails in the client, naming the field', async () => {
    const err = await bufCurl(['-d', '{"max_output_tokens":"many"}', `http://${server.address}/switchyard.v1.RouterService/Decide`]).catch((e) => e);
    expect(err.code).not.toBe(0);
    expect(err.stderr).toMatch(/uint32 field maxOutputTokens: "many"/);
  });

  it('lists only the services a process serves', async () => {
    const executor = await startServer({ role: 'executor', listen: '127.0.0.1:0', log: silentLog, watchModel: false, env: {}, simulatorMaxTtftMs: 20 });
    try {
      expect((await bufCurl(['--list-services', `http://${executor.address}`])).trim()).toBe('switchyard.v1.ExecutorService');
    } finally {
      await executor.shutdown(1000);
    }
  });
});

describe('reflection - descriptors', () => {
  it('are the protos own: original names, JSON names, a valid map entry, proto3 optional', async () => {
    const files = await fileContaining('switchyard.v1.DecideRequest', server.address);
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(['switchyard/v1/router_service.proto', 'switchyard/v1/routing.proto']));
    const messages = new Map(files.flatMap((f) => f.messageType.map((m) => [m.name, m] as const)));
    const maxOut = messages.get('DecideRequest')!.field.find((f) => f.number === 4)!;
    expect(maxOut).toMatchObject({ name: 'max_output_tokens', jsonName: 'maxOutputTokens' });
    const labels = messages.get('Labels')!;
    expect(labels.field.find((f) => f.number === 5)).toMatchObject({ name: 'extra', typeName: '.switchyard.v1.Labels.ExtraEntry' });
    const entry = labels.nestedType.find((n) => n.name === 'ExtraEntry')!;
    expect(entry.options?.mapEntry).toBe(true);
    expect(entry.field.map((f) => [f.name, f.number])).toEqual([
      ['key', 1],
      ['value', 2],
    ]);
    expect(messages.get('Preferences')!.field.find((f) => f.name === 'max_cost_usd')!.proto3Optional).toBe(true);
  });
});

describe('reflection - README examples', () => {
  const commands = readFileSync(join(ROOT, 'README.md'), 'utf8')
    .split('\n')
    .filter((line) => /^\s*(npx )?(buf curl|grpcurl) /.test(line));

  it('README.md shows buf curl examples (and no grpcurl, which Debian does not package)', () => {
    expect(commands.length).toBeGreaterThanOrEqual(3);
    expect(commands.filter((c) => c.includes('grpcurl'))).toEqual([]);
    for (const c of commands) expect(c, 'examples use the default address').toContain(README_ADDRESS);
  });

  it('every buf curl example in README.md runs against a live server', async () => {
    for (const command of commands) {
      const live = command.replaceAll(README_ADDRESS, server.address).replace(/^\s*npx /, `${dirname(BUF)}/`);
      const { stdout } = await run('bash', ['-c', live], { cwd: ROOT, timeout: 30_000 });
      if (command.includes('--list-services')) expect(stdout).toContain('switchyard.v1.RouterService');
      else if (command.includes('--list-methods')) expect(stdout).toContain('switchyard.v1.RouterService/Decide');
      else expect(server.catalog.ids, command).toContain(JSON.parse(stdout).model);
    }
  });
});
