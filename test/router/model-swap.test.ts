/**
 * The model store's swap: a promoted model is checked and loaded beside the one in service,
 * then swapped in whole; one that does not parse or fit the catalog leaves the model in
 * service untouched; the file does not override a promoted model.
 */
import { copyFileSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../services/shared/catalog.js';
import { loadConfig, PACKAGE_ROOT } from '../../services/shared/config/load-config.js';
import { ModelStore } from '../../services/router/model/model-store.js';
import { decodeRouterModel, encodeRouterModel } from '../../services/router/model/router-model-file.js';
import { createLogger } from '../../services/shared/log.js';

const shipped = resolve(PACKAGE_ROOT, 'models/router-model.syrm');
const prompt = 'Write a binary search in Rust and explain its complexity.';

function shifted(shift: number, rename?: string): Uint8Array {
  const model = decodeRouterModel(readFileSync(shipped));
  for (let i = 0; i < model.bias.length; i++) model.bias[i]! += shift;
  if (rename) model.header.profiles = model.header.profiles.map((p) => ({ ...p, id: `${rename}-${p.id}` }));
  return encodeRouterModel(model);
}

describe.each([true, false])('router model - swapping a promoted model (wasm %s)', (wasm) => {
  it('serves the promoted model under its version, and swaps again and again without mixing', async () => {
    const store = await ModelStore.open({ file: shipped, catalog: new Catalog(loadConfig().config, {}), wasm, log: createLogger('t', {}, () => {}) });
    const fileVersion = store.modelVersion;
    const q0 = Array.from(store.run(prompt).quality);
    expect(store.source).toBe('file');

    store.promote(shifted(1), 'v-up');
    expect([store.modelVersion, store.source]).toEqual(['v-up', 'promoted']);
    const qUp = Array.from(store.run(prompt).quality);
    qUp.forEach((q, i) => expect(q).toBeGreaterThan(q0[i]!));

    // Back and forth: each swap serves exactly the model it names (the spare core is reused).
    for (let k = 0; k < 3; k++) {
      store.promote(shifted(0), 'v-same');
      expect(Array.from(store.run(prompt).quality)).toEqual(q0);
      store.promote(shifted(1), 'v-up');
      expect(Array.from(store.run(prompt).quality)).toEqual(qUp);
    }
    store.load();
    expect([store.modelVersion, store.source]).toEqual([fileVersion, 'file']);
    expect(Array.from(store.run(prompt).quality)).toEqual(q0);
    store.close();
  });

  it('refuses a model that does not parse or does not fit the catalog, and keeps serving the one it has', async () => {
    const store = await ModelStore.open({ file: shipped, catalog: new Catalog(loadConfig().config, {}), wasm, log: createLogger('t', {}, () => {}) });
    store.promote(shifted(1), 'v-up');
    const q = Array.from(store.run(prompt).quality);
    expect(() => store.promote(new TextEncoder().encode('this is not a router model file'), 'v-bad')).toThrow(/router model: .*bad magic/);
    // Profiles renamed: the catalog's priors name profiles this model does not have.
    expect(() => store.promote(shifted(0, 'other'), 'v-other')).toThrow(/^models\[\d+\]\.quality \([^)]+\): the router model has no profile/);
    expect([store.modelVersion, store.source]).toEqual(['v-up', 'promoted']);
    expect(Array.from(store.run(prompt).quality)).toEqual(q);
    // A good one after the refusals still loads.
    store.promote(shifted(0), 'v-same');
    expect(store.modelVersion).toBe('v-same');
    store.close();
  });
});

describe('router model - telling what was put in service', () => {
  it('tells its listeners after each model put in service, whose training (and traffic) it then reads, and not of a refused one', async () => {
    const store = await ModelStore.open({ file: shipped, catalog: new Catalog(loadConfig().config, {}), wasm: false, log: createLogger('t', {}, () => {}) });
    expect(store.training.traffic).toBeUndefined();
    const seen: unknown[] = [];
    const off = store.onChange(() => seen.push(store.training.traffic ?? 'none'));
    const model = decodeRouterModel(readFileSync(shipped));
    const traffic = { task_family: { code: 3, lookup: 1 } };
    store.promote(encodeRouterModel({ ...model, header: { ...model.header, training: { ...model.header.training, traffic } } }), 'v-log');
    expect(() => store.promote(new TextEncoder().encode('not a model'), 'v-bad')).toThrow();
    store.load();
    off();
    store.promote(shifted(1), 'v-up');
    expect(seen).toEqual([traffic, 'none']);
    store.close();
  });
});

describe('router model - the file while a promoted model serves', () => {
  it('does not load a changed file over a promoted model, and says so', async () => {
    const dir = mkdtempSync(resolve(tmpdir(), 'sy-swap-'));
    const file = resolve(dir, 'router-model.syrm');
    copyFileSync(shipped, file);
    const lines: string[] = [];
    const store = await ModelStore.open({ file, catalog: new Catalog(loadConfig().config, {}), wasm: true, log: createLogger('t', {}, (l) => lines.push(l)) });
    store.watch();
    store.promote(shifted(1), 'v-up');
    writeFileSync(resolve(dir, 'next.tmp'), shifted(-1));
    renameSync(resolve(dir, 'next.tmp'), file);
    const end = Date.now() + 5_000;
    while (!lines.some((l) => l.includes('a promoted model is in service')) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(lines.some((l) => l.includes('a promoted model is in service, so the file is not loaded'))).toBe(true);
    expect(store.modelVersion).toBe('v-up');
    store.close();
  });
});
