/**
 * What a Switchyard process keeps per request, whatever the machine's speed: the soak's request
 * mix (soak-load.ts) sent closed-loop at a fixed concurrency, and the server's memory sampled
 * every `--every` requests, right after a forced full collection. The figures are per request
 * count, not per minute, so a loaded machine changes how long the run takes, not what it shows.
 * Prints one line per sample and, at the end, the growth per 1,000 requests of each part over
 * the first and the second half of the run. It measures and prints; it passes or fails nothing.
 *
 *   node dist/services/bench/memory-growth-bench.js [--requests 30000] [--every 2000] [--concurrency 16]
 *     [--failure-rate 0.05] [--snapshot-dir DIR] [--json]
 *
 * --snapshot-dir writes a heap snapshot of the server after the first sample and at the end, to be
 * compared by constructor with heap-snapshot-diff.js.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { routerClient } from '../shared/grpc/router-client.js';
import { startChild, type Child } from './bench-children.js';
import { KINDS, send, soakConfig } from './soak-load.js';
import { sampleMemory, slope, type MemorySample } from './soak-memory.js';

type Sample = { requests: number; failed: number } & MemorySample;

/** Collects first (twice: a second pass frees what the first one's finalizers let go), then reads. */
async function settled(server: Child): Promise<MemorySample> {
  await sampleMemory(server, true);
  await sampleMemory(server, true);
  return sampleMemory(server, false);
}

const PARTS: Record<string, (s: Sample) => number | undefined> = {
  rss: (s) => s.rssMb,
  rss_anon: (s) => s.rssAnonMb,
  heap_used: (s) => s.heapMb,
  heap_total: (s) => s.heapTotalMb,
  old_committed: (s) => s.spaces.old?.committedMb,
  code_committed: (s) => s.spaces.code?.committedMb,
  external: (s) => s.externalMb,
  array_buffers: (s) => s.arrayBuffersMb,
};

/**
 * MB per 1,000 requests of each part, least squares over each half of the samples under load (the
 * idle sample before the first request is left out: the first requests warm the process up).
 */
function growth(all: Sample[]): Record<string, { first_half: number | null; second_half: number | null }> {
  const samples = all.filter((s) => s.requests > 0);
  const first = samples[0]?.requests ?? 0;
  const last = samples[samples.length - 1]?.requests ?? 0;
  const out: Record<string, { first_half: number | null; second_half: number | null }> = {};
  const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);
  for (const [name, part] of Object.entries(PARTS)) {
    const pts = samples.flatMap((s) => (part(s) === undefined ? [] : [[s.requests / 1000, part(s)!] as const]));
    const mid = (first + last) / 2;
    out[name] = { first_half: round(slope(pts.filter(([k]) => k * 1000 <= mid))), second_half: round(slope(pts.filter(([k]) => k * 1000 >= mid))) };
  }
  return out;
}

export async function runMemoryGrowth(o: { requests: number; every: number; concurrency: number; failureRate: number; snapshotDir?: string; print: (l: string) => void }) {
  const upstream = await startChild({ kind: 'upstream', delayMs: 20, failureRate: o.failureRate });
  const server = await startChild({ kind: 'switchyard', role: 'all', configPath: soakConfig(upstream.address, undefined) }, ['--expose-gc']);
  const client = routerClient(server.address);
  const samples: Sample[] = [];
  const snapshots: string[] = [];
  const snapshot = async (name: string) => {
    if (!o.snapshotDir) return;
    const reply = await server.ask({ type: 'heap-snapshot', path: join(o.snapshotDir, `growth-${name}.heapsnapshot`) });
    if (reply.type === 'heap-snapshot') snapshots.push(reply.path);
  };
  let next = 0;
  let done = 0;
  let failed = 0;
  const take = async () => {
    const s = { requests: done, failed, ...(await settled(server)) };
    samples.push(s);
    o.print(JSON.stringify(s));
  };
  await take();
  // Closed loop in rounds of `every` requests; the server is idle while it is sampled.
  while (next < o.requests) {
    const end = Math.min(o.requests, next + o.every);
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (next < end) {
          const i = next++;
          const answer = await send(client, KINDS[i % KINDS.length]!, i);
          done++;
          if (answer.code !== 0) failed++;
        }
      }),
    );
    await take();
    if (samples.length === 2) await snapshot(`${done}`);
  }
  await snapshot(`${done}`);
  client.close();
  await server.stop();
  await upstream.stop();
  return { requests: done, failed, concurrency: o.concurrency, growth_mb_per_1000_requests: growth(samples), ...(snapshots.length ? { heap_snapshots: snapshots } : {}), samples };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '30000' },
      every: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '16' },
      'failure-rate': { type: 'string', default: '0.05' },
      'snapshot-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const result = await runMemoryGrowth({
    requests: Number(values.requests),
    every: Number(values.every),
    concurrency: Number(values.concurrency),
    failureRate: Number(values['failure-rate']),
    ...(values['snapshot-dir'] ? { snapshotDir: values['snapshot-dir'] } : {}),
    print: (l) => process.stderr.write(`${l}\n`),
  });
  const { samples: _s, ...head } = result;
  process.stdout.write(`${JSON.stringify(values.json ? result : head, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) void main();
