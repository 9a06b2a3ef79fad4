/**
 * A router-only process that knows of no executor says so: every model is unavailable
 * (ListModels, Decide), Execute answers UNAVAILABLE as a server that answered (the CLI tells
 * the user to start an executor, not that Switchyard is unreachable), and its Execute health
 * is NOT_SERVING. An executor joining or going, and the bus going and coming back, are logged.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcErrorMessage } from '../../services/cli/command-io.js';
import { routerClient } from '../../services/shared/grpc/router-client.js';
import { EXECUTE_HEALTH, startServer, type RunningServer } from '../../services/server/switchyard-server.js';
import { createLogger } from '../../services/shared/log.js';
import { call } from '../support/grpc-server.js';
import { startNatsServer, type NatsServer } from '../support/nats-server.js';
import { busTestConfig, startNode, startUpstream, until, type Upstream } from './support.js';

let nats: NatsServer;
let up: Upstream;
let router: RunningServer;
let client: ReturnType<typeof routerClient>;
let health: grpc.Client;
const lines: string[] = [];

beforeAll(async () => {
  nats = await startNatsServer();
  up = await startUpstream();
  const file = join(mkdtempSync(join(tmpdir(), 'switchyard-ready-')), 'router.yaml');
  writeFileSync(file, stringify(busTestConfig()));
  const log = createLogger('router', { SWITCHYARD_LOG_LEVEL: 'info', SWITCHYARD_LOG_FORMAT: 'json' }, (l) => lines.push(l));
  router = await startServer({ role: 'router', configPath: file, listen: '127.0.0.1:0', log, watchModel: false, env: { NATS_URL: nats.url } });
  client = routerClient(router.address);
  const def = protoLoader.loadSync(healthProtoPath, { enums: String });
  const Health = (grpc.loadPackageDefinition(def) as any).grpc.health.v1.Health;
  health = new Health(router.address, grpc.credentials.createInsecure());
});
afterAll(async () => {
  client?.close();
  health?.close();
  await router?.halt();
  await up?.close();
  await nats?.stop();
});

const executeHealth = async () => (await call<{ status: string }>(health, 'check', { service: EXECUTE_HEALTH })).res?.status;
const ask = { messages: [{ role: 'ROLE_USER', content: [{ text: 'hello' }] }] };
const logged = (msg: string) => lines.filter((l) => JSON.parse(l).msg === msg);

describe('readiness - a router without executors', () => {
  it('marks every model unavailable, refuses Execute as a server that answered, and reports Execute NOT_SERVING', async () => {
    const models = await call<any>(client, 'listModels', {});
    expect(models.res!.models.map((m: any) => [m.id, m.available, m.unavailableReason])).toEqual([
      ['cheap-x', false, 'no executor serves it'],
      ['cached-y', false, 'no executor serves it'],
    ]);
    const d = await call<any>(client, 'decide', ask);
    expect(d.err?.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(d.err?.details).toMatch(/cheap-x: unavailable: no executor serves it/);
    const e = await call<any>(client, 'execute', ask);
    expect(e.err?.code).toBe(grpc.status.UNAVAILABLE);
    expect(e.err?.details).toMatch(/^no executor is reachable: none has announced itself on the bus/);
    expect(await grpcErrorMessage(e.err, router.address)).toMatch(/is running but cannot execute: no executor is reachable.*start an executor/);
    expect(await grpcErrorMessage({ code: grpc.status.UNAVAILABLE, details: 'No connection established' }, '127.0.0.1:1')).toMatch(/^no Switchyard server at 127\.0\.0\.1:1/);
    expect(await executeHealth()).toBe('NOT_SERVING');
    expect((await call<{ status: string }>(health, 'check', { service: 'switchyard.v1.RouterService' })).res?.status).toBe('SERVING');
    expect(logged('no executor is reachable yet: models are unavailable and Execute is NOT_SERVING until one announces itself on the bus')).toHaveLength(1);
  });

  it('serves once an executor announces itself, and logs the executor joining, going, and the bus going and returning', async () => {
    const executor = await startNode('executor', nats.url, busTestConfig({ upstream: up.url, executorId: 'exec_r' }));
    await until(() => router.busState!.executors.live(Date.now()).length === 1, 5_000, 'the router hears of the executor');
    expect(await executeHealth()).toBe('SERVING');
    const models = await call<any>(client, 'listModels', {});
    expect(models.res!.models.every((m: any) => m.available)).toBe(true);
    const e = await call<any>(client, 'execute', ask);
    expect(e.err).toBeNull();
    expect(logged('executor joined').map((l) => JSON.parse(l).executor)).toEqual(['exec_r']);
    expect(logged('an executor is reachable again: Execute is SERVING')).toHaveLength(1);

    // NATS goes: the router keeps the executor it knew (last known state) and says so.
    await nats.stop();
    await until(() => logged('lost the bus (NATS): routing on the last known executors and health until it returns').length === 1, 5_000, 'the loss of NATS is logged');
    expect(await executeHealth()).toBe('SERVING');
    await nats.restart();
    await until(() => logged('bus (NATS) connection regained: asking executors for their state').length === 1, 10_000, 'the return of NATS is logged');

    // The executor dies: after its announce TTL it is lost, and Execute is NOT_SERVING again.
    await executor.halt();
    await until(() => logged('executor lost: not heard of within its announce TTL').length === 1, 5_000, 'the executor is lost');
    expect(await executeHealth()).toBe('NOT_SERVING');
    expect(logged('no executor is reachable: models are unavailable and Execute is NOT_SERVING')).toHaveLength(1);
  }, 30_000);
});
