/**
 * Decide over gRPC on loopback against a no-op grpc-js server with the same message shapes
 * (it answers every call with a DecideResponse computed once in advance), both under the same
 * h2load load, alternating runs so that both see the same machine state. Reports medians.
 */
import * as grpc from '@grpc/grpc-js';
import { switchyardProto } from '../../services/shared/grpc/proto.js';
import { startServer } from '../../services/server/switchyard-server.js';
import { createLogger } from '../../services/shared/log.js';
import type { DecideRequest } from '../../services/generated/switchyard/v1/DecideRequest.js';
import { grpcFrame, h2loadRun, type LoadRun } from './grpc-load.js';

export interface DecideBenchRow {
  concurrency: number;
  decide: LoadRun;
  noop: LoadRun;
  /** decide rps / no-op rps. */
  ratio: number;
}

export const DECIDE_PATH = '/switchyard.v1.RouterService/Decide';

export const BENCH_REQUEST: DecideRequest = {
  messages: [
    { role: 'ROLE_SYSTEM', content: [{ text: 'You are a careful mathematician.' }] },
    { role: 'ROLE_USER', content: [{ text: 'Prove that there are infinitely many primes, and explain each step for a first-year student.' }] },
  ],
  labels: { tenant: 'bench', userTier: 'pro' },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function medianRun(runs: LoadRun[]): LoadRun {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    requests: median(runs.map((r) => r.requests)),
    failed: Math.max(...runs.map((r) => r.failed)),
  };
}

function decideMethod(): grpc.MethodDefinition<DecideRequest, unknown> {
  const { definition } = switchyardProto();
  return (definition['switchyard.v1.RouterService'] as grpc.ServiceDefinition).Decide!;
}

/** Serializes a request as the wire sees it. */
export function encodeDecideRequest(req: DecideRequest): Buffer {
  return decideMethod().requestSerialize(req);
}

export async function benchDecide(opts: { concurrency: number[]; durationS: number; repeats: number }): Promise<DecideBenchRow[]> {
  const log = createLogger('bench', { SWITCHYARD_LOG_LEVEL: 'error' }, () => {});
  const real = await startServer({ listen: '127.0.0.1:0', log, watchModel: false, env: {} });
  const method = decideMethod();
  const canned = real.decider!.decide(method.requestDeserialize(method.requestSerialize(BENCH_REQUEST)) as never).response;
  const { grpcObject } = switchyardProto();
  const noop = new grpc.Server();
  noop.addService(grpcObject.switchyard.v1.RouterService.service, {
    Decide: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, canned),
    Execute: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb({ code: grpc.status.UNIMPLEMENTED }),
    ExecuteStream: (c: grpc.ServerWritableStream<unknown, unknown>) => c.end(),
    ListModels: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { models: [] }),
  });
  const noopPort = await new Promise<number>((res, rej) => noop.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
  const body = grpcFrame(encodeDecideRequest(BENCH_REQUEST));
  const rows: DecideBenchRow[] = [];
  try {
    for (const concurrency of opts.concurrency) {
      const d: LoadRun[] = [];
      const n: LoadRun[] = [];
      for (let i = 0; i < opts.repeats; i++) {
        d.push(await h2loadRun({ address: real.address, path: DECIDE_PATH, body, concurrency, durationS: opts.durationS }));
        n.push(await h2loadRun({ address: `127.0.0.1:${noopPort}`, path: DECIDE_PATH, body, concurrency, durationS: opts.durationS }));
      }
      const decide = medianRun(d);
      const noopRun = medianRun(n);
      rows.push({ concurrency, decide, noop: noopRun, ratio: decide.rps / noopRun.rps });
    }
  } finally {
    noop.forceShutdown();
    await real.shutdown(100);
  }
  return rows;
}

export function formatDecideBench(rows: DecideBenchRow[]): string {
  const lines = ['concurrency  decide rps  p50 ms  p99 ms   no-op rps  p50 ms  p99 ms   ratio'];
  for (const r of rows) {
    lines.push(
      `${String(r.concurrency).padStart(11)}  ${r.decide.rps.toFixed(0).padStart(10)}  ${r.decide.p50Ms.toFixed(3).padStart(6)}  ${r.decide.p99Ms.toFixed(3).padStart(6)}` +
        `  ${r.noop.rps.toFixed(0).padStart(10)}  ${r.noop.p50Ms.toFixed(3).padStart(6)}  ${r.noop.p99Ms.toFixed(3).padStart(6)}   ${(r.ratio * 100).toFixed(1)}%` +
        (r.decide.failed + r.noop.failed > 0 ? `  (${r.decide.failed + r.noop.failed} non-200)` : ''),
    );
  }
  return lines.join('\n');
}
