/**
 * Starts real nats-server processes on loopback for tests: one server on a free port, or a
 * cluster of several. Every process started here is killed by `stop()` (and on exit).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface NatsServer {
  port: number;
  url: string;
  /** Kills the process (SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port(s). */
  restart(): Promise<void>;
}

async function launch(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(NATS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let out = '';
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nats-server did not start:\n${out}`)), 10_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code}:\n${out}`));
    });
  });
  return { child, match };
}

function stopper(child: () => ChildProcess | undefined): () => Promise<void> {
  return async () => {
    const c = child();
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
}

const LISTENING = /Listening for client connections on [^:]+:(\d+)/;

/**
 * One server: `-a 127.0.0.1 -p -1` picks a free port; a restart reuses it. With `jetstream` (or
 * `jetStreamDir`, a directory), JetStream is on (`-js -sd DIR`) and a restart keeps what was stored.
 */
export async function startNatsServer(opts: { jetstream?: string; jetStreamDir?: string } = {}): Promise<NatsServer> {
  const dir = opts.jetstream ?? opts.jetStreamDir;
  const js = dir ? ['-js', '-sd', dir] : [];
  let { child, match } = await launch(['-a', '127.0.0.1', '-p', '-1', ...js], LISTENING);
  const port = Number(match[1]);
  const server: NatsServer = {
    port,
    url: `nats://127.0.0.1:${port}`,
    stop: stopper(() => child),
    async restart() {
      await server.stop();
      ({ child } = await launch(['-a', '127.0.0.1', '-p', String(port), ...js], LISTENING));
    },
  };
  return server;
}

/** A cluster of `n` nodes on loopback, every node routed to every other; with `jetStreamDir`, JetStream on every node (each its own folder under it). */
export async function startNatsCluster(n = 3, opts: { jetStreamDir?: string } = {}): Promise<NatsServer[]> {
  const ports = await Promise.all(Array.from({ length: n }, freePort));
  const clusterPorts = await Promise.all(Array.from({ length: n }, freePort));
  const routes = clusterPorts.map((p) => `nats://127.0.0.1:${p}`).join(',');
  const js = (i: number) => (opts.jetStreamDir ? ['-js', '-sd', `${opts.jetStreamDir}/node${i}`] : []);
  const args = (i: number) => ['-a', '127.0.0.1', '-p', String(ports[i]), '-n', `node${i}`, '--cluster_name', 'switchyard-test', '--cluster', `nats://127.0.0.1:${clusterPorts[i]}`, '--routes', routes, ...js(i)];
  const nodes: NatsServer[] = [];
  for (let i = 0; i < n; i++) {
    let { child } = await launch(args(i), LISTENING);
    const node: NatsServer = {
      port: ports[i]!,
      url: `nats://127.0.0.1:${ports[i]}`,
      stop: stopper(() => child),
      async restart() {
        await node.stop();
        ({ child } = await launch(args(i), LISTENING));
      },
    };
    nodes.push(node);
  }
  return nodes;
}
