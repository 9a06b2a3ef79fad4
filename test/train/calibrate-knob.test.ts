import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CALIBRATE_USAGE } from '../../services/cli/learning-commands.js';
import { main } from '../../services/cli/main.js';
import { BUCKETS, DENSE_FEATURES, DenseFeature, FEATURE_VERSION } from '../../services/router/core/feature-spec.js';
import { encodeRouterModel, type RouterModel } from '../../services/router/model/router-model-file.js';
import { lambdaForKnob } from '../../services/router/policy/tradeoff.js';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../services/shared/config/load-config.js';
import {
  calibrateKnob,
  calibrateTable,
  knobPoints,
  routingTableOf,
  setPolicyKnob,
  type KnobCalibration,
} from '../../services/train/calibrate-knob.js';
import { calibrateCommand } from '../../services/train/commands.js';
import { evaluate } from '../../services/train/evaluate.js';
import { flagshipOf, singleModels } from '../../services/train/eval-metrics.js';
import { RANDOM_TABLE_MODELS, randomRoutingTable } from './random-routing-table.js';
import { choicesByUtility, sweepOperatingPoints, type RoutingTable } from '../../services/train/operating-points.js';
import { parseRoutingJsonl, type RoutingData } from '../../services/shared/routing-data.js';

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let buf = '';
  stream.on('data', (c: Buffer) => (buf += c.toString()));
  return { stream, text: () => buf };
}

const knobOf = (lambda: number) => Math.log10(10 / lambda) / 5;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Ten prompts, two models: "strong" (index 0) is always right at $0.01 a call, "weak" (index
 * 1) at $0.0001 is wrong on groups A (2 prompts) and B (3) and right on C (5). The router
 * predicts strong 0.95 everywhere and weak 0.15 / 0.55 / 0.90 on A / B / C, and expects the
 * actual costs, so prompts move to strong at λ = gap / (1000 × 0.0099):
 *   A at 0.8 / 9.9  (knob 0.41851), B at 0.4 / 9.9 (knob 0.47872), C at 0.05 / 9.9 (knob 0.65933).
 * Operating points (quality, cost per 1,000 requests, share to strong, 4-decimal knobs):
 *   P0 all weak          0.5   0.10   0.0   0      .. 0.4185
 *   P1 A strong          0.7   2.08   0.2   0.4186 .. 0.4787
 *   P2 A, B strong       1.0   5.05   0.5   0.4788 .. 0.6593
 *   P3 all strong        1.0  10.00   1.0   0.6594 .. 1
 */
function handTable(): RoutingTable {
  const groups = ['A', 'A', 'B', 'B', 'B', 'C', 'C', 'C', 'C', 'C'];
  const weakQ = { A: 0, B: 0, C: 1 } as const;
  const weakP = { A: 0.15, B: 0.55, C: 0.9 } as const;
  const n = groups.length;
  const t: RoutingTable = {
    n,
    m: 2,
    quality: new Float64Array(n * 2),
    cost: new Float64Array(n * 2),
    predicted: new Float64Array(n * 2),
    expectedCost: new Float64Array(n * 2),
  };
  groups.forEach((g, i) => {
    const G = g as keyof typeof weakQ;
    t.quality.set([1, weakQ[G]], i * 2);
    t.cost.set([0.01, 0.0001], i * 2);
    t.predicted.set([0.95, weakP[G]], i * 2);
    t.expectedCost.set([0.01, 0.0001], i * 2);
  });
  return t;
}
const MODELS = ['strong', 'weak'];

const P = [
  { range: [0, 0.4185], quality: 0.5, per1k: 0.1, share: 0 },
  { range: [0.4186, 0.4787], quality: 0.7, per1k: 2.08, share: 0.2 },
  { range: [0.4788, 0.6593], quality: 1, per1k: 5.05, share: 0.5 },
  { range: [0.6594, 1], quality: 1, per1k: 10, share: 1 },
];
const mid = (r: number[]) => Math.round(((r[0]! + r[1]!) * 1e4) / 2) / 1e4;

function expectPoint(c: Omit<KnobCalibration, 'n' | 'dropped_incomplete' | 'models' | 'folds' | 'in_sample' | 'cost_model'>, k: number): void {
  const p = P[k]!;
  expect(c.knob_range).toEqual(p.range);
  expect(c.knob).toBe(mid(p.range));
  expect(c.lambda).toBe(lambdaForKnob(c.knob));
  expect(c.quality).toBeCloseTo(p.quality, 12);
  expect(c.cost_per_1000).toBeCloseTo(p.per1k, 10);
  expect(c.cost_ratio).toBeCloseTo(p.per1k / 10, 10);
  expect(c.flagship_share).toBeCloseTo(p.share, 12);
}

describe('calibrate - the knob for a target, on a hand-checked table', () => {
  it('finds the four operating points and the knobs that give them', () => {
    const t = handTable();
    expect(knobOf(0.8 / 9.9)).toBeCloseTo(0.41851, 5);
    const points = knobPoints(sweepOperatingPoints(t), 0);
    expect(points.map((p) => p.knobRange)).toEqual(P.map((p) => p.range));
    points.forEach((p, k) => {
      expect(p.quality).toBeCloseTo(P[k]!.quality, 12);
      expect(p.cost * 1000).toBeCloseTo(P[k]!.per1k, 10);
      expect(p.flagshipShare).toBeCloseTo(P[k]!.share, 12);
    });
  });

  it('--match-flagship: the cheapest point at the flagship quality', () => {
    const c = calibrateTable(handTable(), MODELS, { kind: 'match_flagship' });
    expect(c.met).toBe(true);
    expect(c.flagship).toEqual({ model: 'strong', quality: 1, cost_per_1000: expect.closeTo(10, 12) });
    expectPoint(c, 2);
    expect(c.calls).toEqual({ strong: 0.5, weak: 0.5 });
    expect(c.reachable_points).toBe(4);
  });

  it('--strong-share S: the share closest to S without exceeding it', () => {
    const at = (share: number) => calibrateTable(handTable(), MODELS, { kind: 'strong_share', share });
    expectPoint(at(0.25), 1);
    expectPoint(at(0.2), 1);
    expectPoint(at(0.19), 0);
    expectPoint(at(0.5), 2);
    expectPoint(at(0.99), 2);
    expectPoint(at(1), 3);
    expect(at(0).met).toBe(true);
  });

  it('--budget B: the best quality within B per 1,000 requests (ties: the cheaper)', () => {
    const at = (usd_per_1000: number) => calibrateTable(handTable(), MODELS, { kind: 'budget', usd_per_1000 });
    expectPoint(at(5), 1);
    expectPoint(at(5.05), 2);
    expectPoint(at(100), 2);
    expectPoint(at(0.1), 0);
  });

  it('says when no point meets the target, and gives the nearest one', () => {
    const cheap = calibrateTable(handTable(), MODELS, { kind: 'budget', usd_per_1000: 0.05 });
    expect(cheap.met).toBe(false);
    expectPoint(cheap, 0);

    // Weak is predicted better than strong on C (and is wrong there): C never moves.
    const t = handTable();
    for (let i = 5; i < 10; i++) {
      t.predicted[i * 2 + 1] = 0.97;
      t.quality[i * 2 + 1] = 0;
    }
    const flag = calibrateTable(t, MODELS, { kind: 'match_flagship' });
    expect(flag.met).toBe(false);
    expect(flag.quality).toBeCloseTo(0.5, 12); // the best any knob reaches
    expect(flag.knob_range).toEqual([0.4788, 1]);

    // The router expects strong to be the cheaper on A: A goes to strong at every knob.
    const u = handTable();
    for (let i = 0; i < 2; i++) u.expectedCost[i * 2] = 0.00005;
    const share = calibrateTable(u, MODELS, { kind: 'strong_share', share: 0.1 });
    expect(share.met).toBe(false);
    expect(share.flagship_share).toBeCloseTo(0.2, 12);
    expect(share.knob_range).toEqual([0, 0.4787]);
  });

  it("the chosen knob gives the reported point through tradeoff.ts's utility (random tables)", () => {
    for (const seed of [1, 2, 3]) {
      const t = randomRoutingTable(seed, { low: 0.2, span: 0.6 });
      const { n, m } = t;
      const fi = flagshipOf(singleModels(RANDOM_TABLE_MODELS, t.quality, t.cost));
      const points = knobPoints(sweepOperatingPoints(t), fi);
      expect(points[0]!.knobRange[0]).toBe(0);
      expect(points[points.length - 1]!.knobRange[1]).toBe(1);
      points.forEach((p, k) => {
        if (k > 0) expect(Math.round(p.knobRange[0] * 1e4)).toBe(Math.round(points[k - 1]!.knobRange[1] * 1e4) + 1);
        for (const knob of [p.knob, p.knobRange[0], p.knobRange[1]]) {
          const choice = choicesByUtility(t, lambdaForKnob(knob));
          let q = 0, c = 0, s = 0;
          choice.forEach((j, i) => {
            q += t.quality[i * m + j]!;
            c += t.cost[i * m + j]!;
            if (j === fi) s++;
          });
          expect(q / n).toBeCloseTo(p.quality, 12);
          expect(c / n).toBeCloseTo(p.cost, 12);
          expect(s / n).toBeCloseTo(p.flagshipShare, 12);
        }
      });
    }
  });
});

// ---- The command, on routing data and a router model made by hand ---------------------------

/**
 * A router model whose predictions are known: strong's logit is 3 everywhere, weak's is
 * 2 − 4 × (the prompt's share of digits). Prompts are 16 ASCII characters (4 estimated
 * tokens); group A is all digits, B half digits, C letters. Every outcome has 4 input and 10
 * output tokens, so the 'tokens' cost model expects each model's actual cost.
 */
function handModel(): RouterModel {
  const denseWeights = new Float32Array(2 * DENSE_FEATURES);
  denseWeights[DENSE_FEATURES + DenseFeature.Digits] = -4;
  return {
    header: {
      featureVersion: FEATURE_VERSION,
      buckets: BUCKETS,
      dim: 1,
      dense: DENSE_FEATURES,
      profiles: [
        { id: 'strong', n: 20, meanQuality: 1 },
        { id: 'weak', n: 20, meanQuality: 0.5 },
      ],
      training: {},
    },
    hashed: new Float32Array(BUCKETS),
    denseProjection: new Float32Array(DENSE_FEATURES),
    bias: Float32Array.from([3, 2]),
    ability: new Float32Array(2),
    denseWeights,
  };
}

function handData(): string {
  const lines: string[] = [];
  const groups: [string, number, (i: number) => string, number][] = [
    ['A', 4, (i) => `${1000000000000000 + i}`, 0],
    ['B', 6, (i) => `${10000000 + i}abcdefgh`, 0],
    ['C', 10, (i) => `abcdefghijklmno${String.fromCharCode(97 + i)}`, 1],
  ];
  for (const [g, count, prompt, weakQ] of groups) {
    for (let i = 0; i < count; i++) {
      lines.push(
        JSON.stringify({
          id: `${g}${i}`,
          prompt: prompt(i),
          segment: g,
          outcomes: {
            strong: { quality: 1, input_tokens: 4, output_tokens: 10, cost_usd: 0.01 },
            weak: { quality: weakQ, input_tokens: 4, output_tokens: 10, cost_usd: 0.0001 },
          },
        }),
      );
    }
  }
  return lines.join('\n') + '\n';
}

// Knobs at which A, B and C move to strong (gap of predicted quality / 9.9).
const gap = (w: number) => sigmoid(3) - sigmoid(w);
const KA = knobOf(gap(-2) / 9.9), KB = knobOf(gap(0) / 9.9), KC = knobOf(gap(2) / 9.9);
const gridRange = (lo: number | null, hi: number | null): [number, number] => [lo === null ? 0 : Math.ceil(lo * 1e4) / 1e4, hi === null ? 1 : Math.floor(hi * 1e4) / 1e4];

const CONFIG = `# A small configuration for the calibrate tests.
router:
  default_policy: balanced   # the policy Decide uses

policies:
  balanced:
    description: The knob below is what calibrate sets.
    cost_quality_tradeoff: 0.6   # set by hand, for now
    max_fallbacks: 3
  quality: { cost_quality_tradeoff: 0.95, max_fallbacks: 3 }
  economy:
    # no knob yet: the default applies
    max_fallbacks: 2

models:
  - id: strong
    provider: openai
    quality: { profile: strong }
    prices: { input: 2.50, output: 10.00 }
    context_window: 128000
    max_output_tokens: 16384
    capabilities: [tools, streaming]
    latency: { ttft_ms: 450, output_tokens_per_second: 90 }
    deployments:
      - { name: openai, base_url: "https://api.openai.com/v1", api_key_env: OPENAI_API_KEY, region: us }
`;

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'calibrate-'));
  const data = join(dir, 'hand.jsonl');
  const model = join(dir, 'hand.syrm');
  const config = join(dir, 'switchyard.yaml');
  await writeFile(data, handData());
  await writeFile(model, encodeRouterModel(handModel()));
  await writeFile(config, CONFIG);
  const run = async (...argv: string[]) => {
    const out = sink(), err = sink();
    const code = await calibrateCommand(['--data', data, '--model', model, ...argv], out.stream, err.stream);
    return { code, out: out.text(), err: err.text() };
  };
  const json = async (...argv: string[]) => {
    const r = await run(...argv, '--json');
    return { ...r, result: (r.out === '' ? null : JSON.parse(r.out)) as (KnobCalibration & { policy: Record<string, unknown>; notes: string[] }) | null };
  };
  return { dir, data, model, config, run, json };
}

describe('calibrate - the command', () => {
  it('the hand-made model routes as computed by hand', async () => {
    const s = await setup();
    const all: RoutingData = { prompts: parseRoutingJsonl(handData(), 'hand.jsonl'), models: ['strong', 'weak'], sources: [] };
    const c = calibrateKnob(all, { model: handModel() }, { kind: 'match_flagship' });
    expect(c.reachable_points).toBe(4);
    expect(c.n).toBe(20);
    expect(c.knob_range).toEqual(gridRange(KB, KC));
    // The same operating points as eval's, on the same data and model.
    const { table } = routingTableOf(all, { model: handModel() });
    expect(sweepOperatingPoints(table).points).toEqual(evaluate(all, { model: handModel() }).points);
    expect((await s.json('--match-flagship')).code).toBe(0);
  });

  it('--match-flagship, --strong-share and --budget pick the points computed by hand', async () => {
    const s = await setup();
    const flag = await s.json('--match-flagship');
    expect(flag.code).toBe(0);
    expect(flag.result).toMatchObject({
      target: { kind: 'match_flagship' },
      met: true,
      knob_range: gridRange(KB, KC),
      flagship: { model: 'strong', quality: 1 },
      calls: { strong: 0.5, weak: 0.5 },
      n: 20,
      folds: null,
      in_sample: false,
      policy: { config: null, name: 'balanced', previous: 0.6, written: false },
    });
    const r = flag.result!;
    expect(r.knob).toBe(Math.round(((r.knob_range[0] + r.knob_range[1]) * 1e4) / 2) / 1e4);
    expect(r.quality).toBeCloseTo(1, 12);
    expect(r.cost_per_1000).toBeCloseTo(5.05, 9);
    expect(r.cost_ratio).toBeCloseTo(0.505, 9);
    expect(r.flagship_share).toBe(0.5);
    expect(r.notes.join(' ')).toMatch(/catalog's prices/);

    const share = (await s.json('--strong-share', '0.25')).result!;
    expect(share).toMatchObject({ met: true, knob_range: gridRange(KA, KB), flagship_share: 0.2 });
    expect(share.quality).toBeCloseTo(0.7, 12);
    expect(share.cost_per_1000).toBeCloseTo(2.08, 9);

    const b5 = (await s.json('--budget', '5')).result!;
    expect(b5).toMatchObject({ met: true, knob_range: gridRange(KA, KB) });
    const b6 = (await s.json('--budget', '6')).result!;
    expect(b6).toMatchObject({ met: true, knob_range: gridRange(KB, KC) });
    expect(b6.quality).toBeCloseTo(1, 12);

    const text = await s.run('--match-flagship');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(new RegExp(`^knob ${r.knob} `, 'm'));
    expect(text.out).toMatch(/quality\s+1\.0000\s+\(flagship 1\.0000\)/);
    expect(text.out).toMatch(/cost per 1,000 requests\s+\$5\.0500\s+\(flagship \$10\.0000\)/);
    expect(text.out).toMatch(/cost ratio to flagship\s+0\.5050/);
    expect(text.out).toMatch(/share to the flagship\s+50\.0%/);
    expect(text.out).toMatch(/note: .*catalog's prices/);
  });

  it('an unreachable target exits 1 with the nearest point, and writes nothing', async () => {
    const s = await setup();
    const r = await s.json('--budget', '0.05', '--config', s.config, '--write');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no operating point meets the target: every knob costs more than \$0\.0500 per 1,000 requests; the cheapest is \$0\.1000 at knob \d/);
    expect(r.err).toMatch(/nothing written/);
    expect(r.result).toMatchObject({ met: false, knob_range: gridRange(null, KA), flagship_share: 0, policy: { written: false } });
    expect(r.result!.cost_per_1000).toBeCloseTo(0.1, 9);
    expect(await readFile(s.config, 'utf8')).toBe(CONFIG);
    const text = await s.run('--budget', '0.05');
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/^NOT MET: every knob costs more than/m);
  });

  it('--write sets the policy knob in place, keeps comments and layout, and the result loads', async () => {
    const s = await setup();
    const r = await s.json('--match-flagship', '--config', s.config, '--write');
    expect(r.code).toBe(0);
    const knob = r.result!.knob;
    expect(r.result!.policy).toEqual({ config: s.config, name: 'balanced', previous: 0.6, knob, written: true, edit: 'value' });
    const after = await readFile(s.config, 'utf8');
    expect(after).toBe(CONFIG.replace('cost_quality_tradeoff: 0.6   # set by hand, for now', `cost_quality_tradeoff: ${knob}   # set by hand, for now`));
    expect(loadConfig(s.config).config.policies.balanced!.cost_quality_tradeoff).toBe(knob);
    expect((await readdir(s.dir)).sort()).toEqual(['hand.jsonl', 'hand.syrm', 'switchyard.yaml']); // no temporary file left

    // Another policy, in a flow mapping; and one without the key yet.
    const q = await s.json('--strong-share', '0.25', '--config', s.config, '--policy', 'quality', '--write');
    expect(q.code).toBe(0);
    expect(await readFile(s.config, 'utf8')).toContain(`  quality: { cost_quality_tradeoff: ${q.result!.knob}, max_fallbacks: 3 }\n`);
    const e = await s.json('--budget', '0.1', '--config', s.config, '--policy', 'economy', '--write');
    expect(e.code).toBe(0);
    expect(e.result!.policy).toMatchObject({ previous: 0.6, written: true, edit: 'key' });
    expect(await readFile(s.config, 'utf8')).toContain(`  economy:\n    # no knob yet: the default applies\n    cost_quality_tradeoff: ${e.result!.knob}\n    max_fallbacks: 2\n`);
    const loaded = loadConfig(s.config).config.policies;
    expect([loaded.balanced!.cost_quality_tradeoff, loaded.quality!.cost_quality_tradeoff, loaded.economy!.cost_quality_tradeoff]).toEqual([
      knob,
      q.result!.knob,
      e.result!.knob,
    ]);
  });

  it('usage errors exit 2: no target, two targets, --write without --config or on the built-in file, unknown policy', async () => {
    const s = await setup();
    const cases: [string[], RegExp][] = [
      [[], /name a target: --match-flagship, --flagship-share Q \(0\.\.1\], --strong-share S \(0\.\.1\) or --budget USD_PER_1000/],
      [['--match-flagship', '--budget', '3'], /name only one target/],
      [['--strong-share', '1.5'], /--strong-share must be a share in \[0, 1\], got 1\.5/],
      [['--budget=-1'], /--budget must be USD per 1,000 requests/],
      [['--match-flagship', '--write'], /--write needs --config C\.yaml/],
      [['--match-flagship', '--write', '--config', DEFAULT_CONFIG_PATH], /is the built-in configuration, which calibrate never writes/],
      [['--match-flagship', '--config', s.config, '--policy', 'nope'], /has no policy named "nope" \(have: balanced, quality, economy\)/],
      [['--match-flagship', '--folds', '2'], /--model and --folds exclude each other/],
      [['--match-flagship', '--epochs', '2'], /apply only with --folds/],
    ];
    for (const [argv, msg] of cases) {
      const r = await s.run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(msg);
    }
    expect(await readFile(s.config, 'utf8')).toBe(CONFIG);
  });

  it('--folds K calibrates on held-out predictions, the same as eval --folds', async () => {
    const s = await setup();
    const out = sink(), err = sink();
    const argv = ['--data', s.data, '--folds', '2', '--epochs', '2', '--dim', '2', '--match-flagship', '--json'];
    const code = await calibrateCommand(argv, out.stream, err.stream);
    expect([0, 1]).toContain(code);
    const r = JSON.parse(out.text()) as KnobCalibration;
    expect(r.folds).toBe(2);
    expect(r.in_sample).toBe(false);
    const all: RoutingData = { prompts: parseRoutingJsonl(handData(), 'hand.jsonl'), models: ['strong', 'weak'], sources: [] };
    const train = { epochs: 2, dim: 2 };
    const { table } = routingTableOf(all, { folds: 2, train });
    expect(sweepOperatingPoints(table).points).toEqual(evaluate(all, { folds: 2, train }).points);
  });

  it('--help prints the usage', async () => {
    const out = sink(), err = sink();
    expect(await main(['calibrate', '--help'], { out: out.stream, err: err.stream, env: {}, readStdin: () => '' })).toBe(0);
    expect(out.text()).toBe(CALIBRATE_USAGE + '\n');
    for (const flag of ['--match-flagship', '--strong-share S', '--budget USD_PER_1000', '--config C.yaml', '--policy NAME', '--write', '--json', '--folds K']) {
      expect(CALIBRATE_USAGE).toContain(flag);
    }
  });
});

describe('calibrate - setPolicyKnob', () => {
  it('on the built-in configuration: one line changes, everything else is kept byte for byte', async () => {
    const text = await readFile(DEFAULT_CONFIG_PATH, 'utf8');
    const edit = setPolicyKnob(text, 'default.yaml', 0.61234);
    expect(edit).toMatchObject({ policy: 'balanced', previous: 0.6, how: 'value' });
    const a = text.split('\n'), b = edit.text.split('\n');
    expect(b.length).toBe(a.length);
    const changed = a.flatMap((line, i) => (line === b[i] ? [] : [[line, b[i]]]));
    expect(changed).toEqual([['    cost_quality_tradeoff: 0.6', '    cost_quality_tradeoff: 0.6123']]);
  });

  it('adds the policy when it exists only by default, and rejects unknown policies', () => {
    const text = CONFIG.replace(/\npolicies:[\s\S]*?\n\nmodels:/, '\nmodels:');
    expect(text).not.toContain('policies');
    const edit = setPolicyKnob(text, 'c.yaml', 0.25);
    expect(edit).toMatchObject({ policy: 'balanced', previous: 0.6, how: 'document' });
    expect(edit.text).toContain('# A small configuration for the calibrate tests.');
    expect(edit.text).toMatch(/policies:\n\s+balanced:\n\s+cost_quality_tradeoff: 0\.25\n/);
    expect(() => setPolicyKnob(CONFIG, 'c.yaml', 0.5, 'nope')).toThrow(/c\.yaml: no policy named "nope"/);
    expect(() => setPolicyKnob(CONFIG, 'c.yaml', 1.5)).toThrow(/must be in \[0, 1\]/);
  });
});
