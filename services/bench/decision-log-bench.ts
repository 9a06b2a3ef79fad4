/**
 * The decision log's costs and losses, measured on this machine (it prints figures; it does not
 * pass or fail):
 *
 *  1. Decide throughput with the record on against off: two `switchyard serve` processes, the
 *     same config but `decision_log.enabled`, under the same h2load load, runs alternating.
 *  2. Records per second sustained into JetStream: real records through the writer into a
 *     JetStream stream on a local nats-server (-js, file storage), against the store alone and
 *     raw publishes of the same bytes in the same run (jetstream-rate-bench.ts).
 *  3. Records lost when a replica is killed with SIGKILL under load: a router writing to
 *     JetStream, Decide calls from a client; the ids of completed calls against the stream.
 *  4. Records lost when NATS restarts under load: the same, NATS killed and restarted mid-load,
 *     the router then stopped gracefully.
 *
 * Run: `make build && node dist/services/bench/decision-log-bench.js [--quick]`; `--only-jetstream`
 * runs part 2 alone, `--only-throughput` part 1, `--skip-throughput` parts 2 to 4. With
 * `--cpu-prof DIR` the `switchyard serve` children write CPU profiles (node --cpu-prof) into
 * DIR when they stop, named for the run (`on`, `off`, ...). With `--baseline DIR` part 1 also
 * runs a server with the record on from another checkout (DIR, its package root, built), in the
 * same alternation: a change against the code before it, in one run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { decide, routerClient } from '../shared/grpc/router-client.js';
import { JetStreamRecordStore } from '../router/record/jetstream-record-store.js';
import { NatsBus } from '../shared/bus/nats-bus.js';
import { loadConfig, PACKAGE_ROOT } from '../shared/config/load-config.js';
import { BENCH_REQUEST, decideLoad } from './decide-bench.js';
import { freePort } from './bench-children.js';
import { jetstreamRate } from './jetstream-rate-bench.js';
import { cpuMs } from './process-cpu.js';
import { median } from './stats.js';
import { waitForOutput } from './wait-for-output.js';

const quick = process.argv.includes('--quick');
const profileAt = process.argv.indexOf('--cpu-prof');
const profileDir = profileAt >= 0 ? resolve(process.argv[profileAt + 1] ?? '.') : undefined;
const baselineAt = process.argv.indexOf('--baseline');
const baselineRoot = baselineAt >= 0 ? resolve(process.argv[baselineAt + 1] ?? '.') : undefined;
const NATS = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const work = mkdtempSync(join(tmpdir(), 'switchyard-dlbench-'));
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const waitFor = (child: ChildProcess, re: RegExp, what: string) => waitForOutput(child, re, what, 30_000);

async function startNats(port: number, dir: string): Promise<ChildProcess> {
  const c = spawn(NATS, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(c);
  await waitFor(c, /Server is ready/, 'nats-server');
  return c;
}

async function kill(c: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  await new Promise<void>((r) => {
    c.once('exit', () => r());
    c.kill(signal);
  });
  live.delete(c);
}

async function serve(config: Record<string, unknown>, name: string, env: NodeJS.ProcessEnv = {}, root = PACKAGE_ROOT): Promise<{ child: ChildProcess; address: string }> {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, stringify(config));
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...profile, resolve(root, 'bin/switchyard.js'), 'serve', '--listen', '127.0.0.1:0', '--config', file], {
    cwd: work,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  live.add(child);
  const m = await waitFor(child, /"msg":"switchyard serving"[^\n]*?"address":"([\d.]+:\d+)"|"address":"([\d.]+:\d+)"[^\n]*?"msg":"switchyard serving"/, `serve ${name}`);
  return { child, address: (m[1] ?? m[2])! };
}

function baseConfig(decisionLog: Record<string, unknown>): Record<string, unknown> {
  const { config } = loadConfig();
  return { ...config, decision_log: { ...config.decision_log, ...decisionLog } };
}

/** Each server's CPU time (ms) when its last measured run ended. */
const cpuAtEnd = new Map<ChildProcess, number>();

/**
 * One load run at `concurrency`, with the server's CPU time per completed call (µs). The CPU
 * counted runs from the end of this server's previous run, so work a run left going in the
 * background (a segment's close and its index) counts even when it ran during another server's.
 */
async function measured(server: { child: ChildProcess; address: string }, concurrency: number, durationS: number): Promise<{ rps: number; cpuUs: number }> {
  const before = cpuAtEnd.get(server.child) ?? cpuMs(server.child.pid!);
  const run = await decideLoad(server.address, concurrency, { durationS, warmupS: 0 });
  await sleep(300); // the record's flush after the last call counts too
  const after = cpuMs(server.child.pid!);
  cpuAtEnd.set(server.child, after);
  const calls = run.requests + run.straddled;
  return { rps: run.rps, cpuUs: ((after - before) * 1000) / calls };
}

/**
 * 1. Decide with the record on and off, alternating runs. The machine is shared, so wall-clock
 * rates swing with other load; the server's own CPU time per call swings less, and when the
 * server is CPU-bound its throughput is the inverse of it: the CPU ratio off/on is the
 * throughput ratio the record costs. It still swings (two to five times on a loaded 2-core
 * machine: caches and cores are shared), so runs are short and many, each pair alternates which
 * server goes first, and the median of the pairs' ratios is what to read.
 */
async function throughput(): Promise<void> {
  const on = await serve(baseConfig({ store: 'file', file: { ...loadConfig().config.decision_log.file, dir: join(work, 'records') } }), 'on');
  const off = await serve(baseConfig({ enabled: false }), 'off');
  // The code before a change, record on, in the same alternation (its package root, built).
  const before = baselineRoot ? await serve(baseConfig({ store: 'file', file: { ...loadConfig().config.decision_log.file, dir: join(work, 'records-before') } }), 'on-before', {}, baselineRoot) : undefined;
  const durationS = quick ? 1.5 : 2;
  for (const s of [on, off, ...(before ? [before] : [])]) {
    await decideLoad(s.address, 16, { durationS: 1, warmupS: 0 }); // warm up
    await sleep(300);
    cpuAtEnd.set(s.child, cpuMs(s.child.pid!));
  }
  const arms: [string, { child: ChildProcess; address: string }][] = [['on', on], ...(before ? [['on-before', before] as [string, typeof on]] : [])];
  const rpsRatios = new Map(arms.map(([n]) => [n, [] as number[]]));
  const cpuRatios = new Map(arms.map(([n]) => [n, [] as number[]]));
  for (const concurrency of [1, 16]) {
    const pairs: string[] = [];
    const here = new Map(arms.map(([n]) => [n, [] as number[]]));
    for (let i = 0; i < (quick ? 4 : 8); i++) {
      // Each round runs every server once; which goes first rotates.
      const order: [string, { child: ChildProcess; address: string }][] = [['off', off], ...arms];
      const rotated = [...order.slice(i % order.length), ...order.slice(0, i % order.length)];
      const got = new Map<string, { rps: number; cpuUs: number }>();
      for (const [n, server] of rotated) got.set(n, await measured(server, concurrency, durationS));
      const b = got.get('off')!;
      const parts: string[] = [];
      for (const [n] of arms) {
        const a = got.get(n)!;
        rpsRatios.get(n)!.push(a.rps / b.rps);
        cpuRatios.get(n)!.push(b.cpuUs / a.cpuUs);
        here.get(n)!.push(b.cpuUs / a.cpuUs);
        parts.push(`${n} ${a.rps.toFixed(0)} rps ${a.cpuUs.toFixed(0)} µs`);
      }
      pairs.push(`${parts.join(', ')}, off ${b.rps.toFixed(0)} rps ${b.cpuUs.toFixed(0)} µs`);
    }
    console.log(`  c=${concurrency}: ${pairs.join('; ')}; by CPU per call median ${arms.map(([n]) => `${n}/off ${median(here.get(n)!).toFixed(3)}x`).join(', ')}`);
  }
  for (const [n] of arms) {
    const c = cpuRatios.get(n)!;
    const r = rpsRatios.get(n)!;
    console.log(`Decide, record ${n} / off: throughput from CPU per call median ${median(c).toFixed(3)}x (range ${Math.min(...c).toFixed(3)}-${Math.max(...c).toFixed(3)}; goal >= 0.95x); wall-clock rps median ${median(r).toFixed(3)}x (range ${Math.min(...r).toFixed(3)}-${Math.max(...r).toFixed(3)}); load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  }
  await kill(on.child, 'SIGTERM');
  await kill(off.child, 'SIGTERM');
  if (before) await kill(before.child, 'SIGTERM');
}

/** Ids of Decide calls completed by a client at `concurrency` until `stop()` resolves. */
async function load(address: string, concurrency: number, stop: Promise<void>): Promise<{ completed: string[]; failed: number }> {
  const client = routerClient(address);
  const completed: string[] = [];
  let failed = 0;
  let stopped = false;
  void stop.then(() => (stopped = true));
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!stopped) {
        try {
          completed.push((await decide(client, BENCH_REQUEST, 2_000)).decisionId);
        } catch {
          failed++;
          if (!stopped) await new Promise((r) => setTimeout(r, 20));
        }
      }
    }),
  );
  client.close();
  return { completed, failed };
}

async function storedIds(natsUrl: string, stream: string): Promise<Set<string>> {
  const bus = new NatsBus({ servers: [natsUrl], name: 'bench-reader' });
  await bus.connected();
  const store = new JetStreamRecordStore({ connection: () => bus.connection(), config: { ...loadConfig().config.decision_log.jetstream, stream } });
  const ids = new Set<string>();
  for await (const e of store.scan()) if (e.record) ids.add(e.record.decisionId);
  await bus.close();
  return ids;
}

/** 3 and 4. Losses on kill -9 of a replica and on a NATS restart, under load. */
async function losses(natsUrl: string, restartNats: () => Promise<void>): Promise<void> {
  const seconds = quick ? 2 : 4;
  {
    const r = await serve(baseConfig({ store: 'jetstream', jetstream: { ...loadConfig().config.decision_log.jetstream, stream: 'BENCH_DECISIONS' } }), 'kill', { NATS_URL: natsUrl });
    const run = load(r.address, 16, sleep(seconds * 1000).then(() => kill(r.child)));
    const { completed } = await run;
    const ids = await storedIds(natsUrl, 'BENCH_DECISIONS');
    const lost = completed.filter((id) => !ids.has(id)).length;
    console.log(`kill -9 under load: ${completed.length} Decide calls completed in ${seconds} s (${(completed.length / seconds).toFixed(0)}/s), ${lost} of their records lost (at most what the queue held: one flush interval is ${loadConfig().config.decision_log.flush_interval_ms} ms, about ${((completed.length / seconds) * loadConfig().config.decision_log.flush_interval_ms) / 1000} records at this rate)`);
  }
  {
    const r = await serve(baseConfig({ store: 'jetstream', jetstream: { ...loadConfig().config.decision_log.jetstream, stream: 'BENCH_DECISIONS' } }), 'restart', { NATS_URL: natsUrl });
    const stop = (async () => {
      await sleep((seconds * 1000) / 2);
      await restartNats();
      await sleep((seconds * 1000) / 2);
    })();
    const { completed } = await load(r.address, 16, stop);
    await kill(r.child, 'SIGTERM'); // a graceful stop flushes the queue
    const ids = await storedIds(natsUrl, 'BENCH_DECISIONS');
    const lost = completed.filter((id) => !ids.has(id)).length;
    console.log(`NATS restart (kill -9, start on the same store) under load: ${completed.length} Decide calls completed, ${lost} of their records lost (goal: none)`);
  }
}

async function main(): Promise<void> {
  console.log(`decision log benchmark${quick ? ' (quick)' : ''}: ${new Date().toISOString()}, node ${process.version}`);
  if (!process.argv.includes('--skip-throughput') && !process.argv.includes('--only-jetstream')) await throughput();
  if (process.argv.includes('--only-throughput')) return;
  const port = await freePort();
  const dir = join(work, 'js');
  let nats = await startNats(port, dir);
  const url = `nats://127.0.0.1:${port}`;
  await jetstreamRate(url, nats.pid!, quick);
  if (process.argv.includes('--only-jetstream')) {
    await kill(nats);
    return;
  }
  await losses(url, async () => {
    await kill(nats);
    nats = await startNats(port, dir);
  });
  await kill(nats);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
