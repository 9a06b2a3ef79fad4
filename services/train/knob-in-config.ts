/**
 * The trade-off knob in a configuration file: `calibrate --write` sets one policy's
 * cost_quality_tradeoff (or, for a policy that operates by a quality margin, its
 * quality_margin) in the operator's YAML, keeping comments and layout, and writes the file
 * atomically; the built-in configuration is never edited.
 */
import { randomBytes } from 'node:crypto';
import { open, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { CST, Composer, Parser, isMap, isScalar, parseDocument, type Document } from 'yaml';
import { DEFAULT_CONFIG_PATH, parseConfig } from '../shared/config/load-config.js';

/** Decimals of the knob as written into a configuration. */
export const KNOB_DECIMALS = 4;
const GRID = 10 ** KNOB_DECIMALS;

export interface KnobEdit {
  /** The edited configuration text. */
  text: string;
  policy: string;
  /** The policy's knob before the edit (its default when the file did not set it). */
  previous: number;
  /**
   * 'value': the existing value was replaced in place; 'key': the key was added as the
   * policy's first entry; 'document': the file was re-rendered from its YAML document
   * (comments kept, spacing may differ).
   */
  how: 'value' | 'key' | 'document';
}

const KNOB_KEY = 'cost_quality_tradeoff';
/** The policy keys calibrate writes. */
export type PolicyKey = 'cost_quality_tradeoff' | 'quality_margin';

/** The knob rounded to KNOB_DECIMALS decimals, as a number whose shortest form has no more. */
export function roundKnob(k: number): number {
  if (!(k >= 0 && k <= 1)) throw new RangeError(`trade-off knob must be in [0, 1], got ${k}`);
  return Math.round(k * GRID) / GRID;
}

/** The text with one edit: `insert` replaces text[from, to). */
const splice = (text: string, from: number, to: number, insert: string) => text.slice(0, from) + insert + text.slice(to);

/** Edits in the source: the value in place, else the key before the policy's first key. */
function editSource(text: string, path: readonly string[], value: string, key: PolicyKey): { text: string; how: 'value' | 'key' } | null {
  const tokens = Array.from(new Parser().parse(text));
  const docs: Document.Parsed[] = Array.from(new Composer({ keepSourceTokens: true }).compose(tokens));
  if (docs.length !== 1 || docs[0]!.errors.length > 0) return null;
  const doc = docs[0]!;
  const node = doc.getIn([...path, key], true);
  if (isScalar(node) && node.srcToken !== undefined && node.srcToken.type === 'scalar') {
    CST.setScalarValue(node.srcToken, value);
    return { text: tokens.map((t) => CST.stringify(t)).join(''), how: 'value' };
  }
  if (node !== undefined) return null;
  const map = doc.getIn(path, true);
  if (!isMap(map) || map.items.length === 0) return null;
  const first = map.items[0]!.key;
  if (!isScalar(first) || first.range == null) return null;
  const at = first.range[0];
  if (map.flow) return { text: splice(text, at, at, `${key}: ${value}, `), how: 'key' };
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const indent = text.slice(lineStart, at);
  if (!/^ *$/.test(indent)) return null;
  return { text: splice(text, at, at, `${key}: ${value}\n${indent}`), how: 'key' };
}

/**
 * Sets `policies.<policy>.cost_quality_tradeoff` to `knob` (rounded to KNOB_DECIMALS) in
 * configuration text, keeping comments and layout. `policy` defaults to the configuration's
 * router.default_policy. The result is validated with parseConfig, and it is checked that
 * nothing but that one value changed; `source` names the file in errors.
 */
export function setPolicyKnob(text: string, source: string, knob: number, policy?: string): KnobEdit {
  return setPolicyValue(text, source, KNOB_KEY, roundKnob(knob), policy);
}

/** As setPolicyKnob, for `key` (a value already rounded to KNOB_DECIMALS decimals). */
export function setPolicyValue(text: string, source: string, key: PolicyKey, k: number, policy?: string): KnobEdit {
  const before = parseConfig(text, source);
  const name = policy ?? before.router.default_policy;
  const current = before.policies[name];
  if (current === undefined) throw new RangeError(`${source}: no policy named "${name}" (have: ${Object.keys(before.policies).join(', ')})`);
  const path = ['policies', name];
  const expected = parseDocument(text).toJS() ?? {};
  setPath(expected, [...path, key], k);

  const candidates: (() => { text: string; how: KnobEdit['how'] } | null)[] = [
    () => editSource(text, path, String(k), key),
    () => {
      const doc = parseDocument(text);
      doc.setIn([...path, key], k);
      return { text: doc.toString({ lineWidth: 0 }), how: 'document' };
    },
  ];
  for (const make of candidates) {
    const edit = make();
    if (edit === null || !isDeepStrictEqual(parseDocument(edit.text).toJS() ?? {}, expected)) continue;
    const after = parseConfig(edit.text, source);
    if (after.policies[name]?.[key] !== k) continue;
    return { text: edit.text, policy: name, previous: current[key], how: edit.how };
  }
  throw new Error(`${source}: could not set policies.${name}.${key} without changing anything else`);
}

function setPath(obj: unknown, path: readonly string[], value: unknown): void {
  let o = obj as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    if (typeof o[key] !== 'object' || o[key] === null) o[key] = {};
    o = o[key] as Record<string, unknown>;
  }
  o[path[path.length - 1]!] = value;
}

/** Writes `text` to `file` atomically: a temporary file beside it (same mode), synced, then renamed over it. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const target = await realpath(file);
  const { mode } = await stat(target);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode & 0o777);
  try {
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Whether `file` is the built-in configuration (which `calibrate --write` never edits). */
export async function isBuiltInConfig(file: string): Promise<boolean> {
  try {
    return (await realpath(file)) === (await realpath(DEFAULT_CONFIG_PATH));
  } catch {
    return false;
  }
}
