/**
 * The cost of the HTTP client under Execute's upstream call: Node's fetch (undici), which the
 * executor's provider adapters use, against node:http with a keep-alive agent, each calling
 * the same upstream with the same body one request at a time, in alternating rounds. Reports
 * the median round trip and this process's CPU per call (the client's side only).
 */
import { Agent, request } from 'node:http';
import { quantile, sorted, spread, type Spread } from './stats.js';

export interface ClientFigure {
  /** Round trip, ms: the median over rounds of each round's p50. */
  p50Ms: Spread;
  /** CPU of this process per call, µs: the median over rounds. */
  cpuUs: Spread;
}

export interface UpstreamClientBench {
  fetch: ClientFigure;
  nodeHttp: ClientFigure;
  callsPerRound: number;
}

type Call = () => Promise<unknown>;

function fetchCall(url: string, body: string): Call {
  return async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
      signal: new AbortController().signal,
    });
    return JSON.parse(await res.text()) as unknown;
  };
}

function nodeHttpCall(url: string, body: string): Call {
  const u = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const length = String(Buffer.byteLength(body));
  return () =>
    new Promise((resolve, reject) => {
      const req = request(
        { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': length } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

async function round(call: Call, n: number): Promise<{ p50Ms: number; cpuUs: number }> {
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call();
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  return { p50Ms: quantile(sorted(times), 0.5), cpuUs: (cpu.user + cpu.system) / n };
}

export async function benchUpstreamClients(url: string, body: string, o: { calls: number; rounds: number }): Promise<UpstreamClientBench> {
  const calls = { fetch: fetchCall(url, body), nodeHttp: nodeHttpCall(url, body) };
  const results = { fetch: [] as { p50Ms: number; cpuUs: number }[], nodeHttp: [] as { p50Ms: number; cpuUs: number }[] };
  for (const c of Object.values(calls)) await round(c, Math.min(200, o.calls));
  for (let r = 0; r < o.rounds; r++) {
    results.fetch.push(await round(calls.fetch, o.calls));
    results.nodeHttp.push(await round(calls.nodeHttp, o.calls));
  }
  const figure = (xs: { p50Ms: number; cpuUs: number }[]): ClientFigure => ({ p50Ms: spread(xs.map((x) => x.p50Ms)), cpuUs: spread(xs.map((x) => x.cpuUs)) });
  return { fetch: figure(results.fetch), nodeHttp: figure(results.nodeHttp), callsPerRound: o.calls };
}
