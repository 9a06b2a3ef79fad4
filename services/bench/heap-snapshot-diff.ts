/**
 * Compares two V8 heap snapshots (as written by the soak benchmark's --snapshot-dir, or
 * node --heapsnapshot-signal) by constructor: for each kind of object, how many there are and
 * their own size in each snapshot, and the difference, largest growth first. What grows between
 * two points of a steady load is what a process keeps.
 *
 *   node dist/services/bench/heap-snapshot-diff.js A.heapsnapshot B.heapsnapshot [--top 30] [--json]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface Group {
  count: number;
  bytes: number;
}

/** Objects grouped by constructor (plain objects, arrays, closures and strings by their kind). */
export function groupByConstructor(s: Snapshot): Map<string, Group> {
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const width = fields.length;
  const [iType, iName, iSize] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const out = new Map<string, Group>();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + iType]!]!;
    const name = s.strings[s.nodes[i + iName]!] ?? '';
    const key = type === 'object' || type === 'native' ? name : type === 'closure' ? `(closure) ${name || 'anonymous'}` : `(${type})`;
    const g = out.get(key) ?? { count: 0, bytes: 0 };
    g.count++;
    g.bytes += s.nodes[i + iSize]!;
    out.set(key, g);
  }
  return out;
}

export interface Difference {
  constructor: string;
  before: Group;
  after: Group;
  countDelta: number;
  bytesDelta: number;
}

export function diff(before: Map<string, Group>, after: Map<string, Group>): Difference[] {
  const none = { count: 0, bytes: 0 };
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys]
    .map((k) => {
      const b = before.get(k) ?? none;
      const a = after.get(k) ?? none;
      return { constructor: k, before: b, after: a, countDelta: a.count - b.count, bytesDelta: a.bytes - b.bytes };
    })
    .sort((x, y) => y.bytesDelta - x.bytesDelta);
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' }, json: { type: 'boolean', default: false } } });
  if (positionals.length !== 2) throw new Error('usage: heap-snapshot-diff.js BEFORE.heapsnapshot AFTER.heapsnapshot [--top N] [--json]');
  const [before, after] = positionals.map((p) => groupByConstructor(JSON.parse(readFileSync(p, 'utf8')) as Snapshot));
  const rows = diff(before!, after!).slice(0, Number(values.top));
  const total = (m: Map<string, Group>) => [...m.values()].reduce((s, g) => s + g.bytes, 0);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ before_bytes: total(before!), after_bytes: total(after!), growth: rows }, null, 2)}\n`);
    return;
  }
  const kb = (x: number) => (x / 1024).toFixed(1);
  process.stdout.write(`heap: ${kb(total(before!))} KB -> ${kb(total(after!))} KB\n`);
  process.stdout.write('  count Δ     KB Δ  count after   KB after  constructor\n');
  for (const r of rows) {
    process.stdout.write(`${String(r.countDelta).padStart(9)} ${kb(r.bytesDelta).padStart(8)} ${String(r.after.count).padStart(12)} ${kb(r.after.bytes).padStart(10)}  ${r.constructor.slice(0, 80)}\n`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) main();
