import { describe, expect, test } from 'vitest';
import { MAX_TOKENS, SAMPLE_MAX_BYTES, SAMPLE_WHOLE_UNITS } from '../../services/router/core/feature-spec.js';
import { ReferenceCore, WasmCore } from '../../services/router/core/wasm-core.js';
import type { RouterModel } from '../../services/router/model/router-model-file.js';
import { expectAgreement } from './agreement.js';
import { randomText, repeatTo } from './prompts.js';
import { randomCatalog, randomModel } from '../../services/bench/random-model.js';

const PARAGRAPH = 'Route this request to a model that can refactor TypeScript; keep costs low. ';

describe('bounded work - sampling', () => {
  const core = WasmCore.createSync();

  test('a 1 MB prompt reads no more sample bytes than a 32 KB one', () => {
    const bigBytes = core.run(repeatTo(PARAGRAPH, 1 << 20)).sampleBytes;
    const smallBytes = core.run(repeatTo(PARAGRAPH, 32 << 10)).sampleBytes;
    expect(bigBytes).toBe(smallBytes);
    expect(bigBytes).toBe(SAMPLE_WHOLE_UNITS);
  });

  test('no prompt makes the core read more than SAMPLE_MAX_BYTES or emit more than MAX_TOKENS', () => {
    for (const text of [randomText(3, 1 << 20), '語'.repeat(1 << 20), '😀'.repeat(1 << 19), 'a '.repeat(1 << 19)]) {
      const r = core.run(text);
      expect(r.sampleBytes).toBeLessThanOrEqual(SAMPLE_MAX_BYTES);
      expect(r.tokenCount).toBeLessThanOrEqual(MAX_TOKENS);
    }
    expect(core.run('語'.repeat(1 << 20)).sampleBytes).toBe(SAMPLE_MAX_BYTES);
  });

  test('the estimate still describes the whole prompt', () => {
    const r = core.run('abcd'.repeat(1 << 18));
    expect(r.estimatedTokens).toBe(1 << 18);
  });
});

describe('bounded work - reloading', () => {
  const PROMPT = PARAGRAPH + 'Пример текста. 例文です。';
  const A = randomModel(11, 16, 8);
  const B = randomModel(12, 24, 3);

  function snapshot(core: WasmCore): { logits: number[]; quality: number[] } {
    const r = core.run(PROMPT);
    return { logits: Array.from(r.logits), quality: Array.from(r.quality) };
  }

  function fresh(model: RouterModel, catalogSeed: number): WasmCore {
    const core = WasmCore.createSync();
    core.load(model);
    core.setCatalog(randomCatalog(catalogSeed, 6, model.header.profiles.length));
    return core;
  }

  test('loading a different model changes results and matches a fresh core', () => {
    const core = fresh(A, 1);
    const first = snapshot(core);
    core.load(B);
    core.setCatalog(randomCatalog(2, 6, 3));
    const second = snapshot(core);
    expect(second.logits).toHaveLength(3);
    expect(second.quality).not.toEqual(first.quality);
    expect(second).toEqual(snapshot(fresh(B, 2)));
    core.load(A);
    core.setCatalog(randomCatalog(1, 6, 8));
    expect(snapshot(core)).toEqual(first);
  });

  test('loading clears the catalog mapping', () => {
    const core = fresh(A, 1);
    core.load(B);
    const r = core.run(PROMPT);
    expect(r.quality).toHaveLength(0);
    expect(r.logits).toHaveLength(3);
    expect(() => core.setCatalog([{ profile: 3, shift: 0 }])).toThrow(RangeError);
    expect(core.run(PROMPT).quality).toHaveLength(0);
  });

  test('a rejected model leaves no model loaded', () => {
    const core = fresh(A, 1);
    const bad = { ...B, bias: new Float32Array(2) };
    expect(() => core.load(bad)).toThrow(/bias has 2 values/);
    const r = core.run(PROMPT);
    expect(r.logits).toHaveLength(0);
    expect(r.quality).toHaveLength(0);
  });

  test('a reloaded core still agrees with the reference', () => {
    const core = fresh(A, 1);
    const ref = new ReferenceCore();
    for (const model of [B, A]) {
      const catalog = randomCatalog(5, 9, model.header.profiles.length);
      for (const c of [core, ref]) {
        c.load(model);
        c.setCatalog(catalog);
      }
      expectAgreement(core.run(PROMPT), ref.run(PROMPT), `dim ${model.header.dim}`);
    }
  });
});
