/**
 * Decide over gRPC on loopback against a no-op grpc-js server with the same message shapes
 * (it answers every call with the DecideResponse the real server gave for the same request),
 * both under the same h2load load, each in its own process. Runs alternate, real then no-op,
 * so that each pair sees the same machine state; the ratio is taken within each pair.
 */
import type * as grpc from '@grpc/grpc-js';
import { decide, routerClient } from '../shared/grpc/router-client.js';
import type { DecideRequest } from '../generated/switchyard/v1/DecideRequest.js';
import { switchyardProto } from '../shared/grpc/proto.js';
import { startChild, type Child } from './bench-children.js';
import { GRPC_HEADERS, grpcFrame, h2loadRun, type LoadRun } from './h2load.js';
import { pairwise, summarizeRuns, type LoadSummary } from './load-summary.js';
import { quartiles, type Spread } from './stats.js';

export const DECIDE_PATH = '/switchyard.v1.RouterService/Decide';

export const BENCH_REQUEST: DecideRequest = {
  messages: [
    { role: 'ROLE_SYSTEM', content: [{ text: 'You are a careful mathematician.' }] },
    { role: 'ROLE_USER', content: [{ text: 'Prove that there are infinitely many primes, and explain each step for a first-year student.' }] },
  ],
  labels: { tenant: 'bench', userTier: 'pro' },
};

export interface LoadPlan {
  concurrency: number[];
  durationS: number;
  warmupS: number;
  repeats: number;
}

export interface DecideBenchRow {
  concurrency: number;
  decide: LoadSummary;
  noop: LoadSummary;
  /** Decide rps / no-op rps, within each side-by-side pair. */
  ratio: Spread;
}

export interface DecideBench {
  rows: DecideBenchRow[];
  /** The server's own time per decision (DecideResponse.decision_time_ns), µs, over sequential calls after the load. */
  serverDecisionUs: Spread;
  requestBytes: number;
  responseBytes: number;
  catalogModels: number;
}

export function decideMethod(): grpc.MethodDefinition<DecideRequest, unknown> {
  const { definition } = switchyardProto();
  return (definition['switchyard.v1.RouterService'] as grpc.ServiceDefinition).Decide!;
}

/** One Decide with a grpc-js client: checks that the server answers, and returns the answer's bytes. */
export async function decideOnce(address: string, request: DecideRequest = BENCH_REQUEST): Promise<{ bytes: Buffer; candidates: number }> {
  const client = routerClient(address);
  try {
    const response = await decide(client, request, 30_000);
    return { bytes: decideMethod().responseSerialize(response), candidates: response.candidates.length };
  } finally {
    client.close();
  }
}

/** The decision_time_ns the server reports, over `n` sequential calls from one grpc-js client. */
async function serverDecisionUs(address: string, n: number): Promise<Spread> {
  const client = routerClient(address);
  try {
    const times: number[] = [];
    for (let i = 0; i < n; i++) times.push((await decide(client, BENCH_REQUEST, 30_000)).decisionTimeNs / 1000);
    return quartiles(times);
  } finally {
    client.close();
  }
}

export function decideLoad(address: string, concurrency: number, plan: Pick<LoadPlan, 'durationS' | 'warmupS'>, request: DecideRequest = BENCH_REQUEST): Promise<LoadRun> {
  return h2loadRun({
    url: `http://${address}${DECIDE_PATH}`,
    body: grpcFrame(decideMethod().requestSerialize(request)),
    headers: GRPC_HEADERS,
    concurrency,
    durationS: plan.durationS,
    warmupS: plan.warmupS,
  });
}

export async function benchDecide(plan: LoadPlan, progress: (line: string) => void = () => {}): Promise<DecideBench> {
  const children: Child[] = [];
  try {
    const real = await startChild({ kind: 'switchyard', role: 'all' });
    children.push(real);
    const answer = await decideOnce(real.address);
    const noop = await startChild({ kind: 'noop', decideResponseBase64: answer.bytes.toString('base64') });
    children.push(noop);
    const echoed = await decideOnce(noop.address);
    if (!echoed.bytes.equals(answer.bytes)) throw new Error('the no-op server does not answer with the same DecideResponse');

    const rows: DecideBenchRow[] = [];
    for (const concurrency of plan.concurrency) {
      const d: LoadRun[] = [];
      const n: LoadRun[] = [];
      for (let i = 0; i < plan.repeats; i++) {
        progress(`decide: concurrency ${concurrency}, run ${i + 1}/${plan.repeats}`);
        d.push(await decideLoad(real.address, concurrency, plan));
        n.push(await decideLoad(noop.address, concurrency, plan));
      }
      rows.push({ concurrency, decide: summarizeRuns(d), noop: summarizeRuns(n), ratio: pairwise(d, n, (x, y) => x.rps / y.rps) });
    }
    return {
      rows,
      serverDecisionUs: await serverDecisionUs(real.address, 500),
      requestBytes: decideMethod().requestSerialize(BENCH_REQUEST).length,
      responseBytes: answer.bytes.length,
      catalogModels: answer.candidates,
    };
  } finally {
    for (const c of children) await c.stop();
  }
}
