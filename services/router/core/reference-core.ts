/**
 * ScoringCore over the plain TypeScript reference (sampler.ts, features-reference.ts,
 * scorer-reference.ts): the yardstick the WASM core is tested and benchmarked against.
 */
import { SAMPLE_MAX_BYTES } from './feature-spec.js';
import { extractFeatures, newFeatures } from './features-reference.js';
import { samplePrompt } from './sampler.js';
import { priorLogit, scoreProfiles, sigmoid } from './scorer-reference.js';
import { checkCatalog, checkModel, NO_PRIOR, type CatalogEntry, type CoreResult, type ScoringCore, type TierPrior } from './scoring-core.js';
import type { RouterModel } from '../model/router-model-file.js';

export class ReferenceCore implements ScoringCore {
  private readonly sample = new Uint8Array(SAMPLE_MAX_BYTES);
  private readonly features = newFeatures();
  private model: RouterModel | undefined;
  private z = new Float64Array(0);
  private catalogProfiles = new Int32Array(0);
  private catalogShifts = new Float32Array(0);
  private readonly result: CoreResult;

  constructor() {
    this.result = {
      estimatedTokens: 0,
      script: this.features.script,
      dense: this.features.dense,
      tokenCount: 0,
      tokens: this.features.tokens,
      sampleBytes: 0,
      logits: new Float64Array(0),
      quality: new Float64Array(0),
    };
  }

  load(model: RouterModel): void {
    this.model = undefined;
    this.setEmptyCatalog();
    this.result.logits = new Float64Array(0);
    checkModel(model);
    this.model = model;
    this.z = new Float64Array(model.header.dim);
    this.result.logits = new Float64Array(model.header.profiles.length);
  }

  setCatalog(entries: readonly CatalogEntry[]): void {
    this.setEmptyCatalog();
    checkCatalog(entries, this.model?.header.profiles.length ?? 0);
    this.catalogProfiles = Int32Array.from(entries, (e) => e.profile);
    this.catalogShifts = Float32Array.from(entries, (e) => e.shift);
    this.result.quality = new Float64Array(entries.length);
  }

  run(text: string, prior: TierPrior = NO_PRIOR): CoreResult {
    const s = samplePrompt(text, this.sample);
    const f = extractFeatures(this.sample, s.bytes, s.totalUnits, s.sampledUnits, this.features);
    const r = this.result;
    r.estimatedTokens = f.estimatedTokens;
    r.script = f.script;
    r.tokenCount = f.tokenCount;
    r.sampleBytes = s.bytes;
    if (this.model === undefined) return r;
    scoreProfiles(this.model, f, this.z, r.logits);
    for (let c = 0; c < r.quality.length; c++) {
      r.quality[c] = sigmoid(priorLogit(r.logits[this.catalogProfiles[c]!]! + this.catalogShifts[c]!, prior));
    }
    return r;
  }

  private setEmptyCatalog(): void {
    this.catalogProfiles = new Int32Array(0);
    this.catalogShifts = new Float32Array(0);
    this.result.quality = new Float64Array(0);
  }
}
