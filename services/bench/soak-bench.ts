/**
 * The soak benchmark: Switchyard (router and executor in one, in its own process) under a
 * fixed request rate for a long time, with a share of upstream calls failing (503) at random.
 * The load is mixed: Execute, ExecuteStream and Decide, each request with its own prompt and
 * session label. Every request is accounted for: answered, or failed with a status. A request
 * that got neither by the end is lost. Every window it prints the rate reached, the p50 and p99
 * latency and the server's memory (RSS, and the V8 heap beside it, which tells growth of live
 * objects from memory the allocator keeps). It measures and prints; it passes or fails nothing.
 *
 *   node dist/services/bench/soak-bench.js [--minutes 10] [--rate 50] [--failure-rate 0.05] [--window-s 10] [--max-in-flight N] [--json]
 *
 * --max-in-flight sets the server's server.max_in_flight (default: the config's default); a very
 * large value shows the server without a bound, as a baseline.
 */
import * as grpc from '@grpc/grpc-js';
import { parseArgs } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { routerClient } from '../shared/grpc/router-client.js';
import type { RouterServiceClient } from '../generated/switchyard/v1/RouterService.js';
import { startChild, type Child } from './bench-children.js';
import { quantile } from './stats.js';

type Kind = 'execute' | 'stream' | 'decide';
interface Outcome {
  kind: Kind;
  startedMs: number;
  endedMs: number;
  ms: number;
  code: number;
  details?: string;
}

interface Answer {
  code: number;
  details?: string;
}

function config(upstream: string, maxInFlight: number | undefined): string {
  const model = (id: string, q: number, price: number) => ({
    id,
    provider: 'openai-compatible',
    quality: { benchmark: q },
    prices: { input: price, output: price * 4 },
    context_window: 128_000,
    max_output_tokens: 4096,
    capabilities: ['streaming'],
    latency: { ttft_ms: 100, output_tokens_per_second: 100 },
    deployments: [{ name: 'local', base_url: upstream, region: 'local' }],
  });
  const file = join(mkdtempSync(join(tmpdir(), 'sy-soak-')), 'soak.yaml');
  writeFileSync(
    file,
    stringify({
      ...(maxInFlight ? { server: { max_in_flight: maxInFlight } } : {}),
      executor: { simulate_without_credentials: false, retry_attempts: 2, retry_base_ms: 20, retry_cap_ms: 100 },
      policies: { balanced: { cost_quality_tradeoff: 0.5, max_fallbacks: 2 } },
      models: [model('soak-a', 0.7, 1), model('soak-b', 0.72, 1.5), model('soak-c', 0.75, 2)],
    }),
  );
  return file;
}

const WORDS = ['route', 'model', 'cache', 'river', 'stone', 'quantum', 'ledger', 'orbit', 'velvet', 'harbor', 'signal', 'prism'];
function prompt(i: number): string {
  const n = 5 + (i % 40);
  return Array.from({ length: n }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' ') + ` #${i}`;
}

function send(client: RouterServiceClient, kind: Kind, i: number): Promise<Answer> {
  const request = { messages: [{ role: 'ROLE_USER' as const, content: [{ text: prompt(i) }] }], labels: { session: `s${i % 5000}`, tenant: `t${i % 7}` } };
  const deadline = Date.now() + 30_000;
  return new Promise((resolve) => {
    if (kind === 'stream') {
      const call = client.executeStream({ request }, { deadline });
      let done = false;
      call.on('data', (e: { event?: string }) => (done ||= e.event === 'done'));
      call.on('error', (e: grpc.ServiceError) => resolve({ code: e.code, details: e.details }));
      call.on('end', () => resolve(done ? { code: grpc.status.OK } : { code: grpc.status.DATA_LOSS, details: 'stream ended without a done event' }));
      return;
    }
    const cb = (err: grpc.ServiceError | null) => resolve(err ? { code: err.code, details: err.details } : { code: grpc.status.OK });
    if (kind === 'decide') client.decide(request, { deadline }, cb);
    else client.execute(request, { deadline }, cb);
  });
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

async function memory(server: Child): Promise<{ rssMb: number; heapMb: number; externalMb: number }> {
  const reply = await server.ask({ type: 'memory' });
  const u = reply.type === 'memory' ? reply.usage : undefined;
  const mb = (x: number | undefined) => Math.round(((x ?? 0) / 1048576) * 10) / 10;
  return { rssMb: mb(u?.rss), heapMb: mb(u?.heapUsed), externalMb: mb((u?.external ?? 0) + (u?.arrayBuffers ?? 0)) };
}

export async function runSoak(o: { minutes: number; rate: number; failureRate: number; windowS: number; maxInFlight?: number; print: (line: string) => void }) {
  const upstream = await startChild({ kind: 'upstream', delayMs: 20, failureRate: o.failureRate });
  const server = await startChild({ kind: 'switchyard', role: 'all', configPath: config(upstream.address, o.maxInFlight) });
  const client = routerClient(server.address);
  const outcomes: Outcome[] = [];
  const windows: Record<string, unknown>[] = [];
  let sent = 0;
  let pending = 0;
  const started = Date.now();
  const endAt = started + o.minutes * 60_000;
  const kinds: Kind[] = ['execute', 'execute', 'execute', 'execute', 'stream', 'stream', 'decide'];
  const memory0 = await memory(server);
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
      ...(await memory(server)),
    };
    windows.push(w);
    o.print(JSON.stringify(w));
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
        const kind = kinds[i % kinds.length]!;
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
  const idleAfter = await memory(server);
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
      json: { type: 'boolean', default: false },
    },
  });
  const summary = await runSoak({
    minutes: Number(values.minutes),
    rate: Number(values.rate),
    failureRate: Number(values['failure-rate']),
    windowS: Number(values['window-s']),
    ...(values['max-in-flight'] ? { maxInFlight: Number(values['max-in-flight']) } : {}),
    print: (l) => process.stderr.write(`${l}\n`),
  });
  const { windows: _w, ...head } = summary;
  process.stdout.write(`${JSON.stringify(values.json ? summary : head, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) void main();
