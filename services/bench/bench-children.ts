/**
 * Starts and stops the benchmark's child processes (child-main.ts, and the Portkey gateway),
 * and reads their resident memory from /proc.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildReply, ChildRequest, ChildSpec, ReadyMessage } from './child-main.js';

export interface Child {
  pid: number;
  /** host:port of a gRPC server, or the base URL of an HTTP API. */
  address: string;
  /** host:port of a Switchyard server's HTTP front door, when it serves one. */
  httpAddress?: string;
  ask(request: ChildRequest): Promise<ChildReply>;
  /** Resident memory in MB, when /proc can tell. */
  rssMb(): number | undefined;
  /** CPU time used so far (user + system, all threads), µs, when /proc can tell. */
  cpuUs(): number | undefined;
  stop(): Promise<void>;
}

const CHILD_MAIN = fileURLToPath(new URL('./child-main.js', import.meta.url));
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export function rssMb(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

export function cpuUs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / USER_HZ;
  } catch {
    return undefined;
  }
}

function stopProcess(p: ChildProcess): Promise<void> {
  live.delete(p);
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => p.kill('SIGKILL'), 3000);
    p.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    p.kill('SIGTERM');
  });
}

function tail(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString('utf8').slice(-2000);
}

/** `nodeArgs`: options for the child's node (e.g. `--expose-gc`), none by default. */
export function startChild(spec: ChildSpec, nodeArgs: string[] = []): Promise<Child> {
  const p = fork(CHILD_MAIN, [JSON.stringify(spec)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: nodeArgs });
  live.add(p);
  const stderr: Buffer[] = [];
  p.stderr!.on('data', (c: Buffer) => stderr.push(c));
  return new Promise((resolve, reject) => {
    const failed = (why: string) => {
      void stopProcess(p);
      reject(new Error(`benchmark child ${spec.kind} ${why}\n${tail(stderr)}`));
    };
    const timer = setTimeout(() => failed('did not start within 60 s'), 60_000);
    p.once('exit', (code) => failed(`exited with ${code}`));
    p.once('message', (m: ReadyMessage) => {
      clearTimeout(timer);
      p.removeAllListeners('exit');
      resolve({
        pid: p.pid!,
        address: m.address,
        ...(m.httpAddress ? { httpAddress: m.httpAddress } : {}),
        ask: (request) =>
          new Promise((res) => {
            p.once('message', (reply: ChildReply) => res(reply));
            p.send(request);
          }),
        rssMb: () => rssMb(p.pid!),
        cpuUs: () => cpuUs(p.pid!),
        stop: () => stopProcess(p),
      });
    });
  });
}

/** A TCP port that was free a moment ago, for a server that cannot be told to pick one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface PortkeyInstall {
  version: string;
  script: string;
}

/** The installed @portkey-ai/gateway (a devDependency), or why it cannot be used. */
export function findPortkey(): PortkeyInstall | string {
  try {
    const pkgFile = createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string; bin: string | Record<string, string> };
    const bin = typeof pkg.bin === 'string' ? pkg.bin : Object.values(pkg.bin)[0]!;
    return { version: pkg.version, script: join(dirname(pkgFile), bin) };
  } catch (e) {
    return `@portkey-ai/gateway is not installed (${(e as Error).message.split('\n')[0]}); run npm ci`;
  }
}

/** Starts the Portkey gateway (its own Node server) on a local port and waits until it answers. */
export async function startPortkey(install: PortkeyInstall): Promise<Child> {
  const port = await freePort();
  const p = spawn(process.execPath, [install.script, `--port=${port}`, '--headless'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  live.add(p);
  const stderr: Buffer[] = [];
  p.stderr!.on('data', (c: Buffer) => stderr.push(c));
  const address = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (p.exitCode !== null) throw new Error(`the Portkey gateway exited with ${p.exitCode}\n${tail(stderr)}`);
    try {
      await fetch(`${address}/`, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stopProcess(p);
        throw new Error(`the Portkey gateway did not answer on ${address} within 30 s\n${tail(stderr)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    pid: p.pid!,
    address,
    ask: () => Promise.reject(new Error('the Portkey gateway takes no requests on IPC')),
    rssMb: () => rssMb(p.pid!),
    cpuUs: () => cpuUs(p.pid!),
    stop: () => stopProcess(p),
  };
}

/** Samples a process's resident memory every `everyMs` until stopped; returns the largest. */
export function sampleRss(child: Child, everyMs = 100): { stop(): number | undefined } {
  let max: number | undefined;
  const take = () => {
    const v = child.rssMb();
    if (v !== undefined) max = Math.max(max ?? 0, v);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return max;
    },
  };
}
