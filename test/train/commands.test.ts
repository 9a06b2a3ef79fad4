import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeRouterModel } from '../../services/router/model/router-model-file.js';
import { calibrateCommand, evalCommand, trainCommand } from '../../services/train/commands.js';

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let buf = '';
  stream.on('data', (c: Buffer) => (buf += c.toString()));
  return { stream, text: () => buf };
}

// A tiny data set: "strong" answers everything; "weak" only the arithmetic prompts.
function tinyData(): string {
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const arithmetic = i % 2 === 0;
    const prompt = arithmetic ? `What is ${i} plus ${i + 1}?` : `Explain the history of the treaty number ${i} in detail.`;
    lines.push(
      JSON.stringify({
        id: `p${i}`,
        prompt,
        segment: arithmetic ? 'math' : 'history',
        outcomes: {
          strong: { quality: 1, input_tokens: 20, output_tokens: 50, cost_usd: 0.01 },
          weak: { quality: arithmetic ? 1 : 0, input_tokens: 20, output_tokens: 50, cost_usd: 0.0001 },
        },
      }),
    );
  }
  return lines.join('\n') + '\n';
}

describe('commands - train, eval, calibrate', () => {
  it('train writes a model, eval and calibrate read it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'train-cmd-'));
    const data = join(dir, 'tiny.jsonl');
    const model = join(dir, 'm.syrm');
    await writeFile(data, tinyData());
    const out = sink(), err = sink();
    expect(await trainCommand(['--data', data, '--out', model, '--epochs', '3', '--dim', '4'], out.stream, err.stream)).toBe(0);
    expect(out.text()).toMatch(/wrote .*m\.syrm: \d+ bytes, 2 profiles, 60 prompts/);
    const decoded = decodeRouterModel(new Uint8Array(await readFile(model)));
    expect(decoded.header.profiles.map((p) => p.id)).toEqual(['strong', 'weak']);

    const o2 = sink(), e2 = sink();
    const svg = join(dir, 'curve.svg');
    expect(await evalCommand(['--data', data, '--model', model, '--json', '--plot', svg], o2.stream, e2.stream)).toBe(0);
    const r = JSON.parse(o2.text()) as Record<string, unknown>;
    expect(r.n).toBe(60);
    expect(r.flagship).toEqual({ model: 'strong', quality: 1, cost_usd: expect.closeTo(0.01, 12) });
    for (const k of ['match_flagship_cost_ratio', 'best_quality_within_flagship_cost', 'aiq', 'oracle', 'segments', 'apgr', 'cpt50', 'cpt80']) {
      expect(r).toHaveProperty(k);
    }
    expect(r.oracle).toMatchObject({ quality: 1 });
    expect(await readFile(svg, 'utf8')).toMatch(/^<svg[\s\S]*mean quality[\s\S]*<\/svg>\n$/);

    const o3 = sink(), e3 = sink();
    expect(await evalCommand(['--data', data, '--folds', '3', '--epochs', '2', '--dim', '4'], o3.stream, e3.stream)).toBe(0);
    expect(o3.text()).toMatch(/3-fold cross-validation/);

    const o5 = sink(), e5 = sink();
    expect(await evalCommand(['--data', data, '--model', model, '--json', '--flagship-share', '0.5'], o5.stream, e5.stream)).toBe(0);
    const op = (JSON.parse(o5.text()) as { operating_point: { quality: number; cost_ratio: number; savings: number; target_share: number } }).operating_point;
    expect(op.target_share).toBe(0.5);
    expect(op.quality).toBeGreaterThanOrEqual(0.5);
    expect(op.savings).toBeCloseTo(1 - op.cost_ratio, 12);

    const o4 = sink(), e4 = sink();
    expect(await calibrateCommand(['--data', data, '--model', model, '--match-flagship', '--json'], o4.stream, e4.stream)).toBe(0);
    const c = JSON.parse(o4.text()) as { met: boolean; flagship: { model: string } };
    expect(c.met).toBe(true);
    expect(c.flagship.model).toBe('strong');
  });

  it('calibrate works on any data file without flags: models the shipped model does not know are cross-validated', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'train-cmd-'));
    const data = join(dir, 'tiny.jsonl');
    await writeFile(data, tinyData());
    const out = sink(), err = sink();
    expect(await calibrateCommand(['--data', data, '--flagship-share', '0.9', '--json'], out.stream, err.stream)).toBe(0);
    const c = JSON.parse(out.text()) as { met: boolean; target: unknown; quality: number; flagship: { model: string; quality: number }; notes: string[] };
    expect(c.target).toEqual({ kind: 'match_flagship', share: 0.9 });
    expect(c.met).toBe(true);
    expect(c.quality).toBeGreaterThanOrEqual(0.9 * c.flagship.quality);
    expect(c.notes[0]).toMatch(/^the shipped router model does not know strong, weak, so these figures come from 5-fold cross-validation on the data\.$/);
  });

  it('eval --train-with pools another data set into every fold and reports the evaluated one alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'train-cmd-'));
    const data = join(dir, 'tiny.jsonl');
    const other = join(dir, 'other.jsonl');
    await writeFile(data, tinyData());
    await writeFile(other, tinyData().replaceAll('"id":"p', '"id":"q').replaceAll('strong', 'strong-b').replaceAll('treaty', 'accord'));
    const out = sink();
    const err = sink();
    const code = await evalCommand(['--data', data, '--folds', '2', '--train-with', other, '--epochs', '2', '--json'], out.stream, err.stream);
    expect(err.text()).not.toMatch(/eval:/);
    expect(code).toBe(0);
    const r = JSON.parse(out.text());
    expect(r.models).toEqual(['strong', 'weak']);
    expect(r.n).toBe(60);
    expect(r.folds).toBe(2);
  });

  it('usage errors exit 2, data errors exit 1, with a message on stderr', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'train-cmd-'));
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, '{"id": "a", "prompt": "x", "segment": "s", "outcomes": {"m": {"quality": 3, "input_tokens": 1, "output_tokens": 1, "cost_usd": 0}}}\n');
    const cases: [Promise<number>, number, RegExp][] = [];
    const run = (f: typeof trainCommand, argv: string[], code: number, msg: RegExp) => {
      const err = sink();
      cases.push([f(argv, sink().stream, err.stream).then((c) => (expect(err.text()).toMatch(msg), c)), code, msg]);
    };
    run(trainCommand, ['--data', bad], 2, /--out is required/);
    run(trainCommand, ['--data', bad, '--out', join(dir, 'x'), '--epochs', '0'], 2, /--epochs must be an integer >= 1/);
    run(trainCommand, ['--data', bad, '--out', join(dir, 'x'), '--bogus'], 2, /Unknown option '--bogus'/);
    run(trainCommand, ['--data', bad, '--out', join(dir, 'x')], 1, /bad\.jsonl:1: outcomes\.m\.quality must be a number in \[0, 1\]/);
    run(calibrateCommand, ['--data', bad, '--flagship-share', '1.5'], 2, /--flagship-share must be a share of the flagship's quality in \(0, 1\], got 1\.5/);
    run(evalCommand, ['--data', bad, '--folds', '1'], 2, /--folds must be an integer >= 2/);
    run(evalCommand, ['--data', bad, '--train-with', bad], 2, /--train-with needs --folds/);
    run(evalCommand, ['--data', bad, '--model', join(dir, 'nope.syrm')], 1, /bad\.jsonl:1/);
    for (const [p, code] of cases) expect(await p).toBe(code);
  });
});
