/**
 * One feature path: what the trainer and the evaluator compute for a prompt (feature-table.ts,
 * predict.ts) is what the WASM core computes for the same text at serving time, on real
 * prompts of the committed data and with the shipped router model and the built-in catalog.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { DENSE_FEATURES, LEX_HEAD_BYTES, LEX_TAIL_BYTES, SAMPLE_WHOLE_UNITS } from '../../services/router/core/feature-spec.js';
import { newFeatures } from '../../services/router/core/features-reference.js';
import { WasmCore, type CatalogEntry } from '../../services/router/core/wasm-core.js';
import { resolvePrior } from '../../services/router/model/quality-prior.js';
import { decodeRouterModel, type RouterModel } from '../../services/router/model/router-model-file.js';
import { loadConfig } from '../../services/shared/config/load-config.js';
import { computeFeatureTable, featuresOf, selectRows, type FeatureTable } from '../../services/train/feature-table.js';
import { predictQualities } from '../../services/train/predict.js';
import { repoPath } from '../../services/train/repo-root.js';
import { readRoutingData } from '../../services/shared/routing-data.js';
import { SHIPPED_DATA, SHIPPED_MODEL } from '../../services/train/train-shipped.js';

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * Every 40th prompt of the data, the longest ones (past the lexical window), the ones with
 * non-ASCII text, and a few made of consecutive real prompts joined until they pass
 * SAMPLE_WHOLE_UNITS, so the sampler's head, middle chunks and tail are exercised too.
 */
async function samplePrompts(): Promise<{ texts: string[]; ids: string[] }> {
  const data = await readRoutingData(SHIPPED_DATA.map((f) => repoPath(f)));
  const prompts = data.prompts;
  const pick = new Set<number>();
  for (let i = 0; i < prompts.length; i += 40) pick.add(i);
  [...prompts.keys()].sort((a, b) => prompts[b]!.prompt.length - prompts[a]!.prompt.length).slice(0, 20).forEach((i) => pick.add(i));
  prompts.flatMap((p, i) => (/[^\x00-\x7f]/.test(p.prompt) ? [i] : [])).filter((_, k) => k % 25 === 0).forEach((i) => pick.add(i));
  const rows = [...pick].sort((a, b) => a - b);
  const texts = rows.map((i) => prompts[i]!.prompt);
  const ids = rows.map((i) => prompts[i]!.id);
  for (let start = 0; start < 5 * 500; start += 500) {
    let joined = '';
    for (let i = start; joined.length <= SAMPLE_WHOLE_UNITS; i++) joined += (joined ? '\n\n' : '') + prompts[i]!.prompt;
    texts.push(joined);
    ids.push(`joined-from-${prompts[start]!.id}`);
  }
  return { texts, ids };
}

/** The serving catalog of the built-in configuration (as model-store.ts maps it), then every profile unshifted. */
function catalogOf(model: RouterModel): CatalogEntry[] {
  const { config } = loadConfig();
  const fromConfig = config.models.map((m) => {
    const r = resolvePrior(m.quality, model.header);
    return { profile: r.profileIndex, shift: r.logitShift };
  });
  return [...fromConfig, ...model.header.profiles.map((_, profile) => ({ profile, shift: 0 }))];
}

describe('one feature path: training features and predictions equal the WASM core at serving', () => {
  let texts: string[] = [];
  let ids: string[] = [];
  let table: FeatureTable;
  let model: RouterModel;
  let catalog: CatalogEntry[];
  let core: WasmCore;

  beforeAll(async () => {
    ({ texts, ids } = await samplePrompts());
    table = computeFeatureTable(texts);
    model = decodeRouterModel(new Uint8Array(await readFile(repoPath(SHIPPED_MODEL))));
    catalog = catalogOf(model);
    core = await WasmCore.create();
    core.load(model);
    core.setCatalog(catalog);
  });

  it('the sample covers short, long, non-ASCII and sampled prompts', () => {
    expect(texts.length).toBeGreaterThan(250);
    expect(texts.some((t) => utf8(t) > LEX_HEAD_BYTES + LEX_TAIL_BYTES)).toBe(true);
    expect(texts.some((t) => /[^\x00-\x7f]/.test(t))).toBe(true);
    expect(texts.filter((t) => t.length > SAMPLE_WHOLE_UNITS).length).toBe(5);
    expect(catalog.some((e) => e.shift !== 0)).toBe(true);
  });

  it('dense features within 1e-12, token buckets and the token estimate exactly', () => {
    const f = newFeatures();
    let tokens = 0;
    texts.forEach((text, i) => {
      const train = featuresOf(table, i, f);
      const serve = core.run(text);
      const where = `prompt ${ids[i]}`;
      expect(serve.estimatedTokens, where).toBe(train.estimatedTokens);
      for (let j = 0; j < DENSE_FEATURES; j++) expect(Math.abs(serve.dense[j]! - train.dense[j]!), `${where}, dense ${j}`).toBeLessThanOrEqual(1e-12);
      expect(serve.tokenCount, where).toBe(train.tokenCount);
      expect(Array.from(serve.tokens.subarray(0, serve.tokenCount)), where).toEqual(Array.from(train.tokens));
      expect(train.tokenWeight, where).toBe(train.tokenCount > 0 ? 1 / Math.sqrt(train.tokenCount) : 0);
      tokens += train.tokenCount;
    });
    expect(tokens).toBeGreaterThan(texts.length * 10);
  });

  it('a fold of the table (selectRows) hands the trainer the same features', () => {
    const rows = [...texts.keys()].reverse().filter((i) => i % 3 !== 1);
    const fold = selectRows(table, rows);
    const a = newFeatures(), b = newFeatures();
    rows.forEach((r, i) => {
      const x = featuresOf(table, r, a), y = featuresOf(fold, i, b);
      expect(Array.from(y.dense)).toEqual(Array.from(x.dense));
      expect(Array.from(y.tokens)).toEqual(Array.from(x.tokens));
      expect([y.tokenWeight, y.estimatedTokens]).toEqual([x.tokenWeight, x.estimatedTokens]);
    });
  });

  it("the training-side predictor's quality equals the core's within 1e-5 for the same catalog mapping", () => {
    const predicted = predictQualities(
      model,
      table,
      catalog.map((e) => e.profile),
      catalog.map((e) => e.shift),
    );
    const m = catalog.length;
    texts.forEach((text, i) => {
      const serve = core.run(text);
      expect(serve.quality.length).toBe(m);
      for (let c = 0; c < m; c++) {
        const d = Math.abs(serve.quality[c]! - predicted[i * m + c]!);
        expect(d, `prompt ${ids[i]}, catalog entry ${c}`).toBeLessThanOrEqual(1e-5);
      }
    });
  });
});
