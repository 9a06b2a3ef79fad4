/**
 * Records per second sustained into JetStream (part 2 of the decision-log benchmark), against
 * the ceiling measured in the same run. The same records are written three ways, in rounds
 * that rotate the order (the machine is shared, so rates swing with other load):
 *
 *  - writer: records as Decide hands them over, through RecordWriter and JetStreamRecordStore
 *    (encoding, batching, `Nats-Msg-Id` publishes, one acknowledgement per batch): a router.
 *  - store: the same records encoded before the clock starts, through the store's `append`
 *    with its batches in flight: the store's own cost.
 *  - raw: the same bytes on the same subjects as plain publishes with no header and one
 *    acknowledged publish per batch: what nats-server and the client library take with nothing
 *    of ours (like `nats bench --js`), the ceiling.
 *
 * Each round prints records/s, the CPU per record of this process and of nats-server, and how
 * busy each was (% of one core): the busier side is the limit. The stream is made and the
 * code warmed up before the first round; records are built before each round's clock starts,
 * and the stream is purged after it.
 */
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Decider } from '../router/decide/decide.js';
import { ModelStore } from '../router/model/model-store.js';
import { RecordBuilder, type PendingRecord } from '../router/record/build-record.js';
import { RecordEncoder } from '../router/record/record-encoder.js';
import { decisionSubject, JetStreamRecordStore } from '../router/record/jetstream-record-store.js';
import type { StoredEntry } from '../router/record/record-store.js';
import { RecordWriter } from '../router/record/record-writer.js';
import { RoutingState } from '../router/state/routing-state.js';
import { NatsBus } from '../shared/bus/nats-bus.js';
import { Catalog } from '../shared/catalog.js';
import { loadConfig, PACKAGE_ROOT } from '../shared/config/load-config.js';
import { createLogger } from '../shared/log.js';
import { BENCH_REQUEST, decideMethod } from './decide-bench.js';
import { cpuMs } from './process-cpu.js';
import { median } from './stats.js';

/** Deleted at the end: the loss measurements use a stream of their own on the same subjects. */
const RATE_STREAM = 'BENCH_RATE';
/** Records per batch, for the writer, the store and raw publishes alike. */
const BATCH = 512;
const MODES = ['writer', 'store', 'raw'] as const;
type Mode = (typeof MODES)[number];

interface Round {
  rate: number;
  clientUs: number;
  serverUs: number;
  /** % of one core used over the round. */
  clientBusy: number;
  serverBusy: number;
}

const fmt = (xs: number[], digits = 0) => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)})`;

/** Writes `batches` with up to `inFlight` of them unacknowledged, yielding between batches as the writer does. */
async function pipelined(batches: StoredEntry[][], inFlight: number, write: (batch: StoredEntry[]) => Promise<void>): Promise<void> {
  const pending = new Set<Promise<void>>();
  for (const batch of batches) {
    const p: Promise<void> = write(batch).then(() => {
      pending.delete(p);
    });
    pending.add(p);
    if (pending.size >= inFlight) await Promise.race(pending);
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(pending);
}

export async function jetstreamRate(natsUrl: string, natsPid: number, quick: boolean): Promise<void> {
  const { config } = loadConfig();
  const catalog = new Catalog(config, {});
  const models = await ModelStore.open({ file: resolve(PACKAGE_ROOT, config.router.model_file), catalog, wasm: true, log: createLogger('bench', { SWITCHYARD_LOG_LEVEL: 'error' }) });
  const decider = new Decider({ config, catalog, scoring: models, status: new RoutingState(catalog).current });
  const bus = new NatsBus({ servers: [natsUrl], name: 'bench' });
  await bus.connected();
  const nc = bus.connection()!;
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const store = new JetStreamRecordStore({ connection: () => bus.connection(), config: { ...config.decision_log.jetstream, stream: RATE_STREAM } });
  const builder = new RecordBuilder(config, catalog);
  const encoder = new RecordEncoder(config, builder, builder.hash);
  const n = quick ? 30_000 : 100_000;
  const writer = new RecordWriter({ store, builder, encode: (p) => encoder.encode(p), queueSize: n, batchSize: BATCH, flushIntervalMs: 5 });
  const m = decideMethod();
  const request = m.requestDeserialize(m.requestSerialize(BENCH_REQUEST)) as Parameters<Decider['decide']>[0];
  const decisions = Array.from({ length: 64 }, () => decider.decide(request));

  const records = (round: string, count: number): PendingRecord[] =>
    Array.from({ length: count }, (_, i) => {
      const d = decisions[i % decisions.length]!;
      return { source: 'decide', decision: { ...d, response: { ...d.response, decisionId: `${round}-${i}-${d.response.decisionId}` } }, timeUnixMs: Date.now() };
    });
  const encoded = (pending: PendingRecord[]): StoredEntry[][] => {
    const batches: StoredEntry[][] = [];
    for (let i = 0; i < pending.length; i += BATCH) {
      batches.push(
        pending.slice(i, i + BATCH).map((p) => {
          const id = p.decision.response.decisionId!;
          return { key: id, about: id, kind: 'record', bytes: encoder.encode(p) };
        }),
      );
    }
    return batches;
  };

  /** Builds what the mode needs, then writes it on the clock. */
  const prepare = (mode: Mode, round: string, count: number): (() => Promise<void>) => {
    const pending = records(round, count);
    if (mode === 'writer') {
      return async () => {
        const target = writer.stats.written + count;
        for (const p of pending) writer.submit(p);
        while (writer.stats.written < target) await new Promise((r) => setTimeout(r, 2));
      };
    }
    const batches = encoded(pending);
    if (mode === 'store') {
      return () =>
        pipelined(batches, store.maxInFlight, async (b) => {
          if ((await store.append(b)).length > 0) throw new Error('the store refused a batch');
        });
    }
    return () =>
      pipelined(batches, store.maxInFlight, async (b) => {
        const last = b.length - 1;
        for (let i = 0; i < last; i++) nc.publish(decisionSubject('record', b[i]!.about), b[i]!.bytes);
        await js.publish(decisionSubject('record', b[last]!.about), b[last]!.bytes);
      });
  };

  const run = async (mode: Mode, round: string, count: number): Promise<Round> => {
    const write = prepare(mode, round, count);
    const server = cpuMs(natsPid);
    const client = process.cpuUsage();
    const started = performance.now();
    await write();
    const ms = performance.now() - started;
    const used = process.cpuUsage(client);
    const serverMs = cpuMs(natsPid) - server;
    const stored = (await jsm.streams.info(RATE_STREAM)).state.messages;
    if (stored !== count) throw new Error(`${mode}: ${stored} of ${count} records in the stream`);
    await jsm.streams.purge(RATE_STREAM);
    const clientMs = (used.user + used.system) / 1000;
    return { rate: (count * 1000) / ms, clientUs: (clientMs * 1000) / count, serverUs: (serverMs * 1000) / count, clientBusy: (clientMs / ms) * 100, serverBusy: (serverMs / ms) * 100 };
  };

  // Make the stream, and warm up every path.
  if ((await store.append(encoded(records('warm', 1))[0]!)).length > 0) throw new Error('JetStream is not ready');
  await jsm.streams.purge(RATE_STREAM);
  for (const mode of MODES) await run(mode, `warm-${mode}`, 5_000);

  const load = loadavg()[0]!;
  const rounds = quick ? 3 : 5;
  const results: Record<Mode, Round[]> = { writer: [], store: [], raw: [] };
  for (let r = 0; r < rounds; r++) {
    const line: string[] = [];
    for (let k = 0; k < MODES.length; k++) {
      const mode = MODES[(r + k) % MODES.length]!;
      const x = await run(mode, `r${r}-${mode}`, n);
      results[mode].push(x);
      line.push(`${mode} ${x.rate.toFixed(0)}/s (${x.clientUs.toFixed(1)} + ${x.serverUs.toFixed(1)} µs, ${x.clientBusy.toFixed(0)}%/${x.serverBusy.toFixed(0)}%)`);
    }
    console.log(`  round ${r + 1}: ${line.join('; ')}`);
  }
  const pick = (mode: Mode, k: keyof Round) => results[mode].map((x) => x[k]);
  const ratios = results.writer.map((x, i) => x.rate / results.raw[i]!.rate);
  console.log(
    `JetStream: ${n} records a round (${decisions[0]!.response.candidates!.length} candidates each, ${encoded(records('size', 1))[0]![0]!.bytes.length} bytes), ${rounds} rounds, median (range): writer ${fmt(pick('writer', 'rate'))} records/s (goal >= 10,000/s); store only ${fmt(pick('store', 'rate'))}; raw publish ${fmt(pick('raw', 'rate'))} (the ceiling); writer / raw ${fmt(ratios, 2)}x`,
  );
  for (const mode of MODES) {
    console.log(
      `  ${mode}: this process ${fmt(pick(mode, 'clientUs'), 1)} µs CPU per record, busy ${fmt(pick(mode, 'clientBusy'))}% of a core; nats-server ${fmt(pick(mode, 'serverUs'), 1)} µs per record, busy ${fmt(pick(mode, 'serverBusy'))}%`,
    );
  }
  console.log(`  (1-minute load average ${load.toFixed(1)} before the rounds, ${loadavg()[0]!.toFixed(1)} after, on ${availableParallelism()} cores; busy under 100% is time spent waiting, for the other side or for a core)`);
  await writer.close();
  await jsm.streams.delete(RATE_STREAM);
  await bus.close();
  models.close();
}
