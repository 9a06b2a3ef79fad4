import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import * as spec from '../../services/router/core/feature-spec.js';
import { CORE_LIMITS } from '../../services/router/core/scoring-core.js';
import { ReferenceCore, WasmCore, locateCoreWasm } from '../../services/router/core/wasm-core.js';
import { expectAgreement } from './agreement.js';
import { agreementPrompts } from './prompts.js';
import { randomCatalog, randomModel } from '../../services/bench/random-model.js';
import { applyTierPrior, TIER_PRIORS } from '../../services/router/model/task-prior.js';
import type { TaskTier } from '../../services/router/core/task-family.js';

/** Dims cover the 16-lane pass, the 4-, 8- and 12-lane passes and the scalar tail. */
const MODELS = [
  { seed: 1, dim: 16, profiles: 7 },
  { seed: 2, dim: 13, profiles: 5 },
  { seed: 3, dim: 46, profiles: 31 },
  { seed: 4, dim: 1, profiles: 1 },
];
const PROMPTS = agreementPrompts();

describe.each(MODELS)('wasm agreement - dim $dim, $profiles profiles', ({ seed, dim, profiles }) => {
  const wasm = WasmCore.createSync();
  const ref = new ReferenceCore();
  beforeAll(() => {
    const model = randomModel(seed, dim, profiles);
    const catalog = randomCatalog(seed + 100, 12, profiles);
    for (const core of [wasm, ref]) {
      core.load(model);
      core.setCatalog(catalog);
    }
  });

  test.each(PROMPTS)('prompt: $name', ({ name, text }) => {
    expectAgreement(wasm.run(text), ref.run(text), name);
  });

  test.each(Object.entries(TIER_PRIORS))('with the %s tier\'s prior: agrees with the reference, and with the prior taken through the quality', (tier, prior) => {
    for (const { name, text } of PROMPTS.slice(0, 12)) {
      const plain = Float64Array.from(wasm.run(text).quality);
      expect(plain.length).toBe(12);
      const r = wasm.run(text, prior);
      expectAgreement(r, ref.run(text, prior), `${name}, ${tier}`);
      plain.forEach((q, c) => expect(Math.abs(r.quality[c]! - applyTierPrior(q, tier as TaskTier)), `${name}, model ${c}`).toBeLessThanOrEqual(1e-9));
    }
  });

  test('random strings of any UTF-16 code units', () => {
    const unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 3000 }), (text) => expectAgreement(wasm.run(text), ref.run(text), JSON.stringify(text))),
      { seed: seed, numRuns: 300 },
    );
  });

  test('random mostly-ASCII strings around the whole-sample edge', () => {
    const arb = fc.string({ unit: 'binary-ascii', minLength: spec.SAMPLE_WHOLE_UNITS - 64, maxLength: spec.SAMPLE_WHOLE_UNITS * 3 });
    fc.assert(
      fc.property(arb, (text) => expectAgreement(wasm.run(text), ref.run(text), `length ${text.length}`)),
      { seed: seed, numRuns: 40 },
    );
  });
});

describe('wasm agreement - debug build', () => {
  test('agrees with the reference on every prompt', () => {
    const wasm = WasmCore.createSync({ wasmPath: locateCoreWasm('switchyard-core.debug.wasm') });
    const ref = new ReferenceCore();
    const model = randomModel(9, 16, 31);
    const catalog = randomCatalog(10, 50, 31);
    for (const core of [wasm, ref]) {
      core.load(model);
      core.setCatalog(catalog);
    }
    for (const { name, text } of PROMPTS) expectAgreement(wasm.run(text), ref.run(text), name);
  });
});

describe('wasm agreement - without a model', () => {
  test('features agree and scores are empty', () => {
    const wasm = WasmCore.createSync();
    const ref = new ReferenceCore();
    for (const { name, text } of PROMPTS.slice(0, 12)) {
      const w = wasm.run(text);
      expect(w.logits.length).toBe(0);
      expect(w.quality.length).toBe(0);
      expectAgreement(w, ref.run(text), name);
    }
  });
});

describe('wasm agreement - spec constants', () => {
  test('the core compiles the values of feature-spec.ts and CORE_LIMITS', async () => {
    const core = await WasmCore.create();
    expect(core.constants()).toEqual({
      FEATURE_VERSION: spec.FEATURE_VERSION,
      SAMPLE_WHOLE_UNITS: spec.SAMPLE_WHOLE_UNITS,
      HEAD_UNITS: spec.HEAD_UNITS,
      TAIL_UNITS: spec.TAIL_UNITS,
      MIDDLE_CHUNKS: spec.MIDDLE_CHUNKS,
      CHUNK_UNITS: spec.CHUNK_UNITS,
      SAMPLE_MAX_BYTES: spec.SAMPLE_MAX_BYTES,
      LEX_HEAD_BYTES: spec.LEX_HEAD_BYTES,
      LEX_TAIL_BYTES: spec.LEX_TAIL_BYTES,
      MAX_TOKENS: spec.MAX_TOKENS,
      BUCKET_BITS: spec.BUCKET_BITS,
      BUCKETS: spec.BUCKETS,
      FNV_OFFSET: spec.FNV_OFFSET,
      FNV_PRIME: spec.FNV_PRIME,
      BIGRAM_MIX: spec.BIGRAM_MIX,
      DENSE_FEATURES: spec.DENSE_FEATURES,
      MAX_DIM: CORE_LIMITS.maxDim,
      MAX_PROFILES: CORE_LIMITS.maxProfiles,
      MAX_CATALOG: CORE_LIMITS.maxCatalog,
    });
  });
});
