/**
 * ScoringCore over the WASM core (assembly/, built to build/switchyard-core.wasm).
 *
 * The sampler encodes the prompt sample straight into the core's sample buffer (a view on WASM
 * memory), so prompt text is copied once; `run` is one call into WASM, and the result's views
 * look at the core's output areas. Views are rebuilt only when memory grows, which happens only
 * in `load`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DENSE_FEATURES, MAX_TOKENS, SAMPLE_MAX_BYTES, type Script } from './feature-spec.js';
import { samplePrompt } from './sampler.js';
import { checkCatalog, checkModel, NO_PRIOR, type CatalogEntry, type CoreResult, type ScoringCore, type TierPrior } from './scoring-core.js';
import type { RouterModel } from '../model/router-model-file.js';

export type { CatalogEntry, CoreResult, ScoringCore, TierPrior } from './scoring-core.js';
export { ReferenceCore } from './reference-core.js';

export const CORE_WASM_FILE = 'switchyard-core.wasm';

/** Constants the core exports, to hold against feature-spec.ts and scoring-core.ts. */
export const CORE_CONSTANTS = [
  'FEATURE_VERSION', 'SAMPLE_WHOLE_UNITS', 'HEAD_UNITS', 'TAIL_UNITS', 'MIDDLE_CHUNKS', 'CHUNK_UNITS',
  'SAMPLE_MAX_BYTES', 'LEX_HEAD_BYTES', 'LEX_TAIL_BYTES', 'MAX_TOKENS', 'BUCKET_BITS', 'BUCKETS',
  'FNV_OFFSET', 'FNV_PRIME', 'BIGRAM_MIX', 'DENSE_FEATURES', 'MAX_DIM', 'MAX_PROFILES', 'MAX_CATALOG',
] as const;
export type CoreConstant = (typeof CORE_CONSTANTS)[number];

/** The module's exports (assembly/index.ts; assembly/io.ts documents each call). */
type CoreExports = {
  memory: WebAssembly.Memory;
  samplePtr(): number;
  catalogProfilePtr(): number;
  catalogShiftPtr(): number;
  scalarsPtr(): number;
  densePtr(): number;
  tokensPtr(): number;
  logitsPtr(): number;
  qualityPtr(): number;
  reserve(dim: number, profiles: number): number;
  setCatalog(n: number): number;
  run(len: number, totalUnits: number, sampledUnits: number, gapScale: number, lift: number): void;
} & Record<CoreConstant, WebAssembly.Global>;

/** The run's scalar outputs (assembly/layout.ts OUT_SCALARS): f64 estimated tokens, i32 script, i32 token count. */
const ESTIMATED_TOKENS_F64 = 0;
const SCRIPT_I32 = 2;
const TOKEN_COUNT_I32 = 3;

export interface WasmCoreOptions {
  /** The .wasm file; by default build/switchyard-core.wasm, found by locateCoreWasm. */
  wasmPath?: string;
}

/**
 * Finds build/<file> in the closest directory at or above this module's that has it: the repo
 * root, whether this runs as services/…/wasm-core.ts or as dist/services/…/wasm-core.js.
 */
export function locateCoreWasm(file: string = CORE_WASM_FILE): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'build', file);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`build/${file} not found above ${dirname(fileURLToPath(import.meta.url))}: run npx asc --config asconfig.json --target release`);
    dir = parent;
  }
}

export class WasmCore implements ScoringCore {
  /** Compiles and instantiates the core synchronously (start-up code only). */
  static createSync(options: WasmCoreOptions = {}): WasmCore {
    const module = new WebAssembly.Module(readFileSync(options.wasmPath ?? locateCoreWasm()));
    return new WasmCore(new WebAssembly.Instance(module, {}));
  }

  /** Compiles and instantiates the core without blocking the event loop. */
  static async create(options: WasmCoreOptions = {}): Promise<WasmCore> {
    const module = await WebAssembly.compile(await readFile(options.wasmPath ?? locateCoreWasm()));
    return new WasmCore(await WebAssembly.instantiate(module, {}));
  }

  private readonly core: CoreExports;
  private profiles = 0;
  private catalogSize = 0;
  private sample!: Uint8Array;
  private scalarsF64!: Float64Array;
  private scalarsI32!: Int32Array;
  private readonly result: CoreResult;

  private constructor(instance: WebAssembly.Instance) {
    this.core = instance.exports as unknown as CoreExports;
    this.result = {
      estimatedTokens: 0,
      script: 0 as Script,
      dense: new Float64Array(0),
      tokenCount: 0,
      tokens: new Uint32Array(0),
      sampleBytes: 0,
      logits: new Float64Array(0),
      quality: new Float64Array(0),
    };
    this.bindViews();
  }

  /** The spec constants compiled into the core (u32 values read unsigned). */
  constants(): Record<CoreConstant, number> {
    const out = {} as Record<CoreConstant, number>;
    for (const name of CORE_CONSTANTS) out[name] = (this.core[name].value as number) >>> 0;
    return out;
  }

  load(model: RouterModel): void {
    this.profiles = 0;
    this.catalogSize = 0;
    this.core.reserve(0, 0); // drops the previous model and catalog even if the new one is rejected
    this.bindViews();
    checkModel(model);
    const { dim, profiles } = model.header;
    const ptr = this.core.reserve(dim, profiles.length);
    if (ptr === 0) throw new RangeError(`the core cannot hold a model of dim ${dim} with ${profiles.length} profiles`);
    this.bindViews();
    const arrays = [model.hashed, model.denseProjection, model.bias, model.ability, model.denseWeights];
    let floats = 0;
    for (const a of arrays) floats += a.length;
    const region = new Float32Array(this.core.memory.buffer, ptr, floats);
    let offset = 0;
    for (const a of arrays) {
      region.set(a, offset);
      offset += a.length;
    }
    this.profiles = profiles.length;
    this.bindViews();
  }

  setCatalog(entries: readonly CatalogEntry[]): void {
    this.catalogSize = 0;
    this.core.setCatalog(0);
    this.bindViews();
    checkCatalog(entries, this.profiles);
    const buffer = this.core.memory.buffer;
    const profile = new Int32Array(buffer, this.core.catalogProfilePtr(), entries.length);
    const shift = new Float32Array(buffer, this.core.catalogShiftPtr(), entries.length);
    entries.forEach((e, i) => {
      profile[i] = e.profile;
      shift[i] = e.shift;
    });
    const rejected = this.core.setCatalog(entries.length);
    if (rejected !== -1) throw new RangeError(`the core rejected catalog entry ${rejected}`);
    this.catalogSize = entries.length;
    this.bindViews();
  }

  run(text: string, prior: TierPrior = NO_PRIOR): CoreResult {
    if (this.sample.byteLength === 0) this.bindViews(); // memory grew: views were detached
    const s = samplePrompt(text, this.sample);
    this.core.run(s.bytes, s.totalUnits, s.sampledUnits, prior.gapScale, prior.lift);
    const r = this.result;
    r.estimatedTokens = this.scalarsF64[ESTIMATED_TOKENS_F64]!;
    r.script = this.scalarsI32[SCRIPT_I32]! as Script;
    r.tokenCount = this.scalarsI32[TOKEN_COUNT_I32]!;
    r.sampleBytes = s.bytes;
    return r;
  }

  /** (Re)creates every view on WASM memory; growing memory detaches the old ones. */
  private bindViews(): void {
    const c = this.core;
    const buffer = c.memory.buffer;
    this.sample = new Uint8Array(buffer, c.samplePtr(), SAMPLE_MAX_BYTES);
    this.scalarsF64 = new Float64Array(buffer, c.scalarsPtr(), 1);
    this.scalarsI32 = new Int32Array(buffer, c.scalarsPtr(), 4);
    const r = this.result;
    r.dense = new Float64Array(buffer, c.densePtr(), DENSE_FEATURES);
    r.tokens = new Uint32Array(buffer, c.tokensPtr(), MAX_TOKENS);
    r.logits = new Float64Array(buffer, c.logitsPtr(), this.profiles);
    r.quality = new Float64Array(buffer, c.qualityPtr(), this.catalogSize);
  }
}
