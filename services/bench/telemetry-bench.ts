/**
 * What metrics and request logs cost Decide: the same h2load load on three servers, each in
 * its own process, run in turn within each round so every round sees the same machine state:
 *   off      no metrics, logs at error (no request lines),
 *   metrics  the Prometheus endpoint on (every decision counted), logs at error,
 *   logs     metrics on and a request-log line per call (info, to a pipe).
 * Ratios are taken within each round against `off`.
 */
import { trace } from '@opentelemetry/api';
import { RpcTelemetry } from '../router/rpc-telemetry.js';
import { startServer, type RunningServer } from '../server/switchyard-server.js';
import { createLogger } from '../shared/log.js';
import { startChild, type Child } from './bench-children.js';
import { BENCH_REQUEST, decideLoad, decideOnce, decideMethod, type LoadPlan } from './decide-bench.js';
import { quartiles } from './stats.js';
import type { LoadRun } from './h2load.js';
import { pairwise, summarizeRuns, type LoadSummary } from './load-summary.js';
import type { Spread } from './stats.js';

export interface TelemetryBenchRow {
  variant: 'off' | 'metrics' | 'logs';
  load: LoadSummary;
  /** rps / rps of `off`, within each round. */
  ratio: Spread;
}

export interface InProcessRow {
  variant: 'off' | 'metrics' | 'logs';
  /** CPU ns per Decide (the Decider, plus the request-log line for `logs`), median and quartiles over batches. */
  ns: Spread;
  /** Median ns of `off` / median ns of this variant. */
  ratio: number;
}

export interface TelemetryBench {
  concurrency: number;
  rows: TelemetryBenchRow[];
  inProcess: InProcessRow[];
}

export const TELEMETRY_PLAN: Omit<LoadPlan, 'concurrency'> & { concurrency: number } = { concurrency: 16, durationS: 3, warmupS: 1, repeats: 4 };

/** CPU time (user + system) of `n` calls, ns per call: unlike wall time, it does not count time spent waiting for a core. */
function cpuNsPerCall(fn: () => void, n: number): number {
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const t = process.cpuUsage(t0);
  return ((t.user + t.system) * 1000) / n;
}

/**
 * The Decider alone in this process, with the no-op recorder and with the OpenTelemetry one
 * (and, for `logs`, the request-log line rendered to a sink): CPU time per call, in batches
 * interleaved round by round, so a machine shared with other work skews no variant.
 */
export async function benchDecideInProcess(rounds = 20, progress: (line: string) => void = () => {}): Promise<InProcessRow[]> {
  progress('telemetry: the Decider in process');
  const quiet = createLogger('switchyard', { SWITCHYARD_LOG_LEVEL: 'error' });
  const servers: RunningServer[] = [];
  try {
    const off = await startServer({ listen: '127.0.0.1:0', watchModel: false, env: {}, log: quiet });
    servers.push(off);
    const on = await startServer({ listen: '127.0.0.1:0', watchModel: false, env: {}, log: quiet, metricsListen: '127.0.0.1:0' });
    servers.push(on);
    const request = decideMethod().requestDeserialize(decideMethod().requestSerialize(BENCH_REQUEST)) as never;
    const telemetry = new RpcTelemetry({ metrics: on.metrics, log: createLogger('switchyard', { SWITCHYARD_LOG_LEVEL: 'info' }, () => {}), catalog: on.catalog, config: on.loaded.config });
    const span = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 });
    let sink = 0;
    const calls = {
      off: () => {
        sink += off.decider!.decide(request).response.candidates.length;
      },
      metrics: () => {
        sink += on.decider!.decide(request).response.candidates.length;
      },
      logs: () => {
        const started = telemetry.now();
        const d = on.decider!.decide(request);
        telemetry.decided(d, started, span);
        sink += d.response.candidates.length;
      },
    };
    const variants = ['off', 'metrics', 'logs'] as const;
    // Warm-up, then a batch size of about 50 ms of CPU.
    const per = Math.max(...variants.map((v) => cpuNsPerCall(calls[v], 2000)));
    const n = Math.max(100, Math.round(50e6 / per));
    const samples: Record<(typeof variants)[number], number[]> = { off: [], metrics: [], logs: [] };
    for (let r = 0; r < rounds; r++) for (const v of variants) samples[v].push(cpuNsPerCall(calls[v], n));
    if (sink === -1) progress(String(sink));
    const base = quartiles(samples.off).median;
    return variants.map((variant) => {
      const ns = quartiles(samples[variant]);
      return { variant, ns, ratio: base / ns.median };
    });
  } finally {
    for (const s of servers) await s.shutdown(0);
  }
}

export async function benchTelemetry(plan = TELEMETRY_PLAN, progress: (line: string) => void = () => {}): Promise<TelemetryBench> {
  const inProcess = await benchDecideInProcess(20, progress);
  const children: Child[] = [];
  try {
    const start = async (spec: { metricsListen?: string; logLevel?: 'info' | 'error' }) => {
      const c = await startChild({ kind: 'switchyard', role: 'all', ...spec });
      children.push(c);
      await decideOnce(c.address);
      return c;
    };
    const servers = {
      off: await start({}),
      metrics: await start({ metricsListen: '127.0.0.1:0' }),
      logs: await start({ metricsListen: '127.0.0.1:0', logLevel: 'info' }),
    };
    const runs: Record<keyof typeof servers, LoadRun[]> = { off: [], metrics: [], logs: [] };
    for (let i = 0; i < plan.repeats; i++) {
      for (const variant of ['off', 'metrics', 'logs'] as const) {
        progress(`telemetry: ${variant}, round ${i + 1}/${plan.repeats}`);
        runs[variant].push(await decideLoad(servers[variant].address, plan.concurrency, plan));
      }
    }
    return {
      concurrency: plan.concurrency,
      inProcess,
      rows: (['off', 'metrics', 'logs'] as const).map((variant) => ({
        variant,
        load: summarizeRuns(runs[variant]),
        ratio: pairwise(runs[variant], runs.off, (x, y) => x.rps / y.rps),
      })),
    };
  } finally {
    for (const c of children) await c.stop();
  }
}

export function formatTelemetryBench(b: TelemetryBench): string {
  const f = (x: number, d = 0) => x.toFixed(d);
  const lines = [
    `Decide throughput with telemetry off and on (h2load, concurrency ${b.concurrency}; median [min–max] over rounds)`,
    '',
    '| variant | Decide/s | p50 ms | p99 ms | ratio to off |',
    '|---|---|---|---|---|',
  ];
  for (const r of b.rows) {
    lines.push(
      `| ${r.variant} | ${f(r.load.rps.median)} [${f(r.load.rps.lo)}–${f(r.load.rps.hi)}] | ${f(r.load.p50Ms.median, 2)} | ${f(r.load.p99Ms.median, 2)} | ${f(r.ratio.median, 3)} [${f(r.ratio.lo, 3)}–${f(r.ratio.hi, 3)}] |`,
    );
  }
  lines.push('', 'The Decider in one process (CPU ns per Decide, median [quartiles] over interleaved batches)', '', '| variant | ns per Decide | Decide/s | ratio to off |', '|---|---|---|---|');
  for (const r of b.inProcess) lines.push(`| ${r.variant} | ${f(r.ns.median)} [${f(r.ns.lo)}–${f(r.ns.hi)}] | ${f(1e9 / r.ns.median)} | ${f(r.ratio, 3)} |`);
  return lines.join('\n');
}
