/**
 * The record's candidate rows: when Decide's response was just written, the record encoder
 * copies the response's rows (decide-response-wire.ts) instead of encoding them again; the
 * bytes are the same as the rows encoded afresh, byte for byte, for decisions of every policy,
 * with long exclusion reasons and with an exploring policy's choice probabilities, which the
 * record carries per candidate either way.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Decider } from '../../services/router/decide/decide.js';
import { encodeDecideResponse, writtenCandidates } from '../../services/router/decide/decide-response-wire.js';
import { RecordBuilder, type PendingRecord } from '../../services/router/record/build-record.js';
import { decodeEntry, encodeEntry } from '../../services/router/record/record-codec.js';
import { RecordEncoder } from '../../services/router/record/record-encoder.js';
import { parseConfig } from '../../services/shared/config/load-config.js';
import type { Config } from '../../services/shared/config/schema.js';
import { Prng } from '../../services/train/prng.js';
import { decideRequest } from '../support/requests.js';
import { defaultConfigObject, routerFixture, type RouterFixture } from '../support/router-fixture.js';

const PROMPTS = ['Prove that there are infinitely many primes.', '用三句话解释量子纠缠。', `Translate this long letter: ${'Chère Anne, ça va très bien. '.repeat(800)}`, 'def f(x):\n    return x * 2  # fix the bug'];
/** A prompt with several near-best models under the exploring policy. */
const EXPLORED = 'Summarise the causes of the First World War in three sentences.';
const POLICIES = ['balanced', 'quality', 'economy', 'fast', 'cascade'];

let f: RouterFixture;
let exploring: { config: Config; decider: Decider };

beforeAll(async () => {
  f = await routerFixture();
  const raw = defaultConfigObject();
  raw.policies.balanced.exploration = { share: 0.4, utility_margin: 0.2 };
  const config = parseConfig(stringify(raw), 'test config');
  const rng = new Prng(5);
  exploring = { config, decider: new Decider({ config, catalog: f.catalog, scoring: f.models, status: f.state.current, random: () => rng.next() }) };
});

/** The record's bytes without the response's rows (nothing written for it yet), then with them. */
function bothWays(encoder: RecordEncoder, p: PendingRecord): { fresh: Buffer; spliced: Buffer } {
  expect(writtenCandidates(p.decision.response)).toBeUndefined();
  const fresh = Buffer.from(encoder.encode(p));
  encodeDecideResponse(p.decision.response);
  expect(writtenCandidates(p.decision.response)?.count).toBe(p.decision.response.candidates.length);
  const spliced = Buffer.from(encoder.encode(p));
  return { fresh, spliced };
}

describe('record candidates - the response rows copied into the record', () => {
  it('gives the same bytes as encoding the rows afresh, for every policy and explained rows', () => {
    const config = parseConfig(stringify(defaultConfigObject()), 'test config');
    const builder = new RecordBuilder(config, f.catalog);
    const encoder = new RecordEncoder(config, builder, builder.hash);
    let compared = 0;
    for (const text of PROMPTS)
      for (const policy of POLICIES)
        for (const explainTopK of [0, 1, 3]) {
          // 0: unset, every model of this catalog explained
          const decision = f.decider.decide({ ...decideRequest(text, { policy }), ...(explainTopK ? { explainTopK, _explainTopK: 'explainTopK' as const } : {}) });
          const { fresh, spliced } = bothWays(encoder, { source: 'decide', decision, timeUnixMs: 1_760_000_000_000 + compared });
          expect(spliced.equals(fresh)).toBe(true);
          expect(decodeEntry(spliced)).toEqual(decodeEntry(encodeEntry({ record: builder.build({ source: 'decide', decision, timeUnixMs: 1_760_000_000_000 + compared }) })));
          compared++;
        }
    expect(compared).toBe(PROMPTS.length * POLICIES.length * 3);
  });

  it('rows with exclusion reasons past 127 bytes (a two-byte length) copy the same', () => {
    const config = parseConfig(stringify(defaultConfigObject()), 'test config');
    const builder = new RecordBuilder(config, f.catalog);
    const encoder = new RecordEncoder(config, builder, builder.hash);
    const decision = f.decider.decide(decideRequest('Hello there'));
    const long = 'context window: the request needs more than this model holds; '.repeat(4);
    decision.response.candidates = decision.response.candidates.map((c, i) => (i % 2 ? { ...c, eligible: false, excludedReason: long, score: 0 } : c));
    const { fresh, spliced } = bothWays(encoder, { source: 'decide', decision, timeUnixMs: 7 });
    expect(spliced.equals(fresh)).toBe(true);
    expect(decodeEntry(spliced)!.record!.candidates.filter((c) => c.excludedReason === long)).toHaveLength(Math.floor(decision.response.candidates.length / 2));
  });

  it('carries an exploring policy choice probabilities per candidate, copied or not', () => {
    const builder = new RecordBuilder(exploring.config, f.catalog);
    const encoder = new RecordEncoder(exploring.config, builder, builder.hash);
    let explored = 0;
    for (let i = 0; i < 40; i++) {
      const decision = exploring.decider.decide(decideRequest(i % 2 ? EXPLORED : PROMPTS[i % PROMPTS.length]!));
      expect(decision.propensities?.size).toBeGreaterThan(0);
      const p: PendingRecord = { source: 'decide', decision, timeUnixMs: i };
      const { fresh, spliced } = bothWays(encoder, p);
      expect(spliced.equals(fresh)).toBe(true);
      const record = decodeEntry(spliced)!.record!;
      expect(record).toEqual(decodeEntry(encodeEntry({ record: builder.build(p) }))!.record);
      const probabilities = record.candidates.map((c) => c.choiceProbability as number);
      expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      for (const c of record.candidates) expect(c.choiceProbability).toBe(decision.propensities!.get(c.model) ?? 0);
      if ((decision.propensities!.get(decision.response.model) ?? 0) < 1) explored++;
    }
    expect(explored).toBeGreaterThanOrEqual(20);
  });
});
