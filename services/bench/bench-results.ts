/**
 * The results of a benchmark run as one JSON object (what `switchyard bench --json` prints and
 * .bench/latest.json holds), built from the figures each benchmark returns, with the targets
 * each is measured against. Times are medians; `*_range` is [lo, hi]: the range over the
 * repeated runs for load tests, the interquartile range of the timed batches for core and scale.
 */
import type { BenchRow } from './core-bench.js';
import type { DecideBench } from './decide-bench.js';
import type { ExecuteBench, ExecuteRow, PathName, ThroughPath } from './execute-bench.js';
import type { LoadSummary } from './load-summary.js';
import type { Machine } from './machine.js';
import type { MemoryFigure } from './memory-bench.js';
import { sizeLabel } from './prompt-text.js';
import type { ScaleBench } from './scale-bench.js';
import type { Spread } from './stats.js';

type Range = [number, number];

export interface CoreFigure {
  prompt_bytes: number;
  catalog: number;
  wasm_ns: number;
  ts_ns: number;
  /** ts_ns / wasm_ns. */
  speedup: number;
  /** samplePrompt alone (UTF-8 encoding of the sampled windows), which both cores pay. */
  sample_ns: number;
  wasm_range: Range;
  ts_range: Range;
}

export interface LoadFigure {
  rps: number;
  rps_range: Range;
  p50_ms: number;
  p50_range: Range;
  p99_ms: number;
  p99_range: Range;
  runs: number;
  responses: number;
  non_2xx: number;
  /** Streams that closed without a response. */
  errors: number;
}

export interface Target {
  id: string;
  target: string;
  measured: string;
  /** null when it could not be measured. */
  met: boolean | null;
  /** Where it falls short, what limits it; or why it was not measured. */
  note?: string;
}

export interface BenchResults {
  schema: 'switchyard.bench.v1';
  mode: 'full' | 'quick';
  started_at: string;
  duration_s: number;
  machine: Machine;
  /** Per prompt size (label such as "1 MB"): the largest catalog's figure, and every catalog's. */
  core: Record<string, CoreFigure & { by_catalog: CoreFigure[] }>;
  core_cjk: CoreFigure[];
  decide: {
    concurrency: number;
    rps: number;
    noop_rps: number;
    ratio: number;
    ratio_range: Range;
    p50_ms: number;
    p99_ms: number;
    noop_p50_ms: number;
    noop_p99_ms: number;
    catalog_models: number;
    request_bytes: number;
    response_bytes: number;
    /** The server's own decision time (decision_time_ns) over sequential calls, µs. */
    server_decision_us: number;
    server_decision_range_us: Range;
    /** The Decider in a warm loop in one process (the scale cell nearest the request: 200 B, the built-in catalog), µs. */
    warm_loop_us: number | null;
    /** server_decision_us / warm_loop_us (goal <= 1.3). */
    server_vs_warm_ratio: number | null;
    /** The Decider in a warm loop on this benchmark's own request and the built-in configuration, µs. */
    warm_loop_same_request_us?: number;
    /** server_decision_us / warm_loop_same_request_us: the same decision in the server and in a warm loop. */
    server_vs_warm_same_request_ratio?: number;
    by_concurrency: { concurrency: number; decide: LoadFigure; noop: LoadFigure; ratio: number; ratio_range: Range }[];
  };
  execute: {
    /** The headline: in-process executor, zero-delay upstream, one request at a time. */
    upstream_delay_ms: number;
    concurrency: number;
    added_p50_ms: number;
    added_p99_ms: number;
    remote_added_p50_ms: number;
    /** The HTTP front door (OpenAI JSON) on the same in-process server. */
    http_added_p50_ms: number | null;
    /** The front door's p50 minus gRPC Execute's, within each round. */
    http_over_grpc_p50_ms: number | null;
    http_over_grpc_p50_range: Range | null;
    portkey_added_p50_ms: number | null;
    portkey_added_p99_ms: number | null;
    /** Switchyard's added p50 / Portkey's. */
    ratio_to_portkey: number | null;
    portkey: { version: string } | { unavailable: string };
    clients: string;
    request_bytes: { grpc: number; json: number };
    /** CPU of Switchyard's processes per Execute call at the headline's upstream and concurrency, µs (median over rounds). */
    cpu_us_per_call: CpuPerCall;
    /** The HTTP client under the executor's upstream call (fetch) against node:http, one call at a time. */
    upstream_client: { fetch_p50_ms: number; fetch_cpu_us: number; node_http_p50_ms: number; node_http_cpu_us: number; calls: number } | null;
    runs: {
      upstream_delay_ms: number;
      concurrency: number;
      paths: Partial<Record<PathName, LoadFigure>>;
      added: Partial<Record<ThroughPath, { p50_ms: number; p50_range: Range; p99_ms: number; p99_range: Range }>>;
      http_over_grpc_p50_ms?: number;
      http_over_grpc_p50_range?: Range;
      cpu_us_per_call?: CpuPerCall;
    }[];
  };
  memory: {
    idle_mb: number | null;
    load_mb: number | null;
    catalog_models: number;
    load: string;
    large_catalog: { catalog_models: number; idle_mb: number | null; load_mb: number | null; rps: number; p50_ms: number; response_bytes: number };
    execute_load_mb: number | null;
  };
  scale: {
    cells: { prompt_bytes: number; catalog: number; decide_us: number; range_us: Range; core_us: number }[];
    /** Decide on each catalog with explain_top_k unset (k: null), small and larger than the catalog: time and response size. */
    explain: { catalog: number; k: number | null; decide_us: number; range_us: Range; response_bytes: number }[];
    /** Hashing the prompt's cache prefixes, a part of every decision, by prompt size. */
    prefix_hash: { prompt_bytes: number; us: number; range_us: Range }[];
  };
  targets: Target[];
}

const range = (s: Spread, scale = 1): Range => [s.lo * scale, s.hi * scale];

function coreFigure(r: BenchRow): CoreFigure {
  return {
    prompt_bytes: r.units,
    catalog: r.catalog,
    wasm_ns: r.wasm.median,
    ts_ns: r.reference.median,
    speedup: r.reference.median / r.wasm.median,
    sample_ns: r.sample.median,
    wasm_range: range(r.wasm),
    ts_range: range(r.reference),
  };
}

function loadFigure(s: LoadSummary): LoadFigure {
  return {
    rps: s.rps.median,
    rps_range: range(s.rps),
    p50_ms: s.p50Ms.median,
    p50_range: range(s.p50Ms),
    p99_ms: s.p99Ms.median,
    p99_range: range(s.p99Ms),
    runs: s.rps.n,
    responses: s.requests,
    non_2xx: s.failed,
    errors: s.errors,
  };
}

export interface RawResults {
  mode: 'full' | 'quick';
  startedAt: Date;
  durationS: number;
  machine: Machine;
  core: BenchRow[];
  coreCjk: BenchRow[];
  decide: DecideBench;
  execute: ExecuteBench;
  memory: { builtIn: MemoryFigure; large: MemoryFigure };
  scale: ScaleBench;
}

/** The in-process server; the router and the executor of the remote path. null: not measured. */
export interface CpuPerCall {
  in_process: number | null;
  remote_router: number | null;
  remote_executor: number | null;
}

function cpuPerCall(c: ExecuteRow['cpuUsPerCall']): CpuPerCall {
  const us = (s: Spread | undefined) => (s ? Math.round(s.median) : null);
  return { in_process: us(c.inProcess), remote_router: us(c.remoteRouter), remote_executor: us(c.remoteExecutor) };
}

function executeRun(row: ExecuteRow): BenchResults['execute']['runs'][number] {
  const paths: Partial<Record<PathName, LoadFigure>> = {};
  for (const [name, s] of Object.entries(row.paths) as [PathName, LoadSummary][]) paths[name] = loadFigure(s);
  const added: BenchResults['execute']['runs'][number]['added'] = {};
  for (const [name, a] of Object.entries(row.added) as [ThroughPath, { p50Ms: Spread; p99Ms: Spread }][]) {
    added[name] = { p50_ms: a.p50Ms.median, p50_range: range(a.p50Ms), p99_ms: a.p99Ms.median, p99_range: range(a.p99Ms) };
  }
  const http = row.httpOverGrpcP50Ms ? { http_over_grpc_p50_ms: row.httpOverGrpcP50Ms.median, http_over_grpc_p50_range: range(row.httpOverGrpcP50Ms) } : {};
  return { upstream_delay_ms: row.delayMs, concurrency: row.concurrency, paths, added, ...http, cpu_us_per_call: cpuPerCall(row.cpuUsPerCall) };
}

export function buildResults(raw: RawResults): BenchResults {
  const core: BenchResults['core'] = {};
  for (const units of [...new Set(raw.core.map((r) => r.units))]) {
    const rows = raw.core.filter((r) => r.units === units).map(coreFigure);
    const largest = rows.reduce((a, b) => (b.catalog > a.catalog ? b : a));
    core[sizeLabel(units)] = { ...largest, by_catalog: rows };
  }
  const byConcurrency = raw.decide.rows.map((r) => ({
    concurrency: r.concurrency,
    decide: loadFigure(r.decide),
    noop: loadFigure(r.noop),
    ratio: r.ratio.median,
    ratio_range: range(r.ratio),
  }));
  const top = byConcurrency.reduce((a, b) => (b.concurrency > a.concurrency ? b : a));
  const runs = raw.execute.rows.map(executeRun);
  const headline = runs.find((r) => r.upstream_delay_ms === Math.min(...runs.map((x) => x.upstream_delay_ms)) && r.concurrency === Math.min(...runs.map((x) => x.concurrency)))!;
  const portkeyAdded = headline.added.portkey;
  const { builtIn, large } = raw.memory;
  const warm = raw.scale.cells
    .filter((c) => c.units === Math.min(...raw.scale.cells.map((x) => x.units)))
    .reduce<ScaleBench['cells'][number] | undefined>((a, c) => (!a || Math.abs(c.catalog - raw.decide.catalogModels) < Math.abs(a.catalog - raw.decide.catalogModels) ? c : a), undefined);
  const warmUs = warm ? warm.decide.median / 1000 : null;
  const results: BenchResults = {
    schema: 'switchyard.bench.v1',
    mode: raw.mode,
    started_at: raw.startedAt.toISOString(),
    duration_s: Math.round(raw.durationS),
    machine: raw.machine,
    core,
    core_cjk: raw.coreCjk.map(coreFigure),
    decide: {
      concurrency: top.concurrency,
      rps: top.decide.rps,
      noop_rps: top.noop.rps,
      ratio: top.ratio,
      ratio_range: top.ratio_range,
      p50_ms: top.decide.p50_ms,
      p99_ms: top.decide.p99_ms,
      noop_p50_ms: top.noop.p50_ms,
      noop_p99_ms: top.noop.p99_ms,
      catalog_models: raw.decide.catalogModels,
      request_bytes: raw.decide.requestBytes,
      response_bytes: raw.decide.responseBytes,
      server_decision_us: raw.decide.serverDecisionUs.median,
      server_decision_range_us: range(raw.decide.serverDecisionUs),
      warm_loop_us: warmUs,
      server_vs_warm_ratio: warmUs ? raw.decide.serverDecisionUs.median / warmUs : null,
      warm_loop_same_request_us: raw.scale.benchRequest.decide.median / 1000,
      server_vs_warm_same_request_ratio: raw.decide.serverDecisionUs.median / (raw.scale.benchRequest.decide.median / 1000),
      by_concurrency: byConcurrency,
    },
    execute: {
      upstream_delay_ms: headline.upstream_delay_ms,
      concurrency: headline.concurrency,
      added_p50_ms: headline.added['in-process']!.p50_ms,
      added_p99_ms: headline.added['in-process']!.p99_ms,
      remote_added_p50_ms: headline.added.remote!.p50_ms,
      http_added_p50_ms: headline.added.http?.p50_ms ?? null,
      http_over_grpc_p50_ms: headline.http_over_grpc_p50_ms ?? null,
      http_over_grpc_p50_range: headline.http_over_grpc_p50_range ?? null,
      portkey_added_p50_ms: portkeyAdded?.p50_ms ?? null,
      portkey_added_p99_ms: portkeyAdded?.p99_ms ?? null,
      ratio_to_portkey: portkeyAdded ? headline.added['in-process']!.p50_ms / portkeyAdded.p50_ms : null,
      portkey: raw.execute.portkey,
      clients: raw.execute.clients,
      request_bytes: raw.execute.requestBytes,
      cpu_us_per_call: headline.cpu_us_per_call ?? { in_process: null, remote_router: null, remote_executor: null },
      upstream_client: raw.execute.upstreamClients
        ? {
            fetch_p50_ms: raw.execute.upstreamClients.fetch.p50Ms.median,
            fetch_cpu_us: raw.execute.upstreamClients.fetch.cpuUs.median,
            node_http_p50_ms: raw.execute.upstreamClients.nodeHttp.p50Ms.median,
            node_http_cpu_us: raw.execute.upstreamClients.nodeHttp.cpuUs.median,
            calls: raw.execute.upstreamClients.callsPerRound,
          }
        : null,
      runs,
    },
    memory: {
      idle_mb: builtIn.idleMb ?? null,
      load_mb: builtIn.loadMb ?? null,
      catalog_models: builtIn.catalogModels,
      load: `Decide at concurrency ${builtIn.load.concurrency}`,
      large_catalog: {
        catalog_models: large.catalogModels,
        idle_mb: large.idleMb ?? null,
        load_mb: large.loadMb ?? null,
        rps: large.load.rps,
        p50_ms: large.load.p50Ms,
        response_bytes: large.responseBytes,
      },
      execute_load_mb: raw.execute.loadRssMb ?? null,
    },
    scale: {
      cells: raw.scale.cells.map((c) => ({ prompt_bytes: c.units, catalog: c.catalog, decide_us: c.decide.median / 1000, range_us: range(c.decide, 1e-3), core_us: c.core.median / 1000 })),
      explain: raw.scale.explain.map((e) => ({ catalog: e.catalog, k: e.k, decide_us: e.decide.median / 1000, range_us: range(e.decide, 1e-3), response_bytes: e.responseBytes })),
      prefix_hash: raw.scale.prefixHash.map((h) => ({ prompt_bytes: h.units, us: h.ns.median / 1000, range_us: range(h.ns, 1e-3) })),
    },
    targets: [],
  };
  return results;
}
