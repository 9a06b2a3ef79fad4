/**
 * How Decide's own time grows with the prompt's length and the catalog's size: the Decider
 * that the Decide RPC calls (validation, features and scores in the WASM core, prompt-cache
 * prefix hashes, rules, hard filters, policy, plan, explanation), timed in this process
 * without the transport, for each prompt size on each catalog. Beside it, two of its parts
 * timed alone on the same prompt: the scoring core, and the prompt's prefix hashes. Median µs
 * per call with the quartiles of the batches.
 */
import type { ChatMessage } from '../shared/contracts/provider.js';
import { startServer } from '../server/switchyard-server.js';
import { prefixBoundaries } from '../shared/bus/prefix-hash.js';
import { createLogger } from '../shared/log.js';
import { BenchConfigs } from './bench-config.js';
import { BENCH_REQUEST, decideMethod } from './decide-bench.js';
import { promptText } from './prompt-text.js';
import type { Spread } from './stats.js';
import { Timer, type TimerOptions } from './timer.js';
import type { RouteRequestFields } from '../router/decide/validate-request.js';

export interface ScalePlan {
  sizes: number[];
  catalogs: number[];
  rounds: number;
  batchesPerRound: number;
}

export interface ScaleCell {
  units: number;
  catalog: number;
  /** ns per call: the whole Decider, and the scoring core alone. */
  decide: Spread;
  core: Spread;
}

/** Decide on a catalog's smallest prompt with a given number of explained candidates. */
export interface ExplainCell {
  catalog: number;
  /** explain_top_k asked for; null: unset (the default). */
  k: number | null;
  decide: Spread;
  responseBytes: number;
}

/** The explain_top_k values timed on each catalog: unset, a small k, and every model. */
export const EXPLAIN_KS: readonly (number | null)[] = [null, 5, 1_000_000];

export interface ScaleBench {
  cells: ScaleCell[];
  /**
   * The Decider in a warm loop on the Decide benchmark's own request (decide-bench.ts
   * BENCH_REQUEST) and the built-in configuration, as the benchmark's server runs: the same
   * decision whose time the server reports.
   */
  benchRequest: { catalog: number; decide: Spread };
  explain: ExplainCell[];
  /** ns to hash the prompt's cache prefixes, per prompt size (independent of the catalog). */
  prefixHash: { units: number; ns: Spread }[];
}

const TIMING: TimerOptions = { warmupNs: 100_000_000, batchNs: 2_000_000 };
let sink = 0;

function sampleAll(timers: Timer[], plan: ScalePlan): void {
  for (const t of timers) t.prepare(TIMING);
  for (let round = 0; round < plan.rounds; round++) for (const t of timers) t.sample(plan.batchesPerRound);
}

export async function benchScale(plan: ScalePlan, progress: (line: string) => void = () => {}): Promise<ScaleBench> {
  const configs = new BenchConfigs();
  const method = decideMethod();
  const prompts = plan.sizes.map((units) => {
    const text = promptText('prose', units, units);
    const wire = method.requestSerialize({ messages: [{ role: 'ROLE_USER', content: [{ text }] }] });
    const messages: ChatMessage[] = [{ role: 'user', content: [{ type: 'text', text }] }];
    return { units, text, messages, request: method.requestDeserialize(wire) as RouteRequestFields };
  });
  const hashTimers = prompts.map((p) => new Timer(() => {
    sink += prefixBoundaries(p.messages).length;
  }));
  sampleAll(hashTimers, plan);
  const cells: ScaleCell[] = [];
  const explain: ExplainCell[] = [];
  const benchRequest = await timeBenchRequest(plan);
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
        const core = server.models!;
        const timers = prompts.map((p) => ({
          units: p.units,
          decide: new Timer(() => {
            sink += decider.decide(p.request).response.candidates.length;
          }),
          core: new Timer(() => {
            sink += core.run(p.text).estimatedTokens;
          }),
        }));
        const first = prompts[0]!;
        const byK = EXPLAIN_KS.map((k) => {
          const request = k === null ? first.request : { ...first.request, explainTopK: k };
          return { k, request, timer: new Timer(() => {
            sink += decider.decide(request).response.candidates.length;
          }) };
        });
        sampleAll([...timers.flatMap((t) => [t.decide, t.core]), ...byK.map((x) => x.timer)], plan);
        for (const t of timers) cells.push({ units: t.units, catalog, decide: t.decide.spread(), core: t.core.spread() });
        for (const x of byK) {
          const responseBytes = method.responseSerialize(decider.decide(x.request).response).length;
          explain.push({ catalog, k: x.k, decide: x.timer.spread(), responseBytes });
        }
      } finally {
        await server.shutdown(0);
      }
    }
  } finally {
    configs.remove();
  }
  if (sink === -1) console.log(sink);
  return { cells, explain, benchRequest, prefixHash: prompts.map((p, i) => ({ units: p.units, ns: hashTimers[i]!.spread() })) };
}

async function timeBenchRequest(plan: ScalePlan): Promise<ScaleBench['benchRequest']> {
  const server = await startServer({ listen: '127.0.0.1:0', watchModel: false, env: {}, log: createLogger('switchyard', { SWITCHYARD_LOG_LEVEL: 'error' }) });
  try {
    const method = decideMethod();
    const request = method.requestDeserialize(method.requestSerialize(BENCH_REQUEST)) as RouteRequestFields;
    const decider = server.decider!;
    const timer = new Timer(() => {
      sink += decider.decide(request).response.candidates.length;
    });
    sampleAll([timer], plan);
    return { catalog: decider.decide(request).response.candidates.length, decide: timer.spread() };
  } finally {
    await server.shutdown(0);
  }
}
