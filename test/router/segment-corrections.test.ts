/**
 * A router model's corrections per profile and segment (router/model/segment-corrections.ts): in
 * the model file, in Decide (only on the segment named, the record's segment), and as
 * `train --from-log` measures them against the champion's own predictions (train/log-corrections.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decider } from '../../services/router/decide/decide.js';
import { ModelStore } from '../../services/router/model/model-store.js';
import { decodeRouterModel, encodeRouterModel, type RouterModel } from '../../services/router/model/router-model-file.js';
import { correctedQuality } from '../../services/router/model/segment-corrections.js';
import { RoutingState } from '../../services/router/state/routing-state.js';
import { Catalog } from '../../services/shared/catalog.js';
import { loadConfig, PACKAGE_ROOT } from '../../services/shared/config/load-config.js';
import { correctFromLog, offsetFor } from '../../services/train/log-corrections.js';
import type { GradedAnswer } from '../../services/train/log-training-data.js';
import { decideRequest } from '../support/requests.js';
import { silentLog } from '../support/router-fixture.js';

const { config } = loadConfig();
const shipped = decodeRouterModel(readFileSync(resolve(PACKAGE_ROOT, config.router.model_file)));
const dir = mkdtempSync(join(tmpdir(), 'switchyard-corrections-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const withCorrections = (m: RouterModel, corrections: unknown): Uint8Array => encodeRouterModel({ ...m, header: { ...m.header, corrections } as RouterModel['header'] });

async function deciderOver(bytes: Uint8Array, name: string): Promise<{ decider: Decider; models: ModelStore; catalog: Catalog }> {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const catalog = new Catalog(config, {});
  const models = await ModelStore.open({ file, catalog, wasm: false, log: silentLog });
  return { decider: new Decider({ config, catalog, scoring: models, status: new RoutingState(catalog).current }), models, catalog };
}

const HARD = 'Prove that every finite integral domain is a field.';

describe('segment corrections - the router model file', () => {
  it('a correction naming no profile, an empty segment, a logit out of range or a pair twice is refused, naming the field', () => {
    const profile = shipped.header.profiles[0]!.id;
    const bad: [unknown, RegExp][] = [
      [{ profile: 'no-such-model', segment: 'math', logit: -1 }, /corrections\[0\]\.profile must name one of the model's profiles/],
      [{ profile, segment: '', logit: -1 }, /corrections\[0\]\.segment must be a non-empty string/],
      [{ profile, segment: 'math', logit: 9 }, /corrections\[0\]\.logit must be a number within ±8/],
    ];
    for (const [c, error] of bad) expect(() => decodeRouterModel(withCorrections(shipped, [c]))).toThrow(error);
    expect(() => decodeRouterModel(withCorrections(shipped, [{ profile, segment: 'math', logit: -1 }, { profile, segment: 'math', logit: 1 }]))).toThrow(/corrections\[1\]: a second correction/);
    expect(decodeRouterModel(withCorrections(shipped, [{ profile, segment: 'math', logit: -1 }])).header.corrections).toEqual([{ profile, segment: 'math', logit: -1 }]);
  });
});

describe('segment corrections - Decide', () => {
  let plain: Decider;
  let corrected: Decider;
  let target: string;
  let others: string[];
  beforeAll(async () => {
    const p = await deciderOver(encodeRouterModel(shipped), 'plain.syrm');
    plain = p.decider;
    const profiles = p.models.profiles();
    const idx = p.catalog.models.findIndex((m) => m.id === plain.decide(decideRequest(HARD, { labels: { task: 'math' } })).response.model);
    target = p.catalog.models[idx]!.id;
    others = p.catalog.models.filter((_, i) => profiles[i] !== profiles[idx]).map((m) => m.id);
    corrected = (await deciderOver(withCorrections(shipped, [{ profile: profiles[idx]!, segment: 'math', logit: -3 }]), 'corrected.syrm')).decider;
  });
  const predicted = (d: Decider, labels: { task?: string }) => Object.fromEntries(d.decide(decideRequest(HARD, { labels })).response.candidates!.map((c) => [c.model, c.predictedQuality!]));

  it("moves the corrected model's prediction on its segment by the offset, and nothing else", () => {
    const before = predicted(plain, { task: 'math' });
    const after = predicted(corrected, { task: 'math' });
    expect(after[target]).toBeCloseTo(correctedQuality(before[target]!, -3), 6);
    for (const m of others) expect(after[m]).toBe(before[m]);
    // Another segment, and a request without a task label (its segment is the prompt's script), stay as they were.
    expect(predicted(corrected, { task: 'law' })).toEqual(predicted(plain, { task: 'law' }));
    expect(predicted(corrected, {})).toEqual(predicted(plain, {}));
  });

  it('the corrected model loses the segment it was chosen for', () => {
    expect(corrected.decide(decideRequest(HARD, { labels: { task: 'math' } })).response.model).not.toBe(target);
    expect(corrected.decide(decideRequest(HARD, { labels: { task: 'law' } })).response.model).toBe(plain.decide(decideRequest(HARD, { labels: { task: 'law' } })).response.model);
  });
});

describe('segment corrections - measured from the log against the champion', () => {
  const answer = (model: string, segment: string, quality: number, predicted: number, propensity: number): GradedAnswer => ({
    id: `${model}-${segment}-${quality}-${predicted}-${propensity}`,
    prompt: 'q',
    segment,
    model,
    quality,
    predicted,
    propensity,
    inputTokens: 1,
    outputTokens: 1,
    costUsd: 0,
  });

  it('the offset makes the weighted mean of the corrected predictions the weighted mean grade', () => {
    const items = [
      { w: 1, predicted: 0.9 },
      { w: 3, predicted: 0.6 },
    ];
    const d = offsetFor(items, 0.5);
    expect((correctedQuality(0.9, d) + 3 * correctedQuality(0.6, d)) / 4).toBeCloseTo(0.5, 6);
    expect(d).toBeLessThan(0);
  });

  it('corrects only the pairs the log shows changed, weighing each answer by its inverse propensity, on top of the champion\'s correction', () => {
    const profile = shipped.header.profiles[0]!.id;
    const champion = { ...shipped, header: { ...shipped.header, corrections: [{ profile, segment: 'math', logit: -0.5 }] } };
    // On math the router chose the model where it predicted 0.8 (propensity 0.8: weight 1.25, graded 1) and explored it where it predicted 0.4 (0.1: weight 10, graded 0).
    const answers = [...Array.from({ length: 8 }, () => answer('m', 'math', 1, 0.8, 0.8)), answer('m', 'math', 0, 0.4, 0.1), answer('m', 'law', 0, 0.9, 1)];
    const out = correctFromLog(champion, answers, { [`${profile} on math`]: { n: 9, shift: -0.3, against: 'shared' } }, { profileOf: { m: profile } });
    const observed = 10 / 20;
    expect(out.made).toHaveLength(1);
    expect(out.made[0]!.observed).toBeCloseTo(observed, 9);
    expect(out.made[0]!.predicted).toBeCloseTo((10 * 0.8 + 10 * 0.4) / 20, 9);
    const d = out.made[0]!.logit;
    expect((10 * correctedQuality(0.8, d) + 10 * correctedQuality(0.4, d)) / 20).toBeCloseTo(observed, 6);
    expect(out.model.header.corrections).toEqual([{ profile, segment: 'math', logit: -0.5 + d }]);
    // Everything the model learned stays as it was.
    expect(out.model.hashed).toBe(shipped.hashed);
    expect(out.model.bias).toBe(shipped.bias);
  });

  it("on a segment where one model changed, the others the log holds enough answers of there are corrected too (scope 'segment'), not with scope 'pair'", () => {
    const [a, b, c] = shipped.header.profiles.map((p) => p.id);
    const answers = [
      ...Array.from({ length: 40 }, (_, i) => answer('a', 'math', i % 2, 0.9, 1)),
      // b: predicted 0.5, graded 0.8, 40 answers; c: only 10 answers there.
      ...Array.from({ length: 40 }, (_, i) => answer('b', 'math', i % 5 === 0 ? 0 : 1, 0.5, 1)),
      ...Array.from({ length: 10 }, () => answer('c', 'math', 1, 0.5, 1)),
      ...Array.from({ length: 40 }, () => answer('b', 'law', 0, 0.9, 1)),
    ];
    const changed = { [`${a} on math`]: { n: 40, shift: -0.4, against: 'shared' as const } };
    const profileOf = { a: a!, b: b!, c: c! };
    const wide = correctFromLog(shipped, answers, changed, { profileOf, minLogOutcomes: 30 });
    expect(wide.made.map((x) => `${x.profile} on ${x.segment}`).sort()).toEqual([`${a} on math`, `${b} on math`].sort());
    expect(wide.made.find((x) => x.profile === b)!.logit).toBeGreaterThan(0);
    const pair = correctFromLog(shipped, answers, changed, { profileOf, minLogOutcomes: 30, scope: 'pair' });
    expect(pair.made.map((x) => `${x.profile} on ${x.segment}`)).toEqual([`${a} on math`]);
  });
});
