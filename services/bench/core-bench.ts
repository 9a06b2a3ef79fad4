/**
 * Benchmark of the scoring cores: median wall time of one `run()` per prompt size and catalog
 * size, WASM against the TypeScript reference. Measures and returns figures; never asserts.
 *
 * Each figure is the median of many timed batches, taken in several rounds over all
 * configurations so that a burst of load on the machine spoils a few batches of each figure
 * rather than every batch of one. Both cores are timed in the same rounds, side by side.
 */
import { SAMPLE_MAX_BYTES } from '../router/core/feature-spec.js';
import { samplePrompt } from '../router/core/sampler.js';
import type { ScoringCore } from '../router/core/scoring-core.js';
import { ReferenceCore, WasmCore } from '../router/core/wasm-core.js';
import { randomCatalog, randomModel } from './random-model.js';
import { promptText, type BenchText } from './prompt-text.js';
import type { Spread } from './stats.js';
import { Timer } from './timer.js';

export interface BenchOptions {
  /** Prompt sizes in UTF-16 code units (bytes, for prose). */
  sizes: number[];
  /** Catalog sizes. */
  catalogs: number[];
  text: BenchText;
  dim: number;
  profiles: number;
  /** Rounds over all configurations, and timed batches per figure in each round. */
  rounds: number;
  batchesPerRound: number;
  /** Minimum length of a timed batch of runs. */
  batchNs: number;
  /** Untimed running per figure before the first round, for V8 to optimise both cores. */
  warmupNs: number;
  wasmPath?: string;
}

export const DEFAULT_BENCH: BenchOptions = {
  sizes: [200, 4 << 10, 100 << 10, 1 << 20],
  catalogs: [4, 12, 50],
  text: 'prose',
  dim: 16,
  profiles: 31,
  rounds: 5,
  batchesPerRound: 21,
  batchNs: 50_000,
  warmupNs: 50_000_000,
};

/** Fewer, shorter batches: `switchyard bench --quick`. */
export const QUICK_BENCH: Partial<BenchOptions> = { rounds: 3, batchesPerRound: 11, warmupNs: 20_000_000 };

export interface BenchRow {
  text: BenchText;
  units: number;
  catalog: number;
  /** ns per run: median and interquartile range over the timed batches. */
  wasm: Spread;
  reference: Spread;
  /** ns of samplePrompt alone (TextEncoder into a buffer), which both cores pay. */
  sample: Spread;
}

let sink = 0;

interface Config {
  units: number;
  catalog: number;
  wasm: Timer;
  reference: Timer;
  sample: Timer;
  /** Puts this configuration's catalog into both cores. */
  select(): void;
}

export async function benchCore(options: Partial<BenchOptions> = {}): Promise<BenchRow[]> {
  const o: BenchOptions = { ...DEFAULT_BENCH, ...options };
  const model = randomModel(1, o.dim, o.profiles);
  const wasm = await WasmCore.create(o.wasmPath === undefined ? {} : { wasmPath: o.wasmPath });
  const reference = new ReferenceCore();
  wasm.load(model);
  reference.load(model);
  const buffer = new Uint8Array(SAMPLE_MAX_BYTES);
  const run = (core: ScoringCore, text: string) => () => {
    sink += core.run(text).estimatedTokens;
  };

  const configs: Config[] = [];
  for (const units of o.sizes) {
    const text = promptText(o.text, units, units);
    const sample = new Timer(() => {
      sink += samplePrompt(text, buffer).bytes;
    });
    for (const catalog of o.catalogs) {
      const entries = randomCatalog(catalog, catalog, o.profiles);
      const select = (): void => {
        wasm.setCatalog(entries);
        reference.setCatalog(entries);
      };
      configs.push({ units, catalog, wasm: new Timer(run(wasm, text)), reference: new Timer(run(reference, text)), sample, select });
    }
  }
  for (const c of configs) {
    c.select();
    for (const t of [c.wasm, c.reference, c.sample]) t.prepare(o);
  }
  for (let round = 0; round < o.rounds; round++) {
    for (const c of configs) {
      c.select();
      for (const t of [c.wasm, c.reference, c.sample]) t.sample(o.batchesPerRound);
    }
  }
  if (sink === -1) console.log(sink);
  return configs.map((c) => ({
    text: o.text,
    units: c.units,
    catalog: c.catalog,
    wasm: c.wasm.spread(),
    reference: c.reference.spread(),
    sample: c.sample.spread(),
  }));
}
