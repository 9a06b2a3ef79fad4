/**
 * The benchmark results as Markdown: the machine, the targets, and one table per benchmark.
 * Built from the results object alone (what .bench/latest.json holds).
 */
import type { BenchResults, LoadFigure } from './bench-results.js';
import type { PathName, ThroughPath } from './execute-bench.js';
import { machineLine } from './machine.js';
import { sizeLabel } from './prompt-text.js';

type Range = [number, number];

function table(header: string[], align: ('l' | 'r')[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** "12.3 (11.9–12.8)": a median and its spread. */
function withRange(x: number, r: Range, digits: number, scale = 1): string {
  const f = (v: number) => (v * scale).toFixed(digits);
  return r[0] === r[1] ? f(x) : `${f(x)} (${f(r[0])}–${f(r[1])})`;
}

/** "77% (48–150%)". */
function percentRange(x: number, r: Range): string {
  const f = (v: number) => (v * 100).toFixed(0);
  return r[0] === r[1] ? `${f(x)}%` : `${f(x)}% (${f(r[0])}–${f(r[1])}%)`;
}

const mb = (x: number | null) => (x === null ? 'n/a' : x.toFixed(0));

function coreTable(r: BenchResults): string {
  const rows = [...Object.values(r.core).flatMap((c) => c.by_catalog), ...r.core_cjk.map((c) => ({ ...c, cjk: true }))].map((c) => [
    `${sizeLabel(c.prompt_bytes)}${'cjk' in c ? ' CJK' : ''}`,
    String(c.catalog),
    withRange(c.wasm_ns, c.wasm_range, 2, 1e-3),
    withRange(c.ts_ns, c.ts_range, 2, 1e-3),
    `${c.speedup.toFixed(1)}×`,
    (c.sample_ns / 1000).toFixed(2),
  ]);
  return table(['prompt', 'catalog', 'WASM µs', 'TS reference µs', 'TS / WASM', 'of which samplePrompt µs'], ['l', 'r', 'r', 'r', 'r', 'r'], rows);
}

function load(f: LoadFigure, digits = 0): string[] {
  return [withRange(f.rps, f.rps_range, digits), withRange(f.p50_ms, f.p50_range, 3), withRange(f.p99_ms, f.p99_range, 3)];
}

function decideTable(r: BenchResults): string {
  const rows = r.decide.by_concurrency.map((x) => [String(x.concurrency), ...load(x.decide), ...load(x.noop), percentRange(x.ratio, x.ratio_range)]);
  return table(
    ['concurrency', 'Decide rps', 'p50 ms', 'p99 ms', 'no-op rps', 'p50 ms', 'p99 ms', 'Decide / no-op'],
    ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows,
  );
}

const PATH_NAMES: Record<PathName, string> = { direct: 'direct', 'in-process': 'Switchyard, executor in-process', http: 'Switchyard HTTP front door, executor in-process', remote: 'Switchyard, executor remote', portkey: 'Portkey gateway' };

function executeTable(r: BenchResults): string {
  const rows: string[][] = [];
  for (const run of r.execute.runs) {
    for (const name of Object.keys(PATH_NAMES) as PathName[]) {
      const p = run.paths[name];
      if (!p) continue;
      const a = name === 'direct' ? undefined : run.added[name as ThroughPath];
      rows.push([
        `${run.upstream_delay_ms} ms`,
        String(run.concurrency),
        PATH_NAMES[name],
        ...load(p),
        a ? withRange(a.p50_ms, a.p50_range, 3) : '',
        a ? withRange(a.p99_ms, a.p99_range, 3) : '',
      ]);
    }
  }
  return table(['upstream', 'concurrency', 'path', 'rps', 'p50 ms', 'p99 ms', 'added p50 ms', 'added p99 ms'], ['r', 'r', 'l', 'r', 'r', 'r', 'r', 'r'], rows);
}

function memoryTable(r: BenchResults): string {
  const m = r.memory;
  const l = m.large_catalog;
  return table(
    ['server', 'catalog', 'idle RSS MB', 'under load RSS MB', 'load'],
    ['l', 'r', 'r', 'r', 'l'],
    [
      ['router + executor', `${m.catalog_models} models (built-in)`, mb(m.idle_mb), mb(m.load_mb), m.load],
      ['router + executor', `${l.catalog_models} models`, mb(l.idle_mb), mb(l.load_mb), `${m.load}: ${l.rps.toFixed(0)} rps, p50 ${l.p50_ms.toFixed(2)} ms, ${(l.response_bytes / 1024).toFixed(0)} KB per response`],
      ['router + executor', '1 model (Execute runs)', '', mb(m.execute_load_mb), 'Execute, up to concurrency 64'],
    ],
  );
}

function scaleTable(r: BenchResults): string {
  const cells = r.scale.cells;
  const catalogs = [...new Set(cells.map((c) => c.catalog))].sort((a, b) => a - b);
  const sizes = [...new Set(cells.map((c) => c.prompt_bytes))].sort((a, b) => a - b);
  const rows = sizes.map((s) => {
    const hash = r.scale.prefix_hash.find((h) => h.prompt_bytes === s);
    return [
      sizeLabel(s),
      ...catalogs.flatMap((c) => {
        const cell = cells.find((x) => x.prompt_bytes === s && x.catalog === c);
        return cell ? [withRange(cell.decide_us, cell.range_us, 1), cell.core_us.toFixed(1)] : ['', ''];
      }),
      hash ? withRange(hash.us, hash.range_us, 1) : '',
    ];
  });
  return table(
    ['prompt', ...catalogs.flatMap((c) => [`${c} models: Decider µs`, 'core µs']), 'prefix hashes µs'],
    ['l', ...catalogs.flatMap(() => ['r', 'r'] as const), 'r'],
    rows,
  );
}

/** Decide by catalog and explain_top_k: what explaining fewer candidates saves. */
function explainTable(r: BenchResults): string {
  return table(
    ['catalog', 'explain_top_k', 'Decider µs', 'response bytes'],
    ['r', 'l', 'r', 'r'],
    r.scale.explain.map((e) => [String(e.catalog), e.k === null ? 'unset (default)' : e.k >= e.catalog ? `${e.k} (all)` : String(e.k), withRange(e.decide_us, e.range_us, 1), String(e.response_bytes)]),
  );
}

/** What the scale table shows: the parts that grow with the prompt and with the catalog. */
function scaleReading(r: BenchResults): string {
  const cells = r.scale.cells;
  const maxBytes = Math.max(...cells.map((c) => c.prompt_bytes));
  const minBytes = Math.min(...cells.map((c) => c.prompt_bytes));
  const maxCatalog = Math.max(...cells.map((c) => c.catalog));
  const minCatalog = Math.min(...cells.map((c) => c.catalog));
  const big = cells.find((c) => c.prompt_bytes === maxBytes && c.catalog === minCatalog);
  const hash = r.scale.prefix_hash.find((h) => h.prompt_bytes === maxBytes);
  const wide = cells.find((c) => c.prompt_bytes === minBytes && c.catalog === maxCatalog);
  const narrow = cells.find((c) => c.prompt_bytes === minBytes && c.catalog === minCatalog);
  const parts: string[] = [];
  if (big && hash) {
    parts.push(
      `With the prompt, the Decider grows through the prompt-cache prefix hashes (SHA-256 over each block, or its ends and length when it is long): at ${sizeLabel(maxBytes)} the hashes alone take ${hash.us.toFixed(0)} µs and the whole Decider ${big.decide_us.toFixed(0)} µs, while the core, which samples long prompts, takes ${big.core_us.toFixed(1)} µs.`,
    );
  }
  if (wide && narrow) {
    parts.push(
      `With the catalog, it grows through the steps after the core, per model (estimates, hard filters, utility, ranking, the candidate list): ${wide.decide_us.toFixed(0)} µs for ${maxCatalog} models against ${narrow.decide_us.toFixed(1)} µs for ${minCatalog}, of which the core is ${wide.core_us.toFixed(1)} µs.`,
    );
  }
  return parts.join(' ');
}

/** A line naming runs that had non-2xx answers or streams without an answer; empty when none did. */
function failures(r: BenchResults): string {
  const bad: string[] = [];
  const check = (what: string, f: LoadFigure) => {
    if (f.non_2xx + f.errors > 0) bad.push(`${what}: ${f.non_2xx} non-2xx, ${f.errors} without a response`);
  };
  for (const x of r.decide.by_concurrency) {
    check(`Decide c=${x.concurrency}`, x.decide);
    check(`no-op c=${x.concurrency}`, x.noop);
  }
  for (const run of r.execute.runs) for (const [name, f] of Object.entries(run.paths)) check(`${name} ${run.upstream_delay_ms} ms c=${run.concurrency}`, f);
  return bad.length ? `Failed requests: ${bad.join('; ')}.` : 'Every request in every load run was answered with a 2xx status.';
}

function targetsTable(r: BenchResults): string {
  const status = (m: boolean | null) => (m === null ? 'not measured' : m ? 'met' : 'missed');
  const rows = r.targets.map((t) => [t.target, t.measured, status(t.met)]);
  const notes = r.targets.filter((t) => t.note).map((t) => `- ${t.target}: ${t.note}`);
  return [table(['target', 'measured', 'status'], ['l', 'l', 'l'], rows), ...(notes.length ? ['', ...notes] : [])].join('\n');
}

const us = (x: number | null): string => (x === null ? 'not measured' : `${x} µs`);

export function formatBenchReport(r: BenchResults): string {
  const e = r.execute;
  return [
    `Switchyard benchmarks, ${r.mode} run of ${r.started_at.slice(0, 16).replace('T', ' ')} UTC (${r.duration_s} s)`,
    `Machine: ${machineLine(r.machine)}.`,
    'Figures are medians; in parentheses, the range over the repeated runs (load tests) or the interquartile range of the timed batches (core, scale).',
    '',
    '### Targets',
    '',
    targetsTable(r),
    '',
    failures(r),
    '',
    '### 1. Scoring core: WASM against the TypeScript reference (one decision\'s features and scores)',
    '',
    coreTable(r),
    '',
    `### 2. Decide over gRPC against a no-op grpc-js server (h2load on loopback; built-in catalog of ${r.decide.catalog_models} models; ${r.decide.request_bytes} B request, ${r.decide.response_bytes} B response)`,
    '',
    decideTable(r),
    '',
    `The server's own decision time (decision_time_ns), over sequential calls after the load: ${withRange(r.decide.server_decision_us, r.decide.server_decision_range_us, 1)} µs (interquartile range)` +
      (r.decide.warm_loop_us !== null && r.decide.server_vs_warm_ratio !== null
        ? `; the Decider in a warm loop: ${r.decide.warm_loop_us.toFixed(1)} µs, so the server takes ${r.decide.server_vs_warm_ratio.toFixed(2)}x the warm loop (goal <= 1.3x).`
        : '.'),
    '',
    `### 3. Execute: latency added over calling the upstream directly (fixed-delay OpenAI-compatible upstream; Portkey ${'version' in e.portkey ? e.portkey.version : `not run: ${e.portkey.unavailable}`})`,
    '',
    `Clients: ${e.clients}. Added = path minus direct, within each round.`,
    '',
    executeTable(r),
    '',
    ...(e.cpu_us_per_call.in_process !== null || e.cpu_us_per_call.remote_router !== null
      ? [
          `CPU time of Switchyard's processes per Execute call (${e.upstream_delay_ms} ms upstream, c=${e.concurrency}; warm-up included): in-process ${us(e.cpu_us_per_call.in_process)}; remote, router ${us(e.cpu_us_per_call.remote_router)} + executor ${us(e.cpu_us_per_call.remote_executor)}.`,
          '',
        ]
      : []),
    ...(e.upstream_client
      ? [
          `The upstream call alone, one at a time from this process: Node's fetch (undici, as Portkey uses) ${e.upstream_client.fetch_p50_ms.toFixed(3)} ms p50 and ${e.upstream_client.fetch_cpu_us.toFixed(0)} µs of client CPU per call; node:http with a keep-alive agent (as the executor uses) ${e.upstream_client.node_http_p50_ms.toFixed(3)} ms and ${e.upstream_client.node_http_cpu_us.toFixed(0)} µs.`,
          '',
        ]
      : []),
    '### 4. Memory (resident set of the Switchyard process)',
    '',
    memoryTable(r),
    '',
    "### 5. Scale: the Decider's time per decision (in-process, no transport) by prompt size and catalog size, with two of its parts timed alone",
    '',
    scaleTable(r),
    '',
    scaleReading(r),
    '',
    explainTable(r),
  ].join('\n');
}
