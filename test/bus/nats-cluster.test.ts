/**
 * A three-node NATS cluster on loopback: routers attached to different nodes see each other's
 * updates, and when a node dies its clients move to another node and nothing is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../services/server/switchyard-server.js';
import { startNatsCluster, type NatsServer } from '../support/nats-server.js';
import { busTestConfig, startNode, startUpstream, until, type Upstream } from './support.js';

let nodes: NatsServer[] = [];
let up: Upstream;
let exec: RunningServer;
let routers: RunningServer[] = [];

beforeAll(async () => {
  nodes = await startNatsCluster(3);
  up = await startUpstream();
  exec = await startNode('executor', nodes[2]!.url, busTestConfig({ upstream: up.url, executorId: 'exec_cluster' }));
  routers = [await startNode('router', nodes[0]!.url, busTestConfig()), await startNode('router', nodes[1]!.url, busTestConfig())];
  for (const r of routers) await until(() => r.busState!.executors.live(Date.now()).length === 1, 3_000, 'discovery across the cluster');
});

afterAll(async () => {
  for (const s of [...routers, exec]) await s?.halt();
  await up?.close();
  for (const n of nodes) await n.stop();
});

const circuit = (r: RunningServer) => r.busState!.modelHealth('exec_cluster', 'cheap-x')?.circuit;

describe('bus - NATS cluster', () => {
  it('routers attached to different nodes see the same updates; a node dies and nothing is lost', async () => {
    const b = exec.executor!.runtimes[0]!.deployments[0]!.breaker;
    for (let i = 0; i < 3; i++) b.onFailure();
    for (const r of routers) await until(() => circuit(r) === 'CIRCUIT_STATE_OPEN', 1_000, 'open seen on both nodes');

    await nodes[0]!.stop(); // router 0's node
    await until(() => routers[0]!.bus.status === 'connected', 5_000, 'router 0 moves to another node');
    await until(() => b.state === 'half_open', 2_000, 'half-open');
    b.canPass();
    b.onSuccess();
    for (const r of routers) await until(() => circuit(r) === 'CIRCUIT_STATE_CLOSED', 2_000, 'closed seen after the node died');
    expect(routers[0]!.busState!.executors.live(Date.now())).toHaveLength(1);
    expect(routers[0]!.pool!.choose('cheap-x')).toBe('exec_cluster');
  });
});
