/**
 * The same decision hot and after a pause: why the server's decision time (decision_time_ns,
 * over sequential calls) is several times the Decider's in a warm loop. In one process, on the
 * Decide benchmark's request and the built-in configuration, the Decider is timed in a tight
 * loop, then once after each 1 ms pause (a timer, as a server waits for its next call), with the
 * CPU time the process spent on that decision. While the process waits, other processes use the
 * core and its caches: a decision after a pause pays for reloading them, which no change to the
 * server's gRPC path removes.
 *
 *   node dist/services/bench/cold-decide-bench.js [--calls 300]
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from '../server/switchyard-server.js';
import type { RouteRequestFields } from '../router/decide/validate-request.js';
import { createLogger } from '../shared/log.js';
import { BENCH_REQUEST, decideMethod } from './decide-bench.js';
import { quartiles, type Spread } from './stats.js';

const at = process.argv.indexOf('--calls');
const calls = at >= 0 ? Number(process.argv[at + 1]) : 300;

const show = (s: Spread) => `${s.median.toFixed(1)} µs (${s.lo.toFixed(1)}–${s.hi.toFixed(1)})`;

async function main(): Promise<void> {
  const server = await startServer({ listen: '127.0.0.1:0', watchModel: false, env: {}, log: createLogger('switchyard', { SWITCHYARD_LOG_LEVEL: 'error' }) });
  try {
    const method = decideMethod();
    const request = method.requestDeserialize(method.requestSerialize(BENCH_REQUEST)) as RouteRequestFields;
    const decider = server.decider!;
    let sink = 0;
    for (let i = 0; i < 20_000; i++) sink += decider.decide(request).eligibleCount;
    const hot: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      sink += decider.decide(request).eligibleCount;
      hot.push((performance.now() - t0) * 1000);
    }
    const paused: number[] = [];
    const reported: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < calls; i++) {
      await sleep(1);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const d = decider.decide(request);
      paused.push((performance.now() - t0) * 1000);
      const c = process.cpuUsage(c0);
      cpu.push(c.user + c.system);
      reported.push(d.response.decisionTimeNs / 1000);
      sink += d.eligibleCount;
    }
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`load average ${load}; ${calls} decisions each`);
    console.log(`hot (back to back):       ${show(quartiles(hot))}`);
    console.log(`after a 1 ms pause:       ${show(quartiles(paused))}; decision_time_ns ${show(quartiles(reported))}; CPU ${show(quartiles(cpu))}`);
    console.log(`paused / hot:             ${(quartiles(paused).median / quartiles(hot).median).toFixed(2)}x`);
    if (sink === -1) console.log(sink);
  } finally {
    await server.shutdown(0);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
