/**
 * The same decision hot and after a pause: why the server's decision time (decision_time_ns,
 * over sequential calls) is several times the Decider's in a warm loop. In one process, on the
 * Decide benchmark's request and the built-in configuration, the Decider is timed in a tight
 * loop, then once after each 1 ms pause (a timer, as a server waits for its next call), with the
 * CPU time the process spent on that decision. While the process waits, other processes use the
 * core and its caches: a decision after a pause pays for reloading them, which no change to the
 * server's gRPC path removes.
 *
 * Two more 1 ms gaps tell the thread's sleep from the caches: a busy wait (the thread keeps its
 * core and touches almost nothing), and a sweep of random writes through 8 MB (this process
 * evicts every cache level itself, without sleeping). When a decision after the sleep costs
 * more than one after the sweep, what the sleep costs is not the decision's own data and code
 * falling out of the caches, which a smaller working set would shrink.
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
    const spun: number[] = [];
    const swept: number[] = [];
    const junk = new Float64Array(1 << 20);
    let j = 0;
    for (let i = 0; i < calls; i++) {
      let end = performance.now() + 1;
      while (performance.now() < end) sink++;
      let t0 = performance.now();
      sink += decider.decide(request).eligibleCount;
      spun.push((performance.now() - t0) * 1000);
      end = performance.now() + 1;
      while (performance.now() < end) {
        for (let k = 0; k < 4096; k++) {
          j = (j + 4099) & (junk.length - 1);
          junk[j]! += 1;
        }
      }
      t0 = performance.now();
      sink += decider.decide(request).eligibleCount;
      swept.push((performance.now() - t0) * 1000);
    }
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`load average ${load}; ${calls} decisions each`);
    console.log(`hot (back to back):       ${show(quartiles(hot))}`);
    console.log(`after a 1 ms pause:       ${show(quartiles(paused))}; decision_time_ns ${show(quartiles(reported))}; CPU ${show(quartiles(cpu))}`);
    console.log(`paused / hot:             ${(quartiles(paused).median / quartiles(hot).median).toFixed(2)}x`);
    console.log(`after a 1 ms busy wait:   ${show(quartiles(spun))}`);
    console.log(`after a 1 ms sweep of 8 MB: ${show(quartiles(swept))}`);
    if (sink === -1) console.log(sink);
  } finally {
    await server.shutdown(0);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
