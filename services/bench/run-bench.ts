/**
 * Runs every benchmark in turn on this machine and returns one results object: the scoring
 * core, Decide against a no-op server, Execute's added latency (with Portkey alongside),
 * memory, and Decide's scaling. Progress lines go to `progress`; nothing is asserted.
 */
import { loadavg } from 'node:os';
import { buildResults, type BenchResults } from './bench-results.js';
import type { BenchPlan } from './bench-plan.js';
import { benchCore } from './core-bench.js';
import { benchDecide } from './decide-bench.js';
import { benchExecute } from './execute-bench.js';
import { h2loadVersion } from './h2load.js';
import { describeMachine } from './machine.js';
import { benchMemory } from './memory-bench.js';
import { benchScale } from './scale-bench.js';
import { judgeTargets } from './targets.js';

export class MissingToolError extends Error {}

export async function runBench(plan: BenchPlan, progress: (line: string) => void = () => {}): Promise<BenchResults> {
  const h2load = await h2loadVersion();
  if (h2load === undefined) {
    throw new MissingToolError('h2load is not installed: install nghttp2-client (`make system-deps` does) and run again');
  }
  const startedAt = new Date();
  const t0 = performance.now();
  const machine = describeMachine(h2load);
  const step = (line: string) => progress(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);

  step('core: WASM and TypeScript reference');
  const core = await benchCore(plan.core);
  const coreCjk = await benchCore(plan.coreCjk);
  step('scale: the Decider by prompt and catalog size');
  const scale = await benchScale(plan.scale, step);
  const decide = await benchDecide(plan.decide, step);
  const execute = await benchExecute(plan.execute, step);
  const memory = await benchMemory(plan.memory, step);
  machine.loadAverage.end = loadavg()[0]!;

  const results = buildResults({ mode: plan.mode, startedAt, durationS: (performance.now() - t0) / 1000, machine, core, coreCjk, decide, execute, memory, scale });
  results.targets = judgeTargets(results);
  step('done');
  return results;
}
