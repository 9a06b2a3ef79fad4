/**
 * Execute's added latency: the same request to the same local upstream (fixed-delay-upstream.ts,
 * in its own process), sent directly, through Switchyard's Execute with the executor in-process
 * and with a remote executor, through Switchyard's HTTP front door (OpenAI Chat Completions, the
 * same in-process server), and through the Portkey AI gateway. Added latency is the
 * through-path's p50 (p99) minus the direct path's, taken within each round of runs made side by
 * side, so that both see the same machine state. Every path is first run untimed (4 calls in
 * flight for three warm-up periods, at least a second), so that the timed rounds see servers
 * whose code the JIT has compiled rather than servers just started.
 *
 * Clients: h2load for every path. The direct and Portkey paths are OpenAI Chat Completions JSON
 * over HTTP/1.1 keep-alive (`h2load --h1`, one connection per request in flight), with the body
 * Switchyard's executor sends upstream, and so is the front door's, with the model named;
 * Switchyard's Execute path is gRPC over HTTP/2 (h2load with a pre-encoded ExecuteRequest).
 */
import * as grpc from '@grpc/grpc-js';
import type { ExecuteRequest } from '../generated/switchyard/v1/ExecuteRequest.js';
import type { ExecuteResponse__Output } from '../generated/switchyard/v1/ExecuteResponse.js';
import { routerClient } from '../shared/grpc/router-client.js';
import { switchyardProto } from '../shared/grpc/proto.js';
import { BenchConfigs, UPSTREAM_MODEL } from './bench-config.js';
import { findPortkey, sampleRss, startChild, startPortkey, type Child } from './bench-children.js';
import { BENCH_REQUEST, type LoadPlan } from './decide-bench.js';
import { GRPC_HEADERS, grpcFrame, h2loadRun, type LoadRun } from './h2load.js';
import { pairwise, summarizeRuns, type LoadSummary } from './load-summary.js';
import { spread, type Spread } from './stats.js';
import { benchUpstreamClients, type UpstreamClientBench } from './upstream-client-bench.js';

export const EXECUTE_PATH = '/switchyard.v1.RouterService/Execute';
export const PATHS = ['direct', 'in-process', 'http', 'remote', 'portkey'] as const;
export type PathName = (typeof PATHS)[number];
export type ThroughPath = Exclude<PathName, 'direct'>;

export const EXECUTE_REQUEST: ExecuteRequest = { messages: BENCH_REQUEST.messages, maxOutputTokens: 64, labels: BENCH_REQUEST.labels };

export const CLIENTS =
  'h2load for every path: direct, the HTTP front door and Portkey as OpenAI JSON over HTTP/1.1 keep-alive (--h1, one connection per request in flight); ' +
  'Switchyard as gRPC over HTTP/2 (pre-encoded ExecuteRequest, up to 4 connections)';

export interface ExecutePlan extends LoadPlan {
  delaysMs: number[];
  /** Sequential calls per round when timing the upstream HTTP clients alone. */
  clientCalls: number;
}

export interface ExecuteRow {
  delayMs: number;
  concurrency: number;
  /** Raw figures of each path that ran. */
  paths: Partial<Record<PathName, LoadSummary>>;
  /** Through-path minus direct, within each round: p50 and p99, ms. */
  added: Partial<Record<ThroughPath, { p50Ms: Spread; p99Ms: Spread }>>;
  /** The HTTP front door's p50 minus gRPC Execute's (same server), within each round, ms. */
  httpOverGrpcP50Ms?: Spread;
  /**
   * CPU time of Switchyard's processes per Execute call, µs, over each run of the in-process and
   * remote paths (warm-up included): their CPU time over the calls the upstream answered. Less
   * sensitive than latency to other load on the machine.
   */
  cpuUsPerCall: { inProcess?: Spread; remoteRouter?: Spread; remoteExecutor?: Spread };
}

export interface ExecuteBench {
  rows: ExecuteRow[];
  clients: string;
  /** The Portkey gateway's version, or why it did not run. */
  portkey: { version: string } | { unavailable: string };
  requestBytes: { grpc: number; json: number };
  /** Largest resident memory of the in-process Switchyard during these runs. */
  loadRssMb: number | undefined;
  /** fetch against node:http on the zero-delay upstream: the client under the executor's call. */
  upstreamClients: UpstreamClientBench | undefined;
}

/** Calls in flight while a path warms up, and for how long: three warm-up periods of the plan's, at least a second. */
const WARM_CONCURRENCY = 4;
const warmS = (plan: LoadPlan) => Math.max(1, 3 * plan.warmupS);

function executeMethod(): grpc.MethodDefinition<ExecuteRequest, ExecuteResponse__Output> {
  const { definition } = switchyardProto();
  return (definition['switchyard.v1.RouterService'] as grpc.ServiceDefinition).Execute! as never;
}

async function executeOnce(address: string): Promise<ExecuteResponse__Output> {
  const client = routerClient(address);
  try {
    return await new Promise((resolve, reject) =>
      client.execute(EXECUTE_REQUEST, new grpc.Metadata(), { deadline: Date.now() + 30_000 }, (e, r) => (e ? reject(e) : resolve(r!))),
    );
  } finally {
    client.close();
  }
}

async function checkJsonPath(url: string, headers: string[], body: string, name: string): Promise<void> {
  const h = Object.fromEntries(headers.map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]));
  const res = await fetch(url, { method: 'POST', headers: h, body, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  if (!res.ok || !text.includes('"choices"')) throw new Error(`${name}: HTTP ${res.status}: ${text.slice(0, 300)}`);
}

interface Target {
  run(concurrency: number, plan: LoadPlan): Promise<LoadRun>;
}

async function served(upstream: Child): Promise<number> {
  const reply = await upstream.ask({ type: 'served' });
  return reply.type === 'served' ? reply.count : Number.NaN;
}

/** Runs `run` and returns, with its result, each process's CPU time per upstream call during it (µs). */
async function withCpuPerCall<T>(upstream: Child, processes: Child[], run: () => Promise<T>): Promise<{ result: T; cpuUs: (number | undefined)[] }> {
  if (processes.length === 0) return { result: await run(), cpuUs: [] };
  const calls0 = await served(upstream);
  const cpu0 = processes.map((p) => p.cpuUs());
  const result = await run();
  const cpu1 = processes.map((p) => p.cpuUs());
  const calls = (await served(upstream)) - calls0;
  return { result, cpuUs: cpu1.map((c, i) => (c === undefined || cpu0[i] === undefined || !(calls > 0) ? undefined : (c - cpu0[i]!) / calls)) };
}

function spreadOf(xs: (number | undefined)[]): Spread | undefined {
  const known = xs.filter((x): x is number => x !== undefined);
  return known.length > 0 ? spread(known) : undefined;
}

function grpcTarget(address: string): Target {
  const body = grpcFrame(executeMethod().requestSerialize(EXECUTE_REQUEST));
  return {
    run: (concurrency, plan) =>
      h2loadRun({ url: `http://${address}${EXECUTE_PATH}`, body, headers: GRPC_HEADERS, concurrency, durationS: plan.durationS, warmupS: plan.warmupS }),
  };
}

function jsonTarget(url: string, headers: string[], body: string): Target {
  return {
    run: (concurrency, plan) =>
      h2loadRun({ url, body: Buffer.from(body), headers, h1: true, concurrency, durationS: plan.durationS, warmupS: plan.warmupS }),
  };
}

export async function benchExecute(plan: ExecutePlan, progress: (line: string) => void = () => {}): Promise<ExecuteBench> {
  const configs = new BenchConfigs();
  const children: Child[] = [];
  const start = async (c: Promise<Child>) => {
    const child = await c;
    children.push(child);
    return child;
  };
  const install = findPortkey();
  let portkey: Child | undefined;
  let portkeyStatus: ExecuteBench['portkey'];
  if (typeof install === 'string') portkeyStatus = { unavailable: install };
  else {
    try {
      portkey = await start(startPortkey(install));
      portkeyStatus = { version: install.version };
    } catch (e) {
      portkeyStatus = { unavailable: (e as Error).message.split('\n')[0]! };
    }
  }
  const rows: ExecuteRow[] = [];
  const requestBytes = { grpc: executeMethod().requestSerialize(EXECUTE_REQUEST).length, json: 0 };
  let loadRssMb: number | undefined;
  let upstreamClients: UpstreamClientBench | undefined;
  try {
    for (const delayMs of plan.delaysMs) {
      progress(`execute: starting servers for a ${delayMs} ms upstream`);
      const upstream = await start(startChild({ kind: 'upstream', delayMs }));
      const configPath = configs.upstream(upstream.address, `${delayMs}ms`);
      const inProcess = await start(startChild({ kind: 'switchyard', role: 'all', configPath, http: true }));
      const executor = await start(startChild({ kind: 'switchyard', role: 'executor', configPath }));
      const router = await start(startChild({ kind: 'switchyard', role: 'router', configPath, executors: [executor.address] }));
      for (const [name, s] of [['in-process', inProcess], ['remote', router]] as const) {
        const r = await executeOnce(s.address);
        if (r.model !== UPSTREAM_MODEL || !r.message?.text) throw new Error(`Execute (${name}) did not answer from the upstream: ${JSON.stringify(r).slice(0, 300)}`);
      }
      // The body Switchyard's executor sent upstream is the one the other paths send.
      const reply = await upstream.ask({ type: 'last-body' });
      const body = reply.type === 'last-body' ? reply.body : '';
      requestBytes.json = Buffer.byteLength(body);
      const jsonHeaders = ['content-type: application/json'];
      const portkeyHeaders = [...jsonHeaders, 'x-portkey-provider: openai', `x-portkey-custom-host: ${upstream.address}`, 'authorization: Bearer sk-bench-unused'];
      const targets: Partial<Record<PathName, Target>> = {
        direct: jsonTarget(`${upstream.address}/chat/completions`, jsonHeaders, body),
        'in-process': grpcTarget(inProcess.address),
        remote: grpcTarget(router.address),
      };
      await checkJsonPath(`${upstream.address}/chat/completions`, jsonHeaders, body, 'direct');
      // The front door gets the same body with the catalog model named: it passes through to the upstream.
      const httpBody = JSON.stringify({ ...(JSON.parse(body) as object), model: UPSTREAM_MODEL });
      const httpUrl = `http://${inProcess.httpAddress}/v1/chat/completions`;
      await checkJsonPath(httpUrl, jsonHeaders, httpBody, 'HTTP front door');
      targets.http = jsonTarget(httpUrl, jsonHeaders, httpBody);
      if (portkey) {
        await checkJsonPath(`${portkey.address}/v1/chat/completions`, portkeyHeaders, body, 'Portkey');
        targets.portkey = jsonTarget(`${portkey.address}/v1/chat/completions`, portkeyHeaders, body);
      }
      // Every server on a path (Switchyard's, Portkey's, the upstream) runs its code for a while
      // before it is timed: a child timed straight after it starts measures its JIT compiler at
      // work, and the c=1 runs come first.
      progress(`execute: warming the ${delayMs} ms upstream's paths`);
      for (const name of PATHS) await targets[name]?.run(WARM_CONCURRENCY, { concurrency: [WARM_CONCURRENCY], durationS: warmS(plan), warmupS: 0, repeats: 1 });
      if (delayMs === Math.min(...plan.delaysMs)) {
        progress(`execute: fetch and node:http against the ${delayMs} ms upstream`);
        upstreamClients = await benchUpstreamClients(`${upstream.address}/chat/completions`, body, { calls: plan.clientCalls, rounds: plan.repeats });
      }

      for (const concurrency of plan.concurrency) {
        const runs: Partial<Record<PathName, LoadRun[]>> = {};
        const cpu = { inProcess: [] as (number | undefined)[], remoteRouter: [] as (number | undefined)[], remoteExecutor: [] as (number | undefined)[] };
        for (let i = 0; i < plan.repeats; i++) {
          progress(`execute: ${delayMs} ms upstream, concurrency ${concurrency}, round ${i + 1}/${plan.repeats}`);
          for (const name of PATHS) {
            const target = targets[name];
            if (!target) continue;
            const rss = name === 'in-process' ? sampleRss(inProcess) : undefined;
            const measured = name === 'in-process' ? [inProcess] : name === 'remote' ? [router, executor] : [];
            const { result: run, cpuUs } = await withCpuPerCall(upstream, measured, () => target.run(concurrency, plan));
            if (name === 'in-process') cpu.inProcess.push(cpuUs[0]);
            if (name === 'remote') {
              cpu.remoteRouter.push(cpuUs[0]);
              cpu.remoteExecutor.push(cpuUs[1]);
            }
            runs[name] = [...(runs[name] ?? []), run];
            const max = rss?.stop();
            if (max !== undefined) loadRssMb = Math.max(loadRssMb ?? 0, max);
          }
        }
        const cpuUsPerCall: ExecuteRow['cpuUsPerCall'] = {};
        for (const key of ['inProcess', 'remoteRouter', 'remoteExecutor'] as const) {
          const figure = spreadOf(cpu[key]);
          if (figure) cpuUsPerCall[key] = figure;
        }
        const row: ExecuteRow = { delayMs, concurrency, paths: {}, added: {}, cpuUsPerCall };
        for (const name of PATHS) if (runs[name]) row.paths[name] = summarizeRuns(runs[name]);
        for (const name of PATHS) {
          if (name === 'direct' || !runs[name]) continue;
          row.added[name] = {
            p50Ms: pairwise(runs[name], runs.direct!, (x, y) => x.p50Ms - y.p50Ms),
            p99Ms: pairwise(runs[name], runs.direct!, (x, y) => x.p99Ms - y.p99Ms),
          };
        }
        if (runs.http && runs['in-process']) row.httpOverGrpcP50Ms = pairwise(runs.http, runs['in-process'], (x, y) => x.p50Ms - y.p50Ms);
        rows.push(row);
      }
      for (const c of [router, executor, inProcess, upstream]) {
        await c.stop();
        children.splice(children.indexOf(c), 1);
      }
    }
  } finally {
    for (const c of children) await c.stop();
    configs.remove();
  }
  return { rows, clients: CLIENTS, portkey: portkeyStatus, requestBytes, loadRssMb, upstreamClients };
}
