/**
 * Decide with a policy that explores: the choice among near-best models follows the stated
 * probabilities (drawn from an injected, seeded source), the decision record carries them per
 * candidate, the reason says so, and pinned requests never explore.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Decider } from '../../services/router/decide/decide.js';
import { RecordBuilder } from '../../services/router/record/build-record.js';
import { ConfigError, parseConfig } from '../../services/shared/config/load-config.js';
import type { Config } from '../../services/shared/config/schema.js';

import { Prng } from '../../services/train/prng.js';
import { decideRequest } from '../support/requests.js';
import { defaultConfigObject, routerFixture, type RouterFixture } from '../support/router-fixture.js';

const PROMPT = 'Summarise the causes of the First World War in three sentences.';
let f: RouterFixture;
let config: Config;
let decider: Decider;

function exploringConfig(extra: (c: Record<string, any>) => void = () => {}): Record<string, any> {
  const c = defaultConfigObject();
  c.policies.balanced.exploration = { share: 0.4, utility_margin: 0.2 };
  extra(c);
  return c;
}

beforeAll(async () => {
  const raw = exploringConfig();
  f = await routerFixture({ config: raw, wasm: false });
  config = parseConfig(stringify(raw), 'test config');
  const rng = new Prng(11);
  decider = new Decider({ config, catalog: f.catalog, scoring: f.models, status: f.state.current, random: () => rng.next() });
});

describe('decide - exploration with logged propensities', () => {
  it('chooses among the near-best with the probabilities it records, and says so in the reason', () => {
    const counts = new Map<string, number>();
    const n = 4000;
    let propensities: ReadonlyMap<string, number> | undefined;
    for (let i = 0; i < n; i++) {
      const d = decider.decide(decideRequest(PROMPT));
      propensities = d.propensities;
      expect(propensities?.get(d.response.model)).toBeGreaterThan(0);
      counts.set(d.response.model, (counts.get(d.response.model) ?? 0) + 1);
    }
    expect(propensities!.size).toBeGreaterThan(1);
    expect([...propensities!.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (const [model, p] of propensities!) expect(Math.abs((counts.get(model) ?? 0) / n - p)).toBeLessThan(0.03);
    expect([...counts.keys()].every((m) => propensities!.has(m))).toBe(true);
    const d = decider.decide(decideRequest(PROMPT));
    expect(d.response.reason).toMatch(/(explored|exploration kept the best): \S+ with probability 0\.\d{3} of \d+ near-best models \(ε-greedy, share 0\.40\)/);
  });

  it('the decision record carries each candidate choice probability, summing to 1', () => {
    const d = decider.decide(decideRequest(PROMPT));
    const r = new RecordBuilder(config, f.catalog).build({ source: 'decide', decision: d, timeUnixMs: 0 });
    const probs = r.candidates!.map((c) => c.choiceProbability as number);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(probs.filter((p) => p > 0).length).toBe(d.propensities!.size);
    expect(r.candidates!.find((c) => c.model === d.response.model)!.choiceProbability).toBe(d.propensities!.get(d.response.model));
  });

  it('a pinned request, or one that names a model, never explores', () => {
    const model = f.catalog.models[0]!.id;
    for (let i = 0; i < 50; i++) {
      const pinned = decider.decide(decideRequest(PROMPT, { requirements: { pinModel: model } }));
      expect(pinned.propensities).toBeUndefined();
      expect(pinned.response.model).toBe(model);
      const asked = decider.decide(decideRequest(PROMPT, { model }));
      expect(asked.propensities).toBeUndefined();
    }
    const r = new RecordBuilder(config, f.catalog).build({ source: 'decide', decision: decider.decide(decideRequest(PROMPT, { model })), timeUnixMs: 0 });
    expect(r.candidates!.map((c) => c.choiceProbability)).toEqual(r.candidates!.map((c) => (c.model === model ? 1 : 0)));
  });

  it('a policy without exploration decides as before: no propensities', () => {
    const d = decider.decide(decideRequest(PROMPT, { policy: 'quality' }));
    expect(d.propensities).toBeUndefined();
    expect(d.response.reason).not.toMatch(/explor/);
  });
});

describe('config - exploration', () => {
  it('a policy applied by a hard-pin rule (compliance) may not explore; the error names the key', () => {
    const raw = exploringConfig((c) => {
      c.rules = [{ name: 'eu-only', match: { tenant: ['eu'] }, action: { pin: c.models[0].id, pin_hard: true, policy: 'balanced' } }];
    });
    expect(() => parseConfig(stringify(raw), 'c.yaml')).toThrow(ConfigError);
    expect(() => parseConfig(stringify(raw), 'c.yaml')).toThrow(/policies\.balanced\.exploration: rule eu-only applies this policy with a hard pin/);
  });

  it('a share outside (0, 0.5] names the key', () => {
    const raw = exploringConfig((c) => {
      c.policies.balanced.exploration.share = 0.9;
    });
    expect(() => parseConfig(stringify(raw), 'c.yaml')).toThrow(/policies\.balanced\.exploration\.share/);
  });
});
