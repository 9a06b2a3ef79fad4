/**
 * gRPC load on loopback with h2load (nghttp2-client), which is not a grpc-js client and so
 * is not the bottleneck: a pre-encoded gRPC request body is POSTed over HTTP/2 by `clients`
 * connections with `streams` concurrent streams each, for a fixed duration; per-request
 * latencies come from h2load's log file.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LoadRun {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Responses other than HTTP 200. */
  failed: number;
}

/** Frames a serialized protobuf message as one gRPC message (uncompressed). */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt8(0, 0);
  frame.writeUInt32BE(message.length, 1);
  Buffer.from(message).copy(frame, 5);
  return frame;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export async function h2loadAvailable(): Promise<boolean> {
  try {
    await run('h2load', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs h2load against `address` (host:port) calling `path` (e.g. /switchyard.v1.RouterService/Decide)
 * with `body` (a gRPC frame). Concurrency = clients × streams.
 */
export async function h2loadRun(opts: {
  address: string;
  path: string;
  body: Buffer;
  concurrency: number;
  durationS: number;
  warmupS?: number;
}): Promise<LoadRun> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-h2load-'));
  try {
    const bodyFile = join(dir, 'body.bin');
    const logFile = join(dir, 'requests.log');
    writeFileSync(bodyFile, opts.body);
    const clients = Math.min(opts.concurrency, 4);
    const streams = Math.ceil(opts.concurrency / clients);
    const { stdout } = await run(
      'h2load',
      [
        `http://${opts.address}${opts.path}`,
        '-c', String(clients),
        '-m', String(streams),
        '-t', '1',
        '-D', String(opts.durationS),
        '--warm-up-time', String(opts.warmupS ?? 1),
        '-d', bodyFile,
        '-H', 'content-type: application/grpc',
        '-H', 'te: trailers',
        '--log-file', logFile,
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    // Log lines: start time (µs since epoch), HTTP status, latency (µs).
    const latencies: number[] = [];
    let failed = 0;
    for (const line of readFileSync(logFile, 'utf8').split('\n')) {
      const [, status, us] = line.split('\t');
      if (!us) continue;
      if (status !== '200') failed++;
      latencies.push(Number(us) / 1000);
    }
    latencies.sort((a, b) => a - b);
    const rps = Number(/finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(stdout)?.[1] ?? NaN);
    return { rps, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), requests: latencies.length, failed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
