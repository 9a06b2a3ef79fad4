/**
 * How Decide's own time grows with the prompt's length and the catalog's size: the Decider
 * that the Decide RPC calls (validation, features and scores in the WASM core, rules, hard
 * filters, policy, plan, explanation), timed in this process without the transport, for each
 * prompt size on each catalog. Median µs per decision with the quartiles of the batches.
 */
import { startServer } from '../../services/server/switchyard-server.js';
import { createLogger } from '../../services/shared/log.js';
import { BenchConfigs } from './bench-config.js';
import { decideMethod } from './decide-bench.js';
import { promptText } from './prompt-text.js';
import type { Spread } from './stats.js';
import { Timer } from './timer.js';

export interface ScalePlan {
  sizes: number[];
  catalogs: number[];
  rounds: number;
  batchesPerRound: number;
}

export interface ScaleCell {
  units: number;
  catalog: number;
  /** ns per decision. */
  decide: Spread;
}

let sink = 0;

export async function benchScale(plan: ScalePlan, progress: (line: string) => void = () => {}): Promise<ScaleCell[]> {
  const configs = new BenchConfigs();
  const method = decideMethod();
  const requests = plan.sizes.map((units) => {
    const wire = method.requestSerialize({ messages: [{ role: 'ROLE_USER', content: [{ text: promptText('prose', units, units) }] }] });
    return { units, request: method.requestDeserialize(wire) as never };
  });
  const cells: ScaleCell[] = [];
  try {
    for (const catalog of plan.catalogs) {
      progress(`scale: catalog of ${catalog} models`);
      const server = await startServer({
        configPath: configs.catalog(catalog),
        listen: '127.0.0.1:0',
        watchModel: false,
        env: {},
        log: createLogger('switchyard', { SWITCHYARD_LOG_LEVEL: 'error' }),
      });
      try {
        const decider = server.decider!;
        const timers = requests.map(({ units, request }) => ({
          units,
          timer: new Timer(() => {
            sink += decider.decide(request).response.candidates.length;
          }),
        }));
        for (const t of timers) t.timer.prepare({ warmupNs: 100_000_000, batchNs: 2_000_000 });
        for (let round = 0; round < plan.rounds; round++) for (const t of timers) t.timer.sample(plan.batchesPerRound);
        for (const t of timers) cells.push({ units: t.units, catalog, decide: t.timer.spread() });
      } finally {
        await server.shutdown(0);
      }
    }
  } finally {
    configs.remove();
  }
  if (sink === -1) console.log(sink);
  return cells;
}
