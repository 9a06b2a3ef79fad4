/** What a full and a quick benchmark run measure, and for how long. */
import { QUICK_BENCH, type BenchOptions } from './core-bench.js';
import type { LoadPlan } from './decide-bench.js';
import type { ExecutePlan } from './execute-bench.js';
import type { MemoryPlan } from './memory-bench.js';
import type { ScalePlan } from './scale-bench.js';

export interface BenchPlan {
  mode: 'full' | 'quick';
  core: Partial<BenchOptions>;
  /** The CJK rows: three UTF-8 bytes per code unit, the core's slowest text per unit. */
  coreCjk: Partial<BenchOptions>;
  decide: LoadPlan;
  execute: ExecutePlan;
  memory: MemoryPlan;
  scale: ScalePlan;
}

const PROMPT_SIZES = [200, 4 << 10, 100 << 10, 1 << 20];

export const FULL_PLAN: BenchPlan = {
  mode: 'full',
  core: {},
  coreCjk: { text: 'cjk', sizes: [4 << 10, 1 << 20], catalogs: [12] },
  decide: { concurrency: [1, 16, 64], durationS: 3, warmupS: 1, repeats: 5 },
  execute: { delaysMs: [0, 50], concurrency: [1, 64], durationS: 3, warmupS: 1, repeats: 3, clientCalls: 1000 },
  memory: { largeCatalog: 1000, concurrency: 64, durationS: 4, warmupS: 1 },
  scale: { sizes: PROMPT_SIZES, catalogs: [4, 12, 50, 1000], rounds: 3, batchesPerRound: 7 },
};

export const QUICK_PLAN: BenchPlan = {
  mode: 'quick',
  core: QUICK_BENCH,
  coreCjk: { ...QUICK_BENCH, text: 'cjk', sizes: [1 << 20], catalogs: [12] },
  decide: { concurrency: [1, 16, 64], durationS: 1, warmupS: 0.3, repeats: 2 },
  execute: { delaysMs: [0, 50], concurrency: [1, 64], durationS: 1, warmupS: 0.3, repeats: 2, clientCalls: 300 },
  memory: { largeCatalog: 1000, concurrency: 64, durationS: 1, warmupS: 0.3 },
  scale: { sizes: PROMPT_SIZES, catalogs: [12, 1000], rounds: 2, batchesPerRound: 5 },
};
