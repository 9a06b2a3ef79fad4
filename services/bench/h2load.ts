/**
 * Load on loopback with h2load (Debian's nghttp2-client), a C load generator that is not the
 * bottleneck for a Node server: a pre-encoded request body is POSTed for a fixed duration by
 * `concurrency` requests in flight at once, and per-request latencies come from its log file.
 *
 * Two modes: gRPC over HTTP/2 (a framed protobuf body; up to 4 connections, the rest as
 * concurrent streams on them, as a gRPC client multiplexes), and JSON over HTTP/1.1 keep-alive
 * (`h1`; one connection per request in flight, no pipelining), for OpenAI-compatible servers.
 *
 * h2load's log has one line per stream that closed during the measured period: start time (µs
 * since the epoch), HTTP status, and µs until the end of the response. Streams still in flight
 * when the period ends are not logged. h2load records a status only for headers that arrive in
 * the measured period, so a stream whose answer began during the warm-up and ended after it is
 * logged with status 0: it is not a failure, and its time is not a measured latency. A stream
 * that closed without a response (reset, connection lost) is logged with status -1.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { quantile, sorted } from './stats.js';

const run = promisify(execFile);

export interface LoadRun {
  /** Streams completed per second over the measured period (h2load's figure). */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses timed in the measured period. */
  requests: number;
  /** Responses whose HTTP status is not 2xx. (A gRPC error travels in HTTP 200 trailers.) */
  failed: number;
  /** Streams that closed without a response (status -1). */
  errors: number;
  /** Responses that began during the warm-up (status 0): neither timed nor failed. */
  straddled: number;
}

export interface LoadOptions {
  /** Full URL, e.g. http://127.0.0.1:50051/switchyard.v1.RouterService/Decide */
  url: string;
  body: Buffer;
  headers: string[];
  /** HTTP/1.1 keep-alive instead of HTTP/2. */
  h1?: boolean;
  concurrency: number;
  durationS: number;
  warmupS: number;
}

/** Frames a serialized protobuf message as one gRPC message (uncompressed). */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt8(0, 0);
  frame.writeUInt32BE(message.length, 1);
  Buffer.from(message).copy(frame, 5);
  return frame;
}

export const GRPC_HEADERS = ['content-type: application/grpc', 'te: trailers'];

export async function h2loadVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await run('h2load', ['--version']);
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/** Parses h2load's per-request log. */
export function parseH2loadLog(text: string): { latenciesMs: number[]; failed: number; errors: number; straddled: number } {
  const latenciesMs: number[] = [];
  let failed = 0;
  let errors = 0;
  let straddled = 0;
  for (const line of text.split('\n')) {
    const [, statusText, us] = line.split('\t');
    if (us === undefined) continue;
    const status = Number(statusText);
    if (status === 0) straddled++;
    else if (status < 0) errors++;
    else {
      if (status < 200 || status > 299) failed++;
      latenciesMs.push(Number(us) / 1000);
    }
  }
  return { latenciesMs: sorted(latenciesMs), failed, errors, straddled };
}

export async function h2loadRun(o: LoadOptions): Promise<LoadRun> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-h2load-'));
  try {
    const bodyFile = join(dir, 'body.bin');
    const logFile = join(dir, 'requests.log');
    writeFileSync(bodyFile, o.body);
    const clients = o.h1 ? o.concurrency : Math.min(o.concurrency, 4);
    const streams = o.h1 ? 1 : Math.ceil(o.concurrency / clients);
    const args = [
      o.url,
      '-c', String(clients),
      '-m', String(streams),
      '-t', '1',
      '-D', `${Math.round(o.durationS * 1000)}ms`,
      '--warm-up-time', `${Math.round(o.warmupS * 1000)}ms`,
      '-d', bodyFile,
      '--log-file', logFile,
      ...o.headers.flatMap((h) => ['-H', h]),
      ...(o.h1 ? ['--h1'] : []),
    ];
    const { stdout } = await run('h2load', args, { maxBuffer: 16 * 1024 * 1024 });
    const { latenciesMs, ...counts } = parseH2loadLog(readFileSync(logFile, 'utf8'));
    const rps = Number(/finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(stdout)?.[1] ?? NaN);
    return { rps, p50Ms: quantile(latenciesMs, 0.5), p99Ms: quantile(latenciesMs, 0.99), requests: latenciesMs.length, ...counts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
