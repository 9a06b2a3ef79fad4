/**
 * `switchyard eval --from-log` and `train --from-log` on logs written by the replayed loop
 * (the shipped router model deciding over a pool of MMLU-Pro models, the replay simulator
 * answering): as a JSONL file of decision views, as export lines and as a decision-log directory.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalFromLogCommand, trainFromLogCommand } from '../../services/evaluation/from-log-commands.js';
import { LEARNING_POOL } from '../../services/evaluation/learning-scenario.js';
import { readLoggedTraffic } from '../../services/evaluation/logged-traffic.js';
import { REPLAY_METRIC, ReplayLoop, replayConfig, replayConfigYaml, type ServedTraffic } from '../../services/evaluation/replay-loop.js';
import { ReplayTraffic } from '../../services/evaluation/replay-traffic.js';
import { ReplayPlayer } from '../../services/executor/simulator/replay.js';
import { decodeRouterModel } from '../../services/router/model/router-model-file.js';
import { frame } from '../../services/router/record/file-record-store.js';
import { encodeEntry } from '../../services/router/record/record-codec.js';
import { routingDataLine } from '../../services/train/routing-data-from-decisions.js';
import { readRoutingData, type RoutingPrompt } from '../../services/shared/routing-data.js';
import { Prng } from '../../services/train/prng.js';
import { repoPath } from '../../services/train/repo-root.js';

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let buf = '';
  stream.on('data', (c: Buffer) => {
    buf += c.toString();
  });
  return { stream, text: () => buf };
}

async function run(cmd: typeof evalFromLogCommand, argv: string[]) {
  const out = sink();
  const err = sink();
  const code = await cmd(argv, out.stream, err.stream);
  return { code, out: out.text(), err: err.text() };
}

const dir = mkdtempSync(join(tmpdir(), 'switchyard-from-log-'));
const configFile = join(dir, 'replay.yaml');
const shippedModel = repoPath('models/router-model.syrm');
let loop: ReplayLoop;
let explored: ServedTraffic;
let deterministic: ServedTraffic;
let prompts: RoutingPrompt[];
const viewsFile = (name: string, t: ServedTraffic) => {
  const file = join(dir, name);
  writeFileSync(file, t.views.map((v) => JSON.stringify(v)).join('\n') + '\n');
  return file;
};

beforeAll(async () => {
  const data = await readRoutingData([repoPath('data/mmlu-pro/dev.jsonl.gz')]);
  prompts = data.prompts.filter((p) => LEARNING_POOL.every((m) => p.outcomes[m.dataId] !== undefined)).slice(0, 600);
  const policies = { serving: { cost_quality_tradeoff: 0.7 }, exploring: { cost_quality_tradeoff: 0.7, exploration: { share: 0.3, utility_margin: 0.2 } } };
  const config = replayConfig(LEARNING_POOL, policies, 'serving');
  writeFileSync(configFile, replayConfigYaml(LEARNING_POOL, policies, 'serving'));
  const player = new ReplayPlayer({ prompts, models: Object.fromEntries(LEARNING_POOL.map((m) => [m.id, m.dataId])) });
  const bytes = readFileSync(repoPath('models/router-model.syrm'));
  loop = await ReplayLoop.open(config, decodeRouterModel(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)), player, dir);
  const traffic = new ReplayTraffic(prompts, 3);
  const stream = Array.from({ length: 3000 }, () => traffic.next());
  const rng = new Prng(4);
  explored = loop.serve(stream, 'exploring', () => rng.next());
  deterministic = loop.serve(stream.slice(0, 400), 'serving');
}, 120_000);
afterAll(() => loop?.close());

describe('eval --from-log', () => {
  it('estimates a candidate policy from an explored log with IPS, SNIPS and DR and their intervals', async () => {
    const r = await run(evalFromLogCommand, ['--from-log', viewsFile('explored.jsonl', explored), '--knob', '0.6', '--metric', REPLAY_METRIC, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const x = JSON.parse(r.out);
    expect(x.decisions).toBe(3000);
    expect(x.supported).toBe(true);
    expect(x.explored_share).toBeGreaterThan(0.3);
    for (const k of ['ips', 'snips', 'dr']) {
      expect(x.quality[k].low).toBeLessThan(x.quality[k].value);
      expect(x.quality[k].high).toBeGreaterThan(x.quality[k].value);
    }
    expect(x.interval).toMatch(/normal approximation, 95%/);
    const text = await run(evalFromLogCommand, ['--from-log', join(dir, 'explored.jsonl'), '--knob', '0.6', '--metric', REPLAY_METRIC]);
    expect(text.out).toMatch(/^quality {3}IPS 0\.\d{4} \[0\.\d{4}, 0\.\d{4}\] {3}SNIPS .* {3}DR /m);
    expect(text.out).toMatch(/supported: the log supports these estimates/);
    // Bootstrap intervals beside the normal ones.
    expect(text.out).toMatch(/^bootstrap quality SNIPS \[0\.\d{4}, 0\.\d{4}\] {3}DR \[0\.\d{4}, 0\.\d{4}\]$/m);
    expect(x.quality.bootstrap.resamples).toBe(200);
    expect(x.quality.bootstrap.snips.low).toBeLessThan(x.quality.snips.value);
    expect(x.quality.bootstrap.snips.high).toBeGreaterThan(x.quality.snips.value);
  });

  it('the same policy as the log chooses as Decide did on every deterministic decision', async () => {
    const r = await run(evalFromLogCommand, ['--from-log', viewsFile('deterministic.jsonl', deterministic), '--knob', '0.7', '--metric', REPLAY_METRIC, '--json']);
    const x = JSON.parse(r.out);
    expect(x.agreement).toBe(1);
    expect(x.quality.snips.value).toBeCloseTo(deterministic.quality, 12);
  });

  it('says plainly when a deterministic log cannot support another candidate (support gap), and exits 1', async () => {
    const r = await run(evalFromLogCommand, ['--from-log', join(dir, 'deterministic.jsonl'), '--knob', '0.3', '--metric', REPLAY_METRIC]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/NOT SUPPORTED: .*to models the logged router never tried on it/);
    expect(r.err).toMatch(/the log cannot support an estimate of this candidate/);
  });

  it('too few decisions is said as such', async () => {
    const small = viewsFile('small.jsonl', { ...explored, views: explored.views.slice(0, 40) });
    const r = await run(evalFromLogCommand, ['--from-log', small, '--knob', '0.7', '--metric', REPLAY_METRIC]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/only 40 usable decisions \(at least 100 needed\)/);
  });

  it('reads a decision-log directory and export lines alike', async () => {
    const logDir = join(dir, 'log');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(logDir);
    const entries = explored.views.slice(0, 200).flatMap((v) => [{ record: v.record }, { feedback: v.feedback[0] }, { reportedOutcome: v.reportedOutcome }]);
    writeFileSync(join(logDir, 'seg-0000000000001-1-0.log'), Buffer.concat(entries.map((e) => frame(encodeEntry(e as never)))));
    const metrics = [{ name: REPLAY_METRIC, min: 0, max: 1, lowerIsBetter: false, weight: 1 }];
    const fromDir = await readLoggedTraffic(logDir, metrics);
    const exportFile = join(dir, 'export.jsonl');
    writeFileSync(exportFile, explored.views.slice(0, 200).map((v) => JSON.stringify(routingDataLine(v, { metric: REPLAY_METRIC, min: 0, max: 1, lowerIsBetter: false }))).join('\n'));
    const fromExport = await readLoggedTraffic(exportFile, metrics);
    const fromViews = explored.rows.slice(0, 200);
    // Ids made in the same millisecond have no set order in a directory: compare by id.
    const key = (rows: typeof fromViews) => [...rows].sort((a, b) => (a.decisionId < b.decisionId ? -1 : 1)).map((r) => [r.decisionId, r.chosen, r.propensities, r.quality, r.costUsd, r.candidates]);
    expect(fromDir).toHaveLength(200);
    expect(key(fromDir)).toEqual(key(fromViews));
    expect(key(fromExport)).toEqual(key(fromViews));
  });

  it('a router model file as the candidate: the logging model under the logging policy chooses as Decide did', async () => {
    const r = await run(evalFromLogCommand, ['--from-log', join(dir, 'deterministic.jsonl'), '--model', shippedModel, '--policy', 'serving', '--config', configFile, '--metric', REPLAY_METRIC, '--json']);
    expect(r.err).toBe('');
    const x = JSON.parse(r.out);
    expect(x.candidate.name).toMatch(/^router model .*router-model\.syrm \(router-model\.syrm@[0-9a-f]{12}\) under policy serving$/);
    expect(x.agreement).toBe(1);
    expect(x.quality.snips.value).toBeCloseTo(deterministic.quality, 12);
    // On the explored log, the model replayed under knob 0.6 chooses as the policy over the logged predictions does.
    const viaModel = JSON.parse((await run(evalFromLogCommand, ['--from-log', join(dir, 'explored.jsonl'), '--model', shippedModel, '--knob', '0.6', '--config', configFile, '--metric', REPLAY_METRIC, '--json'])).out);
    const viaPolicy = JSON.parse((await run(evalFromLogCommand, ['--from-log', join(dir, 'explored.jsonl'), '--knob', '0.6', '--metric', REPLAY_METRIC, '--json'])).out);
    expect(viaModel.agreement).toBeCloseTo(viaPolicy.agreement, 12);
    expect(viaModel.quality.snips.value).toBeCloseTo(viaPolicy.quality.snips.value, 12);
  });

  it('a router model cannot be replayed on decisions without prompt text, nor without a catalog', async () => {
    const blind = join(dir, 'blind-eval.jsonl');
    writeFileSync(blind, explored.views.slice(0, 200).map((v) => JSON.stringify({ ...v, record: { ...v.record, prompt: [] } })).join('\n'));
    const r = await run(evalFromLogCommand, ['--from-log', blind, '--model', shippedModel, '--knob', '0.6', '--config', configFile, '--metric', REPLAY_METRIC]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/carries no prompt text \(router\.prompt_logging was off\), so a router model cannot be replayed on it/);
    const u = await run(evalFromLogCommand, ['--from-log', blind, '--model', shippedModel, '--knob', '0.6', '--metric', REPLAY_METRIC]);
    expect(u.code).toBe(2);
    expect(u.err).toMatch(/--model MODEL\.syrm needs --config C\.yaml/);
  });

  it('usage errors name the flag', async () => {
    const r = await run(evalFromLogCommand, ['--from-log', join(dir, 'explored.jsonl'), '--metric', REPLAY_METRIC]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/name the candidate: --policy NAME \(with --config\) or --knob K/);
    const k = await run(evalFromLogCommand, ['--from-log', join(dir, 'explored.jsonl'), '--knob', '1.5', '--metric', REPLAY_METRIC]);
    expect(k.err).toMatch(/--knob must be a knob in \[0, 1\], got 1.5/);
    const q = await run(evalFromLogCommand, ['--from-log', join(dir, 'explored.jsonl'), '--knob', '0.5']);
    expect(q.err).toMatch(/no quality metric/);
  });
});

describe('train --from-log', () => {
  it('trains a challenger from the graded log mixed with shared data and writes a router model', async () => {
    const shared = join(dir, 'shared.jsonl');
    writeFileSync(shared, prompts.slice(0, 200).map((p) => JSON.stringify(p)).join('\n'));
    const out = join(dir, 'challenger.syrm');
    const r = await run(trainFromLogCommand, ['--from-log', join(dir, 'explored.jsonl'), '--metric', REPLAY_METRIC, '--data', shared, '--out', out, '--epochs', '1', '--dim', '4']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^wrote .*challenger\.syrm: \d+ bytes, \d+ profiles; \d+ of 3000 graded answers from the log \(by inverse propensity; .*\), \d+ shared prompts/);
    const bad = await run(trainFromLogCommand, ['--from-log', join(dir, 'explored.jsonl'), '--metric', REPLAY_METRIC, '--out', out, '--changed', 'keep']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--changed must be one of shift, drop, got keep/);
    const bytes = readFileSync(out);
    const model = decodeRouterModel(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    // Without --config the log's catalog ids become profiles beside the shared data's ids.
    expect(model.header.profiles.map((p) => p.id)).toEqual(expect.arrayContaining(['gpt-4o', 'gpt-4o-2024-05-13']));
  });

  it('--correct: the champion with a correction where the log shows a model changed, nothing retrained', async () => {
    const shared = join(dir, 'shared-all.jsonl');
    writeFileSync(shared, prompts.map((p) => JSON.stringify(p)).join('\n'));
    // gpt-4o's answers on its busiest segment all graded wrong: a change against the shared data.
    const count = new Map<string, number>();
    for (const r of explored.rows) if (r.answered === 'gpt-4o') count.set(r.segment, (count.get(r.segment) ?? 0) + 1);
    const segment = [...count].sort((a, b) => b[1] - a[1])[0]![0];
    const worse = explored.views.map((v, i) => (explored.rows[i]!.answered === 'gpt-4o' && explored.rows[i]!.segment === segment ? { ...v, feedback: v.feedback.map((f) => ({ ...f, value: 0 })) } : v));
    const log = join(dir, 'worse.jsonl');
    writeFileSync(log, worse.map((v) => JSON.stringify(v)).join('\n'));
    const out = join(dir, 'corrected.syrm');
    const r = await run(trainFromLogCommand, ['--from-log', log, '--metric', REPLAY_METRIC, '--data', shared, '--config', configFile, '--correct', shippedModel, '--out', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(' with corrections on ');
    expect(r.out).toContain(`gpt-4o-2024-05-13 on ${segment} (`);
    const bytes = readFileSync(out);
    const model = decodeRouterModel(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const c = model.header.corrections!.find((x) => x.profile === 'gpt-4o-2024-05-13' && x.segment === segment);
    expect(c!.logit).toBeLessThan(-1);
    // The corrected model's drift reference is the log's traffic, not the champion's (it has none).
    expect(r.out).toContain('; drift reference: the traffic of 3000 logged decisions');
    const traffic = model.header.training.traffic as Record<string, Record<string, number>>;
    expect(Object.keys(traffic).sort()).toEqual(['language', 'length', 'segment', 'task_family']);
    for (const bins of Object.values(traffic)) expect(Object.values(bins).reduce((a, b) => a + b, 0)).toBe(3000);
    expect(traffic.segment![segment]).toBe(explored.rows.filter((x) => x.segment === segment).length);
    const shipped = readFileSync(shippedModel);
    expect(Buffer.from(model.hashed.buffer).equals(Buffer.from(decodeRouterModel(new Uint8Array(shipped.buffer, shipped.byteOffset, shipped.byteLength)).hashed.buffer))).toBe(true);
    const missing = await run(trainFromLogCommand, ['--from-log', log, '--metric', REPLAY_METRIC, '--correct', join(dir, 'none.syrm'), '--out', out]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/--correct .*none\.syrm: cannot read \(ENOENT\)/);
  });

  it('a log without prompt text cannot train a router model, and says why', async () => {
    const blind = join(dir, 'blind.jsonl');
    writeFileSync(blind, explored.views.slice(0, 50).map((v) => JSON.stringify({ ...v, record: { ...v.record, prompt: [] } })).join('\n'));
    const r = await run(trainFromLogCommand, ['--from-log', blind, '--metric', REPLAY_METRIC, '--out', join(dir, 'x.syrm')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no prompt text \(router\.prompt_logging is off\)/);
  });
});
