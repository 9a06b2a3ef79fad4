/**
 * What every example in clients/ prints, checked the same way for each language: `== Decide`,
 * `== Execute` (and `== ExecuteStream`) sections, each a list of `key: value` lines, with the
 * candidates and attempts indented below their key.
 */
import { expect } from 'vitest';

/** Splits `== Name` sections into their lines. */
export function sections(output: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of output.split('\n')) {
    const header = /^== (\w+)$/.exec(line);
    if (header) {
      current = [];
      out.set(header[1]!, current);
    } else current.push(line);
  }
  return out;
}

function field(lines: string[] | undefined, key: string): string {
  const line = lines?.find((l) => l.startsWith(`${key}:`));
  expect(line, `a "${key}:" line`).toBeDefined();
  return line!.slice(key.length + 1).trim();
}

/** The lines indented under `key:`. */
function block(lines: string[] | undefined, key: string): string[] {
  const start = lines?.indexOf(`${key}:`) ?? -1;
  expect(start, `a "${key}:" block`).toBeGreaterThanOrEqual(0);
  const rest = lines!.slice(start + 1);
  const end = rest.findIndex((l) => !l.startsWith('  '));
  return end < 0 ? rest : rest.slice(0, end);
}

const literal = (s: string) => s.replace(/\./g, '\\.');

function expectDecision(lines: string[] | undefined, ids: string[]): void {
  const model = field(lines, 'model');
  expect(ids).toContain(model);
  const fallbacks = field(lines, 'fallbacks').split(', ');
  for (const f of fallbacks) expect(ids).toContain(f);
  expect(fallbacks).not.toContain(model);
  expect(field(lines, 'reason')).toContain(model);
  const [header, ...rows] = block(lines, 'candidates');
  expect(header).toMatch(/model\s+eligible\s+quality\s+est\. cost\s+score\s+excluded because/);
  // One row per catalog model, the chosen one first.
  expect(rows.map((r) => r.trim().split(/\s+/)[0]).sort()).toEqual([...ids].sort());
  expect(rows[0]).toMatch(new RegExp(`^\\s+${literal(model)}\\s+yes\\s+\\d\\.\\d{3}\\s+\\$\\d+\\.\\d{6}\\s+\\d\\.\\d{3}`));
}

function expectResult(lines: string[] | undefined, ids: string[], answerKey = 'answer'): void {
  const model = field(lines, 'model');
  expect(ids).toContain(model);
  expect(field(lines, answerKey)).toMatch(new RegExp(`simulated answer from ${literal(model)}`));
  const cost = field(lines, 'cost');
  expect(cost).toMatch(/^\$\d+\.\d{7}$/);
  expect(Number(cost.slice(1))).toBeGreaterThan(0);
  expect(field(lines, 'tokens')).toMatch(/^[1-9]\d* in, [1-9]\d* out$/);
  expect(block(lines, 'attempts')).toEqual([expect.stringMatching(new RegExp(`^  1\\. ${literal(model)} \\(primary\\) success in \\d+ ms$`))]);
}

/** Checks an example's whole output against the catalog `ids` the server serves. */
export function expectExampleOutput(stdout: string, ids: string[], streamed: boolean): void {
  const s = sections(stdout);
  expect([...s.keys()]).toEqual(streamed ? ['Decide', 'Execute', 'ExecuteStream'] : ['Decide', 'Execute']);
  expectDecision(s.get('Decide'), ids);
  expectResult(s.get('Execute'), ids);
  if (streamed) {
    const stream = s.get('ExecuteStream');
    expect(field(stream, 'routed to')).toBe(field(stream, 'model'));
    expectResult(stream, ids, 'stream');
  }
}
