/**
 * The soak benchmark: Switchyard (router and executor in one, in its own process) under a
 * fixed request rate for a long time, with a share of upstream calls failing (503) at random.
 * The load is mixed: Execute, ExecuteStream and Decide, each request with its own prompt and
 * session label. Every request is accounted for: answered, or failed with a status. A request
 * that got neither by the end is lost. Every window it prints the rate reached, the p50 and p99
 * latency and the server's memory (RSS, and the V8 heap beside it, which tells growth of live
 * objects from memory the allocator keeps). It measures and prints; it passes or fails nothing.
 *
 *   node dist/services/bench/soak-bench.js [--minutes 10] [--rate 50] [--failure-rate 0.05] [--window-s 10] [--max-in-flight N]
 *     [--gc] [--snapshot-dir DIR [--snapshot-at-s 60,300]] [--json]
 *
 * --max-in-flight sets the server's server.max_in_flight (default: the config's default); a very
 * large value shows the server without a bound, as a baseline.
 *
 * Each window's memory is the server's resident set with its parts: V8's heap (used, and per
 * space committed against used), external memory and array buffers, and the kernel's split into
 * anonymous and file-backed pages. At the end it prints the slope of the resident set over the
 * first and the second half of the run (MB/min) and the load average at start and end. --gc
 * forces a full collection in the server after each sample and reports the live heap after it
 * (heapAfterGcMb, and its slopes); --snapshot-dir writes heap snapshots of the server at the
 * given seconds of the run, to be compared by constructor (heap-snapshot-diff.js).
 */
import * as grpc from '@grpc/grpc-js';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { routerClient } from '../shared/grpc/router-client.js';
import { startChild } from './bench-children.js';
import { KINDS, send, soakConfig, type Kind } from './soak-load.js';
import { halfSlopes, sampleMemory, type MemorySample } from './soak-memory.js';
import { quantile } from './stats.js';

interface Outcome {
  kind: Kind;
  startedMs: number;
  endedMs: number;
  ms: number;
  code: number;
  details?: string;
}

function countBy(names: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) out[n] = (out[n] ?? 0) + 1;
  return out;
}

/**
 * Statuses grpc-js makes up on the client side (its own deadline timer, a stream reset, a
 * connection closed under the call) rather than receives from the server's handler. An INTERNAL
 * "Received RST_STREAM with code 2 ... Session closed with error code 2" is one: the connection
 * was closed by the server's HTTP/2 layer (a GOAWAY), not answered by a handler.
 */
const CLIENT_LIBRARY_DETAILS = /^(Received RST_STREAM|Stream refused by server|Connection dropped|Call cancelled|Deadline exceeded after|No connection established|Failed to (start|parse)|Received message larger|stream ended without a done event)/;

function byOrigin(outcomes: Outcome[]): { server: Record<string, number>; client_library: Record<string, number> } {
  const failed = outcomes.filter((x) => x.code !== grpc.status.OK);
  const name = (x: Outcome) => grpc.status[x.code] ?? String(x.code);
  const fromClient = (x: Outcome) => CLIENT_LIBRARY_DETAILS.test(x.details ?? '');
  return { server: countBy(failed.filter((x) => !fromClient(x)).map(name)), client_library: countBy(failed.filter(fromClient).map(name)) };
}

const MAX_DETAILS = 20;
const MAX_DETAIL_CHARS = 200;

/**
 * Each error status with its distinct detail messages and how often each came, so the source of
 * an error can be read from the report (the most frequent first, capped in number and length).
 */
function errorDetails(outcomes: Outcome[]): Record<string, Record<string, number>> {
  const counts = new Map<string, Map<string, number>>();
  for (const x of outcomes) {
    if (x.code === grpc.status.OK) continue;
    const name = grpc.status[x.code] ?? String(x.code);
    const text = (x.details ?? '').slice(0, MAX_DETAIL_CHARS);
    const byText = counts.get(name) ?? new Map<string, number>();
    byText.set(text, (byText.get(text) ?? 0) + 1);
    counts.set(name, byText);
  }
  const out: Record<string, Record<string, number>> = {};
  for (const [name, byText] of counts) {
    const top = [...byText].sort((a, b) => b[1] - a[1]).slice(0, MAX_DETAILS);
    out[name] = Object.fromEntries(top);
    if (byText.size > MAX_DETAILS) out[name]![`(${byText.size - MAX_DETAILS} more distinct messages)`] = 0;
  }
  return out;
}

export interface SoakOptions {
  minutes: number;
  rate: number;
  failureRate: number;
  windowS: number;
  maxInFlight?: number;
  /** Force a full collection in the server after each window's sample (reported as heapAfterGcMb). */
  gc?: boolean;
  /** Write a heap snapshot of the server into this directory at each of these seconds of the run. */
  snapshots?: { dir: string; atS: number[] };
  print: (line: string) => void;
}

const load = () => loadavg().map((x) => Math.round(x * 100) / 100);

export async function runSoak(o: SoakOptions) {
  const loadAtStart = load();
  const upstream = await startChild({ kind: 'upstream', delayMs: 20, failureRate: o.failureRate });
  const server = await startChild({ kind: 'switchyard', role: 'all', configPath: soakConfig(upstream.address, o.maxInFlight) }, o.gc || o.snapshots ? ['--expose-gc'] : []);
  const memory = () => sampleMemory(server, o.gc ?? false);
  const snapshotsDue = [...(o.snapshots?.atS ?? [])].sort((a, b) => a - b);
  const snapshotPaths: string[] = [];
  const client = routerClient(server.address);
  const outcomes: Outcome[] = [];
  const windows: ({ t_s: number } & MemorySample & Record<string, unknown>)[] = [];
  let sent = 0;
  let pending = 0;
  const started = Date.now();
  const endAt = started + o.minutes * 60_000;
  const memory0 = await memory();
  o.print(`soak: ${o.rate}/s for ${o.minutes} min, ${Math.round(o.failureRate * 100)}% upstream failures; idle memory ${JSON.stringify(memory0)}`);
  const report = async () => {
    const now = Date.now();
    const recent = outcomes.filter((x) => x.endedMs >= now - o.windowS * 1000);
    const ms = recent.map((x) => x.ms).sort((a, b) => a - b);
    const w = {
      t_s: Math.round((now - started) / 1000),
      done_per_s: Math.round((recent.length / o.windowS) * 10) / 10,
      p50_ms: ms.length ? Math.round(quantile(ms, 0.5)) : null,
      p99_ms: ms.length ? Math.round(quantile(ms, 0.99)) : null,
      errors: recent.filter((x) => x.code !== grpc.status.OK).length,
      error_statuses: countBy(recent.filter((x) => x.code !== grpc.status.OK).map((x) => grpc.status[x.code] ?? String(x.code))),
      in_flight: pending,
      ...(await memory()),
    };
    windows.push(w);
    o.print(JSON.stringify(w));
    if (o.snapshots && snapshotsDue.length && w.t_s >= snapshotsDue[0]!) {
      snapshotsDue.shift();
      const reply = await server.ask({ type: 'heap-snapshot', path: join(o.snapshots.dir, `soak-${w.t_s}s.heapsnapshot`) });
      if (reply.type === 'heap-snapshot') snapshotPaths.push(reply.path);
      o.print(`heap snapshot at ${w.t_s} s: ${reply.type === 'heap-snapshot' ? reply.path : '?'}`);
    }
  };
  const timer = setInterval(() => void report(), o.windowS * 1000);
  // Open loop: requests leave on schedule whether or not earlier ones have answered.
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = Date.now();
      if (now >= endAt) return resolve();
      const due = Math.floor(((now - started) / 1000) * o.rate);
      while (sent < due) {
        const i = sent++;
        const kind = KINDS[i % KINDS.length]!;
        const t0 = Date.now();
        pending++;
        void send(client, kind, i).then(({ code, details }) => {
          pending--;
          outcomes.push({ kind, startedMs: t0, endedMs: Date.now(), ms: Date.now() - t0, code, details });
        });
      }
      setTimeout(tick, 5);
    };
    tick();
  });
  const drainUntil = Date.now() + 35_000;
  while (pending > 0 && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
  clearInterval(timer);
  await report();
  await new Promise((r) => setTimeout(r, 5_000));
  const idleAfter = await memory();
  const all = outcomes.map((x) => x.ms).sort((a, b) => a - b);
  const byCode: Record<string, number> = {};
  for (const x of outcomes) byCode[grpc.status[x.code]!] = (byCode[grpc.status[x.code]!] ?? 0) + 1;
  const details = errorDetails(outcomes);
  const summary = {
    sent,
    answered: outcomes.length,
    lost: sent - outcomes.length,
    by_status: byCode,
    errors_by_origin: byOrigin(outcomes),
    error_details: details,
    p50_ms: Math.round(quantile(all, 0.5)),
    p99_ms: Math.round(quantile(all, 0.99)),
    memory_idle_before: memory0,
    memory_idle_after: idleAfter,
    rss_slope: halfSlopes(windows, (w) => w.rssMb, o.minutes * 60),
    ...(o.gc ? { heap_after_gc_slope: halfSlopes(windows, (w) => w.heapAfterGcMb, o.minutes * 60) } : {}),
    load_average_start: loadAtStart,
    load_average_end: load(),
    ...(snapshotPaths.length ? { heap_snapshots: snapshotPaths } : {}),
    windows,
  };
  client.close();
  await server.stop();
  await upstream.stop();
  return summary;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      rate: { type: 'string', default: '50' },
      'failure-rate': { type: 'string', default: '0.05' },
      'window-s': { type: 'string', default: '10' },
      'max-in-flight': { type: 'string' },
      gc: { type: 'boolean', default: false },
      'snapshot-dir': { type: 'string' },
      'snapshot-at-s': { type: 'string', default: '60,300' },
      json: { type: 'boolean', default: false },
    },
  });
  const summary = await runSoak({
    minutes: Number(values.minutes),
    rate: Number(values.rate),
    failureRate: Number(values['failure-rate']),
    windowS: Number(values['window-s']),
    ...(values['max-in-flight'] ? { maxInFlight: Number(values['max-in-flight']) } : {}),
    gc: values.gc,
    ...(values['snapshot-dir'] ? { snapshots: { dir: values['snapshot-dir'], atS: values['snapshot-at-s'].split(',').map(Number) } } : {}),
    print: (l) => process.stderr.write(`${l}\n`),
  });
  const { windows: _w, ...head } = summary;
  process.stdout.write(`${JSON.stringify(values.json ? summary : head, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) void main();
