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

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('router model - hot reload', () => {
  it('reloads a changed file without a restart, and keeps the old model when the new one is bad', async () => {
    const dir = mkdtempSync(resolve(tmpdir(), 'sy-model-'));
    const file = resolve(dir, 'router-model.syrm');
    copyFileSync(shipped, file);
    const lines: string[] = [];
    const log = createLogger('test', {}, (l) => lines.push(l));
    const catalog = new Catalog(loadConfig().config, {});
    const store = await ModelStore.open({ file, catalog, wasm: true, log });
    store.watch();
    const prompt = 'Prove that there are infinitely many primes.';
    const v1 = store.modelVersion;
    const q1 = Array.from(store.run(prompt).quality);

    // A new model: every profile's bias raised, so every quality rises.
    const model = decodeRouterModel(readFileSync(shipped));
    for (let i = 0; i < model.bias.length; i++) model.bias[i]! += 1;
    writeFileSync(resolve(dir, 'next.tmp'), encodeRouterModel(model));
    renameSync(resolve(dir, 'next.tmp'), file);
    await until(() => store.modelVersion !== v1);
    const q2 = Array.from(store.run(prompt).quality);
    q2.forEach((q, i) => expect(q).toBeGreaterThan(q1[i]!));
    expect(lines.some((l) => l.includes('router model reloaded'))).toBe(true);

    // A corrupt file: logged, and the previous model keeps serving.
    const v2 = store.modelVersion;
    writeFileSync(file, 'not a model');
    await until(() => lines.some((l) => l.includes('router model reload failed')));
    expect(store.modelVersion).toBe(v2);
    expect(Array.from(store.run(prompt).quality)).toEqual(q2);
    store.close();
  });

  it('names the catalog entry whose prior the model cannot resolve', async () => {
    const config = loadConfig().config;
    config.models[0]!.quality = { profile: 'no-such-profile' };
    await expect(ModelStore.open({ file: shipped, catalog: new Catalog(config, {}), wasm: false, log: createLogger('t', {}, () => {}) })).rejects.toThrow(
      /^models\[0\]\.quality \(gpt-5\): the router model has no profile "no-such-profile"/,
    );
  });
});
