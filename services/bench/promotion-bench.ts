/**
 * Router-model promotion, measured on this machine (it prints figures; it does not pass or
 * fail): a local nats-server with JetStream, three router replicas as `switchyard serve`
 * processes, and Decide calls streaming through all three while a model is promoted, again
 * and again, alternating two models (the shipped one and one with every bias raised).
 *
 * For each promotion it prints how long after the promotion began (checking the file,
 * connecting, the object upload and the pointer's compare-and-set, as `switchyard model
 * promote` does them):
 *   - the pointer was written;
 *   - each replica reported the new version (a watch on the replicas bucket);
 *   - each replica's first Decide answer named the new version;
 * and, over the whole run, the Decide calls answered and failed, and any answer whose version
 * went back to the old model after the new one had been seen on that replica.
 *
 * Replicas log how long their own part took (fetching and checking the object, the swap);
 * the rest is NATS and, on a loaded machine, waiting for a core.
 *
 * Run: `make build && node dist/services/bench/promotion-bench.js [--quick] [--concurrency N]`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { stringify } from 'yaml';
import { REPLICA_BUCKET, parseReplicaReport } from '../router/model/model-pointer.js';
import { fileVersion } from '../router/model/model-store.js';
import { decodeRouterModel, encodeRouterModel } from '../router/model/router-model-file.js';
import { readPromotable } from '../server/model-promotion.js';
import { ModelRegistry } from '../router/model/model-registry.js';
import { loadConfig, PACKAGE_ROOT } from '../shared/config/load-config.js';
import { decide, routerClient } from '../shared/grpc/router-client.js';
import { freePort } from './bench-children.js';
import { BENCH_REQUEST } from './decide-bench.js';
import { median } from './stats.js';
import { waitForOutput } from './wait-for-output.js';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 4 : 10;
const REPLICAS = 3;
const concurrencyArg = process.argv.indexOf('--concurrency');
const CONCURRENCY = concurrencyArg > 0 ? Number(process.argv[concurrencyArg + 1]) : 2;
const NATS = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const work = mkdtempSync(join(tmpdir(), 'switchyard-promotion-bench-'));
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

const waitFor = (child: ChildProcess, re: RegExp, what: string) => waitForOutput(child, re, what, 60_000);

function spawnLive(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const c = spawn(cmd, args, { cwd: work, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(c);
  return c;
}

/** What replicas log of each swap: the object's fetch and check, and the swap itself. */
const swaps: { fetchMs: number; swapMs: number }[] = [];

async function serveReplica(natsUrl: string, id: string): Promise<string> {
  const { config } = loadConfig();
  const file = join(work, `${id}.yaml`);
  writeFileSync(file, stringify({ ...config, decision_log: { enabled: false }, router: { ...config.router, model_file: resolve(PACKAGE_ROOT, config.router.model_file), model_promotion: { replica_id: id, report_interval_ms: 60_000, startup_wait_ms: 5_000 } } }));
  const child = spawnLive(process.execPath, [resolve(PACKAGE_ROOT, 'bin/switchyard.js'), 'serve', '--listen', '127.0.0.1:0', '--config', file], { NATS_URL: natsUrl, SWITCHYARD_LOG_LEVEL: 'info' });
  const m = await waitFor(child, /"address":"([\d.]+:\d+)"[^\n]*"msg":"switchyard serving"/, `replica ${id}`);
  let partial = '';
  child.stderr?.on('data', (d: Buffer) => {
    const lines = (partial + d).split('\n');
    partial = lines.pop()!;
    for (const l of lines) {
      if (!l.includes('"router model promoted"')) continue;
      const j = JSON.parse(l) as { fetch_ms: number; swap_ms: number };
      swaps.push({ fetchMs: j.fetch_ms, swapMs: j.swap_ms });
    }
  });
  return m[1]!;
}

interface Round {
  pointerMs: number;
  reportedMs: number[];
  firstDecisionMs: number[];
}

async function main(): Promise<void> {
  console.log(`promotion benchmark${quick ? ' (quick)' : ''}: ${new Date().toISOString()}, node ${process.version}, ${REPLICAS} replicas, Decide at concurrency ${CONCURRENCY} per replica, load average ${loadavg()[0]!.toFixed(1)}`);
  const port = await freePort();
  const nats = spawnLive(NATS, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(work, 'js')]);
  await waitFor(nats, /Server is ready/, 'nats-server');
  const natsUrl = `nats://127.0.0.1:${port}`;

  const shippedFile = resolve(PACKAGE_ROOT, loadConfig().config.router.model_file);
  const raised = decodeRouterModel(readFileSync(shippedFile));
  for (let i = 0; i < raised.bias.length; i++) raised.bias[i]! += 1;
  const raisedFile = join(work, 'raised.syrm');
  writeFileSync(raisedFile, encodeRouterModel(raised));
  const models = [raisedFile, shippedFile].map((file) => ({ file, version: fileVersion(file, readFileSync(file)) }));

  const ids = Array.from({ length: REPLICAS }, (_, i) => `bench-r${i + 1}`);
  const addresses: string[] = [];
  for (const id of ids) addresses.push(await serveReplica(natsUrl, id));

  // What each replica reports, as it reports it.
  const nc = await connect({ servers: natsUrl });
  const reports = await (await new Kvm(nc).create(REPLICA_BUCKET)).watch();
  let onReport: (replica: string, version: string) => void = () => undefined;
  void (async () => {
    for await (const e of reports) {
      if (e.operation !== 'PUT') continue;
      const r = parseReplicaReport(e.value);
      onReport(r.replica, r.version);
    }
  })();

  // Decide calls through every replica for the whole run.
  let answered = 0;
  let failed = 0;
  let wentBack = 0;
  let target = '';
  const newSeen = new Array<boolean>(REPLICAS).fill(false);
  let onAnswer: (replica: number, version: string) => void = () => undefined;
  let stop = false;
  const clients = addresses.map((a) => routerClient(a, {}));
  const loops = clients.flatMap((client, i) =>
    Array.from({ length: CONCURRENCY }, async () => {
      while (!stop) {
        try {
          const r = await decide(client, BENCH_REQUEST);
          answered++;
          if (newSeen[i] && r.routerModel !== target) wentBack++;
          if (r.routerModel === target) newSeen[i] = true;
          onAnswer(i, r.routerModel);
        } catch {
          failed++;
        }
      }
    }),
  );

  const config = loadConfig().config;
  const rounds: Round[] = [];
  for (let k = 0; k < ROUNDS; k++) {
    const model = models[k % 2]!;
    const reported = new Map<string, number>();
    const firstDecision = new Map<number, number>();
    newSeen.fill(false);
    target = model.version;
    const started = performance.now();
    const done = new Promise<void>((res) => {
      const check = () => {
        if (reported.size === REPLICAS && firstDecision.size === REPLICAS) res();
      };
      onReport = (replica, version) => {
        if (version === model.version && !reported.has(replica)) reported.set(replica, performance.now() - started);
        check();
      };
      onAnswer = (replica, version) => {
        if (version === model.version && !firstDecision.has(replica)) {
          firstDecision.set(replica, performance.now() - started);
        }
        check();
      };
    });
    // What `switchyard model promote` does, with the pointer's moment taken before the pruning.
    const bytes = readPromotable(model.file, config, {});
    const cli = await connect({ servers: natsUrl });
    const registry = await ModelRegistry.open(cli);
    await registry.promote(bytes, model.version);
    const pointerMs = performance.now() - started;
    await registry.prune();
    await cli.close();
    await done;
    rounds.push({ pointerMs, reportedMs: ids.map((id) => reported.get(id)!), firstDecisionMs: addresses.map((_, i) => firstDecision.get(i)!) });
    const f = (ms: number) => ms.toFixed(0).padStart(5);
    console.log(`round ${String(k + 1).padStart(2)} -> ${model.version.padEnd(32)} pointer ${f(pointerMs)} ms  reported ${rounds.at(-1)!.reportedMs.map(f).join(' ')} ms  first decision ${rounds.at(-1)!.firstDecisionMs.map(f).join(' ')} ms`);
    await new Promise((r) => setTimeout(r, 300));
  }
  stop = true;
  await Promise.all(loops);
  for (const c of clients) c.close();
  reports.stop();
  await nc.close();

  const allReported = rounds.map((r) => Math.max(...r.reportedMs));
  const allDecided = rounds.map((r) => Math.max(...r.firstDecisionMs));
  const fmt = (xs: number[]) => (xs.length === 0 ? 'n/a' : `median ${median(xs).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`);
  console.log(`\nfrom promote to the pointer written: ${fmt(rounds.map((r) => r.pointerMs))}`);
  console.log(`from promote to all ${REPLICAS} replicas reporting the new version: ${fmt(allReported)} (goal: under 2000 ms)`);
  console.log(`from the pointer written to all ${REPLICAS} replicas reporting it: ${fmt(rounds.map((r) => Math.max(...r.reportedMs) - r.pointerMs))}`);
  console.log(`from promote to all ${REPLICAS} replicas answering Decide on the new version: ${fmt(allDecided)}`);
  console.log(`on each replica (its own log): fetching and checking the object ${fmt(swaps.map((x) => x.fetchMs))}; the swap ${fmt(swaps.map((x) => x.swapMs))}`);
  console.log(`Decide during the run: ${answered} answered, ${failed} failed (goal: none), ${wentBack} answers on the old model after the new one was seen on that replica (goal: none)`);
  console.log(`load average at the end: ${loadavg()[0]!.toFixed(1)} (2 cores)`);
  for (const c of live) if (c !== nats) c.kill('SIGTERM');
  nats.kill('SIGKILL');
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
