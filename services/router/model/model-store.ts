/**
 * The router model in service: reads the model file, loads it into the scoring core (WASM or
 * its TypeScript reference), maps the catalog's models onto its profiles, and reloads it when
 * the file changes, without a restart. A file that fails to load leaves the previous model
 * in place. Decide reads it synchronously through `run`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Catalog } from '../../shared/catalog.js';
import type { Logger } from '../../shared/log.js';
import { ReferenceCore } from '../core/reference-core.js';
import type { CoreResult, ScoringCore } from '../core/scoring-core.js';
import { WasmCore } from '../core/wasm-core.js';
import type { ScoringSource } from '../decide/decide.js';
import { resolvePrior } from './quality-prior.js';
import { decodeRouterModel, type RouterModel } from './router-model-file.js';

export interface ModelStoreOptions {
  file: string;
  catalog: Catalog;
  wasm: boolean;
  log: Logger;
}

export class ModelStore implements ScoringSource {
  private core: ScoringCore;
  private model!: RouterModel;
  private version = '';
  private profileNames: string[] = [];
  private watcher: FSWatcher | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly opts: ModelStoreOptions,
    core: ScoringCore,
  ) {
    this.core = core;
  }

  /** Loads the model file; throws an error naming the file when it cannot. */
  static async open(opts: ModelStoreOptions): Promise<ModelStore> {
    const core = opts.wasm ? await WasmCore.create() : new ReferenceCore();
    const store = new ModelStore(opts, core);
    store.load();
    return store;
  }

  get modelVersion(): string {
    return this.version;
  }

  /** The profile each catalog model is predicted by, in catalog order. */
  profiles(): readonly string[] {
    return this.profileNames;
  }

  run(text: string): CoreResult {
    return this.core.run(text);
  }

  /** (Re)loads the file. On failure the previous model stays and the error is thrown. */
  load(): void {
    const { file, catalog } = this.opts;
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      throw new Error(`router model ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const model = decodeRouterModel(bytes);
    const entries = catalog.models.map((m) => {
      try {
        return resolvePrior(m.config.quality, model.header);
      } catch (e) {
        throw new Error(`models[${m.index}].quality (${m.id}): ${(e as Error).message}`);
      }
    });
    const previous = this.model;
    try {
      this.core.load(model);
      this.core.setCatalog(entries.map((e) => ({ profile: e.profileIndex, shift: e.logitShift })));
    } catch (e) {
      if (previous) {
        this.core.load(previous);
        this.core.setCatalog(this.currentEntries(previous));
      }
      throw e;
    }
    this.model = model;
    this.version = `${basename(file)}@${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`;
    this.profileNames = entries.map((e) => model.header.profiles[e.profileIndex]!.id);
  }

  private currentEntries(model: RouterModel) {
    return this.opts.catalog.models.map((m) => {
      const e = resolvePrior(m.config.quality, model.header);
      return { profile: e.profileIndex, shift: e.logitShift };
    });
  }

  /** Reloads when the file changes (debounced); keeps serving the old model if the new one fails. */
  watch(): void {
    if (this.watcher) return;
    const { file, log } = this.opts;
    const name = basename(file);
    this.watcher = watch(dirname(file), (_event, changed) => {
      if (changed !== name) return;
      clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => {
        const before = this.version;
        try {
          this.load();
          if (this.version !== before) log.info('router model reloaded', { model: this.version });
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
