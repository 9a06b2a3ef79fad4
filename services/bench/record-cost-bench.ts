/**
 * What the decision record costs a Decide, without gRPC: the decision, its response's bytes
 * and (record on) its record through the decision log with the file store, the status board and
 * the drift monitor wired as the server wires them. Each arm is a process of its own; rounds
 * alternate between them (the order rotates), 16 calls a macrotask as a loaded server takes them; each
 * round's CPU time (process.cpuUsage: every thread, so the file store's writes count) includes
 * the flushes after its last call. It prints the median CPU per call of each arm and the
 * record's cost (on minus off), and the on/off throughput ratio that CPU implies. It measures;
 * it does not pass or fail.
 *
 * `--baseline DIR` adds an arm built from another checkout's dist/ (DIR is its package root,
 * built with `make build`), so a change is measured against the code before it in one run.
 * `--rounds N` (default 20), `--calls N` a round (default 4000); `--cpu-prof DIR` writes each
 * arm's CPU profile into DIR; `--parts` adds arms with the record on but no status board and
 * drift monitor (`unwatched`), and with a store that writes nothing (`discarded`); `--store`
 * measures the file store alone instead (see `storeOnly`).
 *
 * Run: `make build && node dist/services/bench/record-cost-bench.js [--baseline DIR]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fork } from 'node:child_process';
import { PACKAGE_ROOT } from '../shared/config/load-config.js';
import { BENCH_REQUEST, decideMethod } from './decide-bench.js';
import { median } from './stats.js';

const arg = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const rounds = Number(arg('--rounds') ?? 20);
const calls = Number(arg('--calls') ?? 4000);
const baseline = arg('--baseline');
const profileDir = arg('--cpu-prof');
const parts = process.argv.includes('--parts');
const PER_TICK = 16;

const work = mkdtempSync(join(tmpdir(), 'switchyard-recordcost-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

interface Arm {
  name: string;
  /** One Decide as the handler makes it: decision, response bytes, record. */
  call(): void;
  close(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: modules of another checkout are loaded by path
type Mod = any;

/** off: no record; on: as the server runs; unwatched: no status board or drift monitor; discarded: a store that writes nothing. */
type Mode = 'off' | 'on' | 'unwatched' | 'discarded';

async function arm(name: string, root: string, mode: Mode): Promise<Arm> {
  const record = mode !== 'off';
  const load = (p: string): Promise<Mod> => import(pathToFileURL(join(root, 'dist/services', p)).href);
  const [{ loadConfig }, { Catalog }, { ModelStore }, { RoutingState }, { Decider }, { encodeDecideResponse }, { DecisionLog }, { startMonitoring }, { InProcessBus }, { NOOP_METRICS }, { createLogger }] = await Promise.all([
    load('shared/config/load-config.js'),
    load('shared/catalog.js'),
    load('router/model/model-store.js'),
    load('router/state/routing-state.js'),
    load('router/decide/decide.js'),
    load('router/decide/decide-response-wire.js'),
    load('router/record/decision-log.js'),
    load('status/start-monitoring.js'),
    load('shared/bus/in-process-bus.js'),
    load('shared/metrics/metrics-recorder.js'),
    load('shared/log.js'),
  ]);
  const loaded = loadConfig();
  const base = loaded.config;
  const config = { ...base, decision_log: { ...base.decision_log, enabled: record, store: 'file', file: { ...base.decision_log.file, dir: join(work, name) } } };
  const log = createLogger('bench', { SWITCHYARD_LOG_LEVEL: 'error' });
  const catalog = new Catalog(config, {});
  const models = await ModelStore.open({ file: resolve(root, config.router.model_file), catalog, wasm: true, log });
  const decider = new Decider({ config, catalog, scoring: models, status: new RoutingState(catalog).current });
  const bus = new InProcessBus();
  const discard = { kind: 'file', append: async () => [], scan: async function* () {}, close: async () => {} };
  const decisionLog = record ? new DecisionLog({ config, catalog, bus, log, ...(mode === 'discarded' ? { store: discard } : {}) }) : undefined;
  const watched = decisionLog && mode !== 'unwatched' ? { decisionLog } : {};
  const monitoring = startMonitoring({ config, configSource: loaded.source, modelFile: loaded.modelFile, ...watched, bus, metrics: NOOP_METRICS, log, models: () => [], keyed: false });
  const m = decideMethod();
  const request = m.requestDeserialize(m.requestSerialize(BENCH_REQUEST));
  let sink = 0;
  return {
    name,
    call() {
      const decision = decider.decide(request);
      sink += encodeDecideResponse(decision.response).length;
      decisionLog?.record({ source: 'decide', decision });
    },
    async close() {
      monitoring.close();
      await decisionLog?.close();
      if (sink < 0) console.log(sink);
    },
  };
}

/** The mean of every round: a segment closes every few rounds, and only this mean is sure to hold its cost. */
function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The mean of the middle half of `xs` (the quarter at each end left out: rounds another process disturbed). */
function midMean(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.slice(Math.floor(s.length / 4), Math.ceil((3 * s.length) / 4));
  return mid.reduce((a, b) => a + b, 0) / mid.length;
}

const tick = () => new Promise<void>((r) => setImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Where the last round ended: a round's CPU runs from there (see `round`). */
let lastEnd: NodeJS.CpuUsage | undefined;

/**
 * CPU µs per call of one round: `calls` calls, 16 a macrotask, then the flushes they caused.
 * The CPU counted runs from the end of this arm's previous round, so work the record left
 * running in the background (a segment's close and its index) counts even when it ran while
 * another arm's round did.
 */
async function round(a: Arm): Promise<number> {
  await sleep(60);
  const t0 = lastEnd ?? process.cpuUsage();
  for (let i = 0; i < calls; i += PER_TICK) {
    for (let j = 0; j < PER_TICK; j++) a.call();
    await tick();
  }
  await sleep(60); // the last flush (flush_interval_ms 20) and its write
  lastEnd = process.cpuUsage();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / calls;
}

/** A child process: one arm, rounds on the parent's word, each answered with its CPU per call. */
async function child(name: string, root: string, mode: Mode): Promise<void> {
  const a = await arm(name, root, mode);
  process.on('message', (m: string) => {
    if (m === 'close') {
      void a.close().then(() => process.exit(0));
      return;
    }
    void round(a).then((us) => process.send!(us));
  });
  process.send!('ready');
}

interface Remote {
  name: string;
  round(): Promise<number>;
  close(): Promise<void>;
}

async function remote(name: string, root: string, mode: Mode): Promise<Remote> {
  const execArgv = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
  const c = fork(fileURLToPath(import.meta.url), ['--child', name, root, mode, '--calls', String(calls)], { stdio: 'inherit', execArgv });
  const next = () => new Promise<unknown>((r) => c.once('message', r));
  await next();
  return {
    name,
    round: async () => {
      const answer = next();
      c.send('round');
      return Number(await answer);
    },
    close: () =>
      new Promise<void>((r) => {
        c.once('exit', () => r());
        c.send('close');
      }),
  };
}

async function main(): Promise<void> {
  // Each arm in a process of its own, as each server of the two-process benchmark: arms in one
  // process would share a heap (one arm's garbage collected in another's round) and code.
  const arms = [await remote('off', PACKAGE_ROOT, 'off'), await remote('on', PACKAGE_ROOT, 'on')];
  if (baseline) arms.push(await remote('on-baseline', resolve(baseline), 'on'));
  if (parts) arms.push(await remote('unwatched', PACKAGE_ROOT, 'unwatched'), await remote('discarded', PACKAGE_ROOT, 'discarded'));
  console.log(`record cost bench: ${rounds} rounds of ${calls} calls, ${PER_TICK} a macrotask; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const a of arms) await a.round(); // warm-up
  const us = new Map(arms.map((a) => [a.name, [] as number[]]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < arms.length; k++) {
      const a = arms[(r + k) % arms.length]!;
      us.get(a.name)!.push(await a.round());
    }
  }
  const off = us.get('off')!;
  for (const a of arms) {
    const xs = us.get(a.name)!;
    const line = `  ${a.name.padEnd(12)} CPU per call median ${median(xs).toFixed(1)} µs, mid-half mean ${midMean(xs).toFixed(1)} µs (range ${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)})`;
    if (a.name === 'off') {
      console.log(line);
      continue;
    }
    // Within each round: the record's cost and the throughput ratio the CPU implies. A segment
    // closes every few rounds: a median or the middle half may leave those rounds out, the mean not.
    const cost = xs.map((x, i) => x - off[i]!);
    const ratio = xs.map((x, i) => off[i]! / x);
    console.log(`${line}; record ${median(cost).toFixed(1)} µs a call (mid-half mean ${midMean(cost).toFixed(1)}, mean ${mean(cost).toFixed(1)}); off/on ${median(ratio).toFixed(3)}x (from mid-half means ${(midMean(off) / midMean(xs)).toFixed(3)}x, from means ${(mean(off) / mean(xs)).toFixed(3)}x)`);
  }
  // The code before a change against this code, round by round (the two ran next to each other).
  const before = us.get('on-baseline');
  if (before) {
    const on = us.get('on')!;
    const more = before.map((x, i) => x - on[i]!);
    console.log(`  on-baseline minus on, the same round: median ${median(more).toFixed(1)} µs a call (mid-half mean ${midMean(more).toFixed(1)}, mean ${mean(more).toFixed(1)}; on cheaper in ${more.filter((x) => x > 0).length} of ${more.length} rounds)`);
  }
  console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const a of arms) await a.close();
}

/**
 * `--store`: the file store alone, this code's and (with --baseline) the code before it's, each in
 * a process of its own: 12,000 records encoded beforehand, appended in batches of 256, then the
 * segment's close (its sidecar); CPU µs a record, per repeat.
 */
async function storeOnly(name: string, root: string): Promise<void> {
  const load = (p: string): Promise<Mod> => import(pathToFileURL(join(root, 'dist/services', p)).href);
  const [{ loadConfig }, { Catalog }, { ModelStore }, { RoutingState }, { Decider }, { RecordBuilder }, { RecordEncoder }, { FileRecordStore }, { createLogger }] = await Promise.all([
    load('shared/config/load-config.js'),
    load('shared/catalog.js'),
    load('router/model/model-store.js'),
    load('router/state/routing-state.js'),
    load('router/decide/decide.js'),
    load('router/record/build-record.js'),
    load('router/record/record-encoder.js'),
    load('router/record/file-record-store.js'),
    load('shared/log.js'),
  ]);
  const { config } = loadConfig();
  const catalog = new Catalog(config, {});
  const models = await ModelStore.open({ file: resolve(root, config.router.model_file), catalog, wasm: true, log: createLogger('bench', { SWITCHYARD_LOG_LEVEL: 'error' }) });
  const decider = new Decider({ config, catalog, scoring: models, status: new RoutingState(catalog).current });
  const m = decideMethod();
  const request = m.requestDeserialize(m.requestSerialize(BENCH_REQUEST));
  const builder = new RecordBuilder(config, catalog);
  const encoder = new RecordEncoder(config, builder, builder.hash);
  const n = 12_000;
  const entries = Array.from({ length: n }, () => {
    const p = { source: 'decide', decision: decider.decide(request), timeUnixMs: Date.now() };
    const id = p.decision.response.decisionId;
    // The writer hands the store a record's index fields where it can (encoder.fields, when the code has it).
    return { key: id, about: id, kind: 'record', bytes: Uint8Array.from(encoder.encode(p)), ...(encoder.fields ? { fields: encoder.fields(p) } : {}) };
  });
  const us: number[] = [];
  for (let r = 0; r < 6; r++) {
    const dir = join(work, `store-${r}`);
    const store = new FileRecordStore({ ...config.decision_log.file, dir, fsync: false });
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i += 256) await store.append(entries.slice(i, i + 256));
    await store.close();
    const t = process.cpuUsage(t0);
    us.push((t.user + t.system) / n);
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`  ${name.padEnd(12)} file store, a record written and indexed, its segment closed: CPU µs a record ${us.map((x) => x.toFixed(1)).join(' ')} (median ${median(us).toFixed(1)}); load average ${loadavg()[0]!.toFixed(2)}`);
}

const storeAt = process.argv.indexOf('--store-child');
const childAt = process.argv.indexOf('--child');
if (storeAt >= 0) await storeOnly(process.argv[storeAt + 1]!, process.argv[storeAt + 2]!);
else if (process.argv.includes('--store')) {
  for (const [name, root] of [['now', PACKAGE_ROOT], ...(baseline ? [['before', resolve(baseline)]] : [])] as const) {
    await new Promise((r) => fork(fileURLToPath(import.meta.url), ['--store-child', name, root], { stdio: 'inherit' }).once('exit', r));
  }
} else if (childAt >= 0) await child(process.argv[childAt + 1]!, process.argv[childAt + 2]!, process.argv[childAt + 3] as Mode);
else await main();
