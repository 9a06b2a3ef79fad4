/**
 * Reading a large local decision log: GetDecision and ListDecisions through the segment index
 * against the full scan they replaced, in the same run (it prints figures; it does not pass or
 * fail).
 *
 * The log: `--records N` (default 1,000,000) decision records made by the real Decider and
 * encoded by the real RecordEncoder, ids UUIDv7 over a week, spread over labels and policies;
 * feedback for one decision in ten and a reported outcome for one in thirty, each written a
 * few hundred records after its decision (so many land in a later segment), through the file
 * store with its default segment size. Closing the store writes the closed segments' sidecars.
 *
 * Before: what the store did for every read, a fold of a full scan (`scan` into ViewFolder)
 * then the view or the page; the scan is the same for every query, so it is timed once and each
 * query's page is timed on its result. After: a store opened on the directory (cold: its first
 * read loads every sidecar), then each query warm (median of several). Times are wall clock and
 * this process's CPU (a page's fold over the scanned views is counted as CPU), on a shared
 * machine: read the CPU ratios.
 *
 * Run: `make build && node --expose-gc --max-old-space-size=8192 dist/services/bench/decision-log-read-bench.js
 * [--records N] [--keep DIR]` (the full scan of a million records holds several GB; --expose-gc
 * lets it measure the index's memory). With --keep, a DIR that holds a log is read, not written.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { v7 } from 'uuid';
import type { ListDecisionsRequest__Output } from '../generated/switchyard/v1/ListDecisionsRequest.js';
import { Decider } from '../router/decide/decide.js';
import { ModelStore } from '../router/model/model-store.js';
import type { PendingRecord } from '../router/record/build-record.js';
import { RecordBuilder } from '../router/record/build-record.js';
import { ViewFolder, page } from '../router/record/decision-views.js';
import { FileRecordStore, frames } from '../router/record/file-record-store.js';
import { SegmentIndex, indexFrames } from '../router/record/segment-index.js';
import { decodeEntry, encodeEntry } from '../router/record/record-codec.js';
import { entryFields } from '../router/record/entry-index-fields.js';
import { RecordEncoder } from '../router/record/record-encoder.js';
import type { StoredEntry } from '../router/record/record-store.js';
import { RoutingState } from '../router/state/routing-state.js';
import { Catalog } from '../shared/catalog.js';
import { loadConfig, PACKAGE_ROOT } from '../shared/config/load-config.js';
import { createLogger } from '../shared/log.js';
import { decideMethod, BENCH_REQUEST } from './decide-bench.js';
import { seededRandom } from './random-model.js';
import { median } from './stats.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const N = Number(arg('--records') ?? 1_000_000);
const keep = arg('--keep');
const dir = keep ? resolve(keep) : mkdtempSync(join(tmpdir(), 'switchyard-readbench-'));
mkdirSync(dir, { recursive: true });
const WEEK = 7 * 86_400_000;
const START = Date.UTC(2026, 10, 1);

interface Timed<T> {
  value: T;
  ms: number;
  cpuMs: number;
}

async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = await work();
  const cpu = process.cpuUsage(c);
  return { value, ms: performance.now() - t, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`);

async function writeLog(rand: () => number): Promise<{ ids: string[]; bytes: number }> {
  const { config } = loadConfig();
  const catalog = new Catalog(config, {});
  const models = await ModelStore.open({ file: resolve(PACKAGE_ROOT, config.router.model_file), catalog, wasm: true, log: createLogger('bench', { SWITCHYARD_LOG_LEVEL: 'error' }) });
  const decider = new Decider({ config, catalog, scoring: models, status: new RoutingState(catalog).current });
  const builder = new RecordBuilder(config, catalog);
  const encoder = new RecordEncoder(config, builder, builder.hash);
  const m = decideMethod();
  const base = m.requestDeserialize(m.requestSerialize(BENCH_REQUEST)) as Parameters<Decider['decide']>[0];
  const policies = ['balanced', 'economy', 'quality'];
  const decisions = Array.from({ length: 48 }, (_, i) => decider.decide({ ...base, policy: policies[i % 3]! }));
  const tiers = ['free', 'pro', 'enterprise'];
  const tasks = ['', 'code', 'chat', 'summarize'];
  let now = START;
  const store = new FileRecordStore({ ...config.decision_log.file, dir, segment_ms: WEEK, max_bytes: 1e13, max_age_ms: 1e13, fsync: false, now: () => now });
  const ids: string[] = [];
  const later: { at: number; entry: StoredEntry }[] = [];
  let batch: StoredEntry[] = [];
  const flush = async () => {
    if ((await store.append(batch)).length) throw new Error('the store refused a batch');
    batch = [];
  };
  for (let i = 0; i < N; i++) {
    const t = START + Math.floor((i / N) * WEEK);
    now = t;
    const id = v7({ msecs: t, random: Uint8Array.from({ length: 16 }, () => Math.floor(rand() * 256)) });
    ids.push(id);
    const d = decisions[i % decisions.length]!;
    const labels = { tenant: `t${i % 20}`, userTier: tiers[i % 3]!, task: tasks[i % 4]!, session: `s${Math.floor(i / 7)}`, extra: {} };
    const p: PendingRecord = { source: 'decide', decision: { ...d, response: { ...d.response, decisionId: id }, request: { ...d.request, labels } }, timeUnixMs: t };
    batch.push({ key: id, about: id, kind: 'record', bytes: encoder.encode(p) });
    if (rand() < 0.1) later.push({ at: i + 50 + Math.floor(rand() * 2000), entry: { key: `fb.${id}`, about: id, kind: 'feedback', bytes: encodeEntry({ feedback: { decisionId: id, metric: 'helpful', value: rand() < 0.7 ? 1 : 0, timeUnixMs: t } }) } });
    if (rand() < 1 / 30) later.push({ at: i + 50 + Math.floor(rand() * 2000), entry: { key: `oc.${id}`, about: id, kind: 'outcome', bytes: encodeEntry({ reportedOutcome: { decisionId: id, model: d.response.model, timeUnixMs: t } }) } });
    while (later.length && later[0]!.at <= i) batch.push(later.shift()!.entry);
    if (batch.length >= 256) await flush();
  }
  for (const l of later) batch.push(l.entry);
  await flush();
  await store.close();
  models.close();
  const bytes = readdirSync(dir).filter((n) => n.endsWith('.log')).reduce((a, n) => a + statSync(join(dir, n)).size, 0);
  return { ids, bytes };
}

/** The ids of a kept log, from a scan (a rerun on the same log). */
async function readIds(): Promise<{ ids: string[]; bytes: number }> {
  const ids: string[] = [];
  const store = new FileRecordStore({ dir, segment_bytes: 1e9, segment_ms: 1e9, max_bytes: 1e13, max_age_ms: 1e13, fsync: false, fsync_interval_ms: 0 });
  for (const name of await store.segments()) for (const f of frames(readFileSync(join(dir, name)))) {
    const e = entryFields(f);
    if (e?.kind === 'record') ids.push(e.id);
  }
  const bytes = readdirSync(dir).filter((n) => n.endsWith('.log')).reduce((a, n) => a + statSync(join(dir, n)).size, 0);
  return { ids, bytes };
}

const request = (o: Partial<ListDecisionsRequest__Output>): ListDecisionsRequest__Output => ({ startTimeUnixMs: 0, endTimeUnixMs: 0, model: '', policy: '', labels: null, segment: '', feedback: 'FEEDBACK_FILTER_UNSPECIFIED', pageSize: 100, pageToken: '', ...o });
const labels = (o: Record<string, string>) => ({ tenant: '', userTier: '', task: '', session: '', extra: {}, ...o });

async function main(): Promise<void> {
  const rand = seededRandom(11);
  console.log(`decision log read bench: ${N} records into ${dir}`);
  const reuse = readdirSync(dir).some((n) => n.endsWith('.log'));
  const written = await timed(async () => (reuse ? readIds() : writeLog(rand)));
  const { ids, bytes } = written.value;
  if (reuse) console.log(`reusing the log in ${dir}`);
  const files = readdirSync(dir);
  const idxBytes = files.filter((n) => n.endsWith('.idx')).reduce((a, n) => a + statSync(join(dir, n)).size, 0);
  console.log(`${reuse ? 'read' : 'wrote'} ${files.filter((n) => n.endsWith('.log')).length} segments, ${(bytes / 1e6).toFixed(0)} MB (${(bytes / N).toFixed(0)} B a record) in ${fmt(written.ms)}; sidecars ${(idxBytes / 1e6).toFixed(1)} MB (${((100 * idxBytes) / bytes).toFixed(1)}% of the segments)`);

  // The cost of indexing a segment against decoding it, on the largest one.
  const biggest = files.filter((n) => n.endsWith('.log')).sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)[0]!;
  const segBytes = readFileSync(join(dir, biggest));
  const decodeAll = async () => {
    let n = 0;
    for (const f of frames(segBytes)) if (decodeEntry(f)) n++;
    return n;
  };
  indexFrames(new SegmentIndex(biggest), segBytes, 0); // both warm before they are timed
  await decodeAll();
  const build = await timed(async () => indexFrames(new SegmentIndex(biggest), segBytes, 0));
  const decode = await timed(decodeAll);
  console.log(`one segment (${(segBytes.length / 1e6).toFixed(1)} MB, ${decode.value} entries): indexing ${fmt(build.cpuMs)} CPU, decoding it ${fmt(decode.cpuMs)} CPU (${(decode.cpuMs / build.cpuMs).toFixed(1)}x)`);

  const pick = () => ids[Math.floor(rand() * ids.length)]!;

  // After: a store opened on the directory; its first read loads the sidecars.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const mem0 = process.memoryUsage();
  const after = new FileRecordStore({ dir, segment_bytes: 1e9, segment_ms: 1e9, max_bytes: 1e13, max_age_ms: 1e13, fsync: false, fsync_interval_ms: 0 });
  const cold = await timed(() => after.view(ids[5]!));
  gc?.();
  const mem1 = process.memoryUsage();
  const memory = gc ? `heap +${((mem1.heapUsed - mem0.heapUsed) / 1e6).toFixed(0)} MB, off heap +${((mem1.arrayBuffers - mem0.arrayBuffers) / 1e6).toFixed(0)} MB` : 'memory: run node with --expose-gc';
  console.log(`\nindexed store, cold (first read loads every sidecar): ${fmt(cold.ms)} (${fmt(cold.cpuMs)} CPU); ${memory}`);
  const modelOf = cold.value!.record!.model;
  const queries: [string, ListDecisionsRequest__Output][] = [
    ['newest 100, no filter', request({})],
    ['tenant t3, newest 100', request({ labels: labels({ tenant: 't3' }) })],
    [`model ${modelOf} with feedback`, request({ model: modelOf, feedback: 'FEEDBACK_FILTER_WITH' })],
    ['one hour three days back', request({ startTimeUnixMs: START + 3 * 86_400_000, endTimeUnixMs: START + 3 * 86_400_000 + 3_600_000, pageSize: 1000 })],
    ['policy economy, tier pro, without feedback, page 20', request({ policy: 'economy', labels: labels({ userTier: 'pro' }), feedback: 'FEEDBACK_FILTER_WITHOUT', pageToken: ids[Math.floor(N * 0.9)]! })],
    ['one session (7 records)', request({ labels: labels({ session: `s${Math.floor(N / 14)}` }) })],
  ];

  const gets: Timed<unknown>[] = [];
  for (let i = 0; i < 50; i++) gets.push(await timed(() => after.view(pick())));
  const afterGet = { ms: median(gets.map((g) => g.ms)), cpuMs: median(gets.map((g) => g.cpuMs)) };
  const afterList = new Map<string, { ms: number; cpuMs: number; n: number }>();
  for (const [name, q] of queries) {
    const runs: Timed<unknown>[] = [];
    let n = 0;
    for (let i = 0; i < 5; i++) {
      const r = await timed(() => after.list(q));
      runs.push(r);
      n = r.value.decisions?.length ?? 0;
    }
    afterList.set(name, { ms: median(runs.map((g) => g.ms)), cpuMs: median(runs.map((g) => g.cpuMs)), n });
  }

  // Before: the fold of a full scan every read did.
  const scan = await timed(async () => {
    const folder = new ViewFolder();
    for await (const e of after.scan()) folder.add(e);
    return folder;
  });
  const folder = scan.value;
  const views = folder.views();
  console.log(`full scan and fold (what every read cost before): ${fmt(scan.ms)} (${fmt(scan.cpuMs)} CPU), heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB with the folded views\n`);
  const beforeGet = median(Array.from({ length: 50 }, () => timedSync(() => folder.view(pick()))));
  const row = (name: string, before: number, beforeCpu: number, a: { ms: number; cpuMs: number }, n: string) =>
    console.log(`${name.padEnd(62)} ${fmt(before).padStart(9)} ${fmt(beforeCpu).padStart(9)} ${fmt(a.ms).padStart(9)} ${fmt(a.cpuMs).padStart(9)} ${`${(beforeCpu / a.cpuMs).toFixed(0)}x`.padStart(6)} ${n}`);
  console.log(`${'query'.padEnd(62)} ${'before'.padStart(9)} ${'(CPU)'.padStart(9)} ${'after'.padStart(9)} ${'(CPU)'.padStart(9)} ${'CPU x'.padStart(6)} rows`);
  row('GetDecision (after: median of 50)', scan.ms + beforeGet, scan.cpuMs + beforeGet, afterGet, '1');
  for (const [name, q] of queries) {
    const want = page(views, q);
    const paged = timedSync(() => page(views, q));
    const a = afterList.get(name)!;
    row(`ListDecisions: ${name}`, scan.ms + paged, scan.cpuMs + paged, a, want.decisions.length === a.n ? String(a.n) : `${a.n} (MISMATCH: the scan gives ${want.decisions.length})`);
  }
  await after.close();
}

function timedSync(work: () => unknown): number {
  const t = performance.now();
  work();
  return performance.now() - t;
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  });
