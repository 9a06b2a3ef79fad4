/**
 * The router model in service: reads the model file, loads it into the scoring core (WASM or
 * its TypeScript reference), maps the catalog's models onto its profiles, and reloads it when
 * the file changes, without a restart. A file that fails to load leaves the previous model
 * in place. Decide reads it synchronously through `run`. A promoted model (model-follower.ts)
 * is put in service the same way, through `promote`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Catalog } from '../../shared/catalog.js';
import type { Logger } from '../../shared/log.js';
import { ReferenceCore } from '../core/reference-core.js';
import type { CoreResult, ScoringCore, TierPrior } from '../core/scoring-core.js';
import { WasmCore } from '../core/wasm-core.js';
import type { ScoringSource } from '../decide/decide.js';
import { resolvePrior } from './quality-prior.js';
import { decodeRouterModel } from './router-model-file.js';
import { correctionTable, type CorrectionTable } from './segment-corrections.js';

export interface ModelStoreOptions {
  file: string;
  catalog: Catalog;
  wasm: boolean;
  log: Logger;
}

/** Where the model in service came from. */
export type ModelSource = 'file' | 'promoted';

/** The model in service: replaced whole, never changed in place. */
interface Active {
  core: ScoringCore;
  version: string;
  sha256: string;
  source: ModelSource;
  profileNames: string[];
  /** The model's corrections per segment (segment-corrections.ts), by catalog index. */
  corrections: CorrectionTable | undefined;
  /** The header's `training`: what the model was trained on. */
  training: Readonly<Record<string, unknown>>;
}

export class ModelStore implements ScoringSource {
  private active!: Active;
  /** A second core: a new model is loaded into it while the active one serves, then the two swap. */
  private spare: ScoringCore;
  private watcher: FSWatcher | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly opts: ModelStoreOptions,
    spare: ScoringCore,
  ) {
    this.spare = spare;
  }

  /** Loads the model file; throws an error naming the file when it cannot. */
  static async open(opts: ModelStoreOptions): Promise<ModelStore> {
    const make = () => (opts.wasm ? WasmCore.create() : Promise.resolve(new ReferenceCore()));
    const store = new ModelStore(opts, await make());
    const bytes = readModelFile(opts.file);
    store.install(bytes, fileVersion(opts.file, bytes), 'file', await make());
    return store;
  }

  get modelVersion(): string {
    return this.active.version;
  }

  /** SHA-256 (hex) of the model file in service. */
  get modelSha256(): string {
    return this.active.sha256;
  }

  get source(): ModelSource {
    return this.active.source;
  }

  /** The profile each catalog model is predicted by, in catalog order. */
  profiles(): readonly string[] {
    return this.active.profileNames;
  }

  /** What the model in service was trained on (its header's `training`; training.traffic is the drift monitor's reference). */
  get training(): Readonly<Record<string, unknown>> {
    return this.active.training;
  }

  /** Tells `listener` after each model put in service later (a file reload or a promotion); the returned function stops it. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  run(text: string, prior?: TierPrior): CoreResult {
    return this.active.core.run(text, prior);
  }

  /** Each catalog model's logit offset on `segment` (by catalog index), or undefined where the model corrects nothing there. */
  corrections(segment: string): Float64Array | undefined {
    return this.active.corrections?.get(segment);
  }

  /** (Re)loads the file. On failure the previous model stays and the error is thrown. */
  load(): void {
    const bytes = readModelFile(this.opts.file);
    this.spare = this.install(bytes, fileVersion(this.opts.file, bytes), 'file', this.spare) ?? this.spare;
  }

  /**
   * Puts a promoted model in service under `version`: checked (it parses and maps onto the
   * catalog) and loaded into the spare core while the active one serves, then swapped in by
   * one assignment, between two decisions. Throws, keeping the model in service, when it does
   * not fit.
   */
  promote(bytes: Uint8Array, version: string): void {
    this.spare = this.install(bytes, version, 'promoted', this.spare) ?? this.spare;
  }

  /** Loads into `into` and swaps it in; returns the core that was active (the next spare), if any. Throws before the swap. */
  private install(bytes: Uint8Array, version: string, source: ModelSource, into: ScoringCore): ScoringCore | undefined {
    const { catalog } = this.opts;
    const model = decodeRouterModel(bytes);
    const entries = catalog.models.map((m) => {
      try {
        return resolvePrior(m.config.quality, model.header);
      } catch (e) {
        throw new Error(`models[${m.index}].quality (${m.id}): ${(e as Error).message}`);
      }
    });
    into.load(model);
    into.setCatalog(entries.map((e) => ({ profile: e.profileIndex, shift: e.logitShift })));
    const previous = this.active as Active | undefined;
    const profileNames = entries.map((e) => model.header.profiles[e.profileIndex]!.id);
    this.active = {
      core: into,
      version,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      source,
      profileNames,
      corrections: correctionTable(model.header.corrections, profileNames),
      training: model.header.training,
    };
    for (const l of this.listeners) {
      try {
        l();
      } catch {
        // a listener's failure is its own; the model is in service
      }
    }
    return previous?.core;
  }

  /**
   * Reloads when the file changes (debounced); keeps serving the old model if the new one
   * fails. While a promoted model is in service the file is not loaded: promotion wins.
   */
  watch(): void {
    if (this.watcher) return;
    const { file, log } = this.opts;
    const name = basename(file);
    this.watcher = watch(dirname(file), (_event, changed) => {
      if (changed !== name) return;
      clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => {
        if (this.active.source === 'promoted') {
          log.info('router model file changed; a promoted model is in service, so the file is not loaded', { file, model: this.active.version });
          return;
        }
        const before = this.active.version;
        try {
          this.load();
          if (this.active.version !== before) log.info('router model reloaded', { model: this.active.version });
        } catch (e) {
          log.error('router model reload failed; keeping the previous model', { file, error: e as Error });
        }
      }, 100);
    });
    this.watcher.unref();
  }

  close(): void {
    clearTimeout(this.reloadTimer);
    this.watcher?.close();
    this.watcher = undefined;
  }
}

function readModelFile(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new Error(`router model ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** A file's model version: its name and the start of its SHA-256. */
export function fileVersion(file: string, bytes: Uint8Array): string {
  return `${basename(file)}@${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`;
}
