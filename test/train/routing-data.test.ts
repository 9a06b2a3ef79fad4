import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { filterPool, parsePool, parseRoutingJsonl, readRoutingData, RoutingDataError } from '../../services/shared/routing-data.js';

const outcome = (quality: unknown, extra: Record<string, unknown> = {}) => ({ quality, input_tokens: 10, output_tokens: 5, cost_usd: 0.001, ...extra });
const line = (o: Record<string, unknown>) => JSON.stringify(o);
const good = (id: string, outcomes: Record<string, unknown> = { a: outcome(1), b: outcome(0) }) => line({ id, prompt: 'What is 2+2?', segment: 'math', outcomes });

function errorOf(text: string): string {
  try {
    parseRoutingJsonl(text, 'data/x.jsonl');
  } catch (e) {
    expect(e).toBeInstanceOf(RoutingDataError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('routing data - validation', () => {
  it('parses good lines and skips blank ones', () => {
    const r = parseRoutingJsonl(`${good('p1')}\n\n${good('p2')}\n`, 'x');
    expect(r.map((p) => p.id)).toEqual(['p1', 'p2']);
    expect(r[0]!.outcomes.a).toEqual(outcome(1));
  });

  it('names file, line and field of a bad quality', () => {
    const text = [good('p1'), good('p2'), good('p3', { 'gpt-4o': outcome(1.5) })].join('\n');
    expect(errorOf(text)).toBe('data/x.jsonl:3: outcomes.gpt-4o.quality must be a number in [0, 1]');
  });

  it('rejects a quality that is not a number', () => {
    expect(errorOf(good('p1', { m: outcome('1') }))).toBe('data/x.jsonl:1: outcomes.m.quality must be a number in [0, 1]');
  });

  it('rejects negative or missing costs and token counts', () => {
    expect(errorOf(good('p1', { m: outcome(1, { cost_usd: -1 }) }))).toBe('data/x.jsonl:1: outcomes.m.cost_usd must be a finite number >= 0');
    expect(errorOf(good('p1', { m: { quality: 1, input_tokens: 1, cost_usd: 0 } }))).toBe(
      'data/x.jsonl:1: outcomes.m.output_tokens must be a finite number >= 0',
    );
  });

  it('rejects missing top-level fields and bad JSON', () => {
    expect(errorOf(line({ prompt: 'x', segment: 's', outcomes: {} }))).toBe('data/x.jsonl:1: id must be a non-empty string');
    expect(errorOf(line({ id: 'a', prompt: 3, segment: 's', outcomes: {} }))).toBe('data/x.jsonl:1: prompt must be a string');
    expect(errorOf(line({ id: 'a', prompt: 'x', outcomes: {} }))).toBe('data/x.jsonl:1: segment must be a non-empty string');
    expect(errorOf(line({ id: 'a', prompt: 'x', segment: 's', outcomes: [] }))).toBe(
      'data/x.jsonl:1: outcomes must be an object of model id to outcome',
    );
    expect(errorOf(`${good('p1')}\n{"id": `)).toMatch(/^data\/x\.jsonl:2: line is not valid JSON/);
    expect(errorOf('[1]')).toBe('data/x.jsonl:1: line must be a JSON object');
  });
});

describe('routing data - files', () => {
  it('reads .jsonl and .jsonl.gz alike, and refuses the same content twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routing-data-'));
    const text = `${good('p1')}\n${good('p2', { c: outcome(0.5) })}\n`;
    await writeFile(join(dir, 'a.jsonl'), text);
    await writeFile(join(dir, 'a.jsonl.gz'), gzipSync(text));
    await writeFile(join(dir, 'b.jsonl'), `${good('p3')}\n`);
    const plain = await readRoutingData([join(dir, 'a.jsonl'), join(dir, 'b.jsonl')]);
    const gz = await readRoutingData([join(dir, 'a.jsonl.gz')]);
    expect(plain.prompts.map((p) => p.id)).toEqual(['p1', 'p2', 'p3']);
    expect(plain.models).toEqual(['a', 'b', 'c']);
    expect(gz.prompts).toEqual(plain.prompts.slice(0, 2));
    expect(gz.sources[0]!.sha256).toBe(plain.sources[0]!.sha256);
    await expect(readRoutingData([join(dir, 'a.jsonl'), join(dir, 'a.jsonl.gz')])).rejects.toThrow(/same content as/);
    await expect(readRoutingData([join(dir, 'missing.jsonl')])).rejects.toThrow(/missing\.jsonl: cannot read/);
  });

  it('names the file in errors from a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routing-data-'));
    const file = join(dir, 'bad.jsonl');
    await writeFile(file, `${good('p1')}\n${good('p2', { m: outcome(2) })}\n`);
    await expect(readRoutingData([file])).rejects.toThrow(`${file}:2: outcomes.m.quality must be a number in [0, 1]`);
  });
});

describe('routing data - pool', () => {
  const data = {
    prompts: parseRoutingJsonl([good('p1'), good('p2', { c: outcome(1) })].join('\n'), 'x'),
    models: ['a', 'b', 'c'],
    sources: [],
  };

  it('keeps only pool outcomes and drops prompts left with none', () => {
    const r = filterPool(data, ['a', 'b']);
    expect(r.prompts.map((p) => p.id)).toEqual(['p1']);
    expect(r.models).toEqual(['a', 'b']);
  });

  it('lists the known models for an unknown name', () => {
    expect(() => filterPool(data, ['a', 'gpt-5'])).toThrow('unknown pool model gpt-5; the data has: a, b, c');
  });

  it('parses --pool values', () => {
    expect(parsePool(' a, b ,c')).toEqual(['a', 'b', 'c']);
    expect(() => parsePool('a,a')).toThrow(/twice/);
    expect(() => parsePool(' , ')).toThrow(/no models/);
  });
});
