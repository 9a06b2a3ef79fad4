/**
 * Resident memory of a Switchyard process (router and executor in one), idle and under Decide
 * load, with the built-in catalog and with a catalog of many models. Each server runs in its
 * own process; RSS comes from /proc, sampled every 100 ms during the load.
 */
import { BenchConfigs } from './bench-config.js';
import { sampleRss, startChild } from './bench-children.js';
import { decideLoad, decideOnce } from './decide-bench.js';
import type { LoadRun } from './h2load.js';

export interface MemoryFigure {
  catalogModels: number;
  idleMb: number | undefined;
  loadMb: number | undefined;
  /** The load that `loadMb` was measured under. */
  load: LoadRun & { concurrency: number };
  responseBytes: number;
}

export interface MemoryPlan {
  /** Models in the large catalog. */
  largeCatalog: number;
  concurrency: number;
  durationS: number;
  warmupS: number;
}

async function measure(configPath: string | undefined, plan: MemoryPlan): Promise<MemoryFigure> {
  const server = await startChild({ kind: 'switchyard', role: 'all', ...(configPath ? { configPath } : {}) });
  try {
    const answer = await decideOnce(server.address);
    await new Promise((r) => setTimeout(r, 1000));
    const idleMb = server.rssMb();
    const rss = sampleRss(server);
    const load = await decideLoad(server.address, plan.concurrency, plan);
    return { catalogModels: answer.candidates, idleMb, loadMb: rss.stop(), load: { ...load, concurrency: plan.concurrency }, responseBytes: answer.bytes.length };
  } finally {
    await server.stop();
  }
}

export async function benchMemory(plan: MemoryPlan, progress: (line: string) => void = () => {}): Promise<{ builtIn: MemoryFigure; large: MemoryFigure }> {
  const configs = new BenchConfigs();
  try {
    progress('memory: built-in catalog');
    const builtIn = await measure(undefined, plan);
    progress(`memory: catalog of ${plan.largeCatalog} models`);
    const large = await measure(configs.catalog(plan.largeCatalog), plan);
    return { builtIn, large };
  } finally {
    configs.remove();
  }
}
