/**
 * Routing data: JSONL files of prompts and each model's measured outcome on them
 * (../shared/data/README.md; DESIGN.md "Routing data").
 *
 * One prompt per line:
 *   {"id": string, "prompt": string, "segment": string,
 *    "outcomes": {<model id>: {"quality": 0..1, "input_tokens": >=0, "output_tokens": >=0, "cost_usd": >=0}}}
 * Blank lines are skipped. Keys not named here are ignored (the format may grow). A file whose
 * name ends in `.gz` is gunzipped first. Every violation is a RoutingDataError whose message
 * names the file, the 1-based line and the field:
 *   data/x.jsonl:17: outcomes.gpt-4o.quality must be a number in [0, 1]
 * Ids need not be unique (RouteLLM's MMLU file lists 105 questions twice, under two subjects);
 * prompts that share an id always share a cross-validation fold. Reading the same content
 * twice (one file given twice, or a file and its .gz copy) is an error.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface Outcome {
  /** Graded quality in [0, 1] (1 = correct). */
  quality: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

export interface RoutingPrompt {
  id: string;
  prompt: string;
  segment: string;
  /** Only the models that have a result for this prompt. */
  outcomes: Record<string, Outcome>;
}

export interface DataSource {
  /** Base name of the file as read (informational; recorded in model headers). */
  file: string;
  /** SHA-256 of the decompressed JSONL text, so a .gz copy and its original agree. */
  sha256: string;
  prompts: number;
}

export interface RoutingData {
  prompts: RoutingPrompt[];
  /** Every model id that has at least one outcome, sorted by code unit. */
  models: string[];
  sources: DataSource[];
}

export class RoutingDataError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RoutingDataError';
  }
}

const OUTCOME_NUMBERS = ['quality', 'input_tokens', 'output_tokens', 'cost_usd'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates one parsed line; `where` is "file:line". */
export function validatePrompt(v: unknown, where: string): RoutingPrompt {
  const fail = (field: string, msg: string): never => {
    throw new RoutingDataError(`${where}: ${field} ${msg}`);
  };
  if (!isObject(v)) return fail('line', 'must be a JSON object');
  if (typeof v.id !== 'string' || v.id.length === 0) fail('id', 'must be a non-empty string');
  if (typeof v.prompt !== 'string') fail('prompt', 'must be a string');
  if (typeof v.segment !== 'string' || v.segment.length === 0) fail('segment', 'must be a non-empty string');
  if (!isObject(v.outcomes)) return fail('outcomes', 'must be an object of model id to outcome');
  const outcomes: Record<string, Outcome> = {};
  for (const [model, o] of Object.entries(v.outcomes)) {
    const base = `outcomes.${model}`;
    if (model.length === 0) fail('outcomes', 'has an empty model id');
    if (!isObject(o)) return fail(base, 'must be an object');
    for (const k of OUTCOME_NUMBERS) {
      const x = o[k];
      if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${base}.${k}`, k === 'quality' ? 'must be a number in [0, 1]' : 'must be a finite number >= 0');
    }
    const q = o.quality as number;
    if (q < 0 || q > 1) fail(`${base}.quality`, 'must be a number in [0, 1]');
    for (const k of ['input_tokens', 'output_tokens', 'cost_usd'] as const) {
      if ((o[k] as number) < 0) fail(`${base}.${k}`, 'must be a finite number >= 0');
    }
    outcomes[model] = {
      quality: q,
      input_tokens: o.input_tokens as number,
      output_tokens: o.output_tokens as number,
      cost_usd: o.cost_usd as number,
    };
  }
  return { id: v.id as string, prompt: v.prompt as string, segment: v.segment as string, outcomes };
}

/** Parses JSONL text; `name` is how errors refer to the file. */
export function parseRoutingJsonl(text: string, name: string): RoutingPrompt[] {
  const out: RoutingPrompt[] = [];
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line.length === 0) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      throw new RoutingDataError(`${name}:${lineNo}: line is not valid JSON (${(e as Error).message})`, { cause: e });
    }
    out.push(validatePrompt(parsed, `${name}:${lineNo}`));
  }
  return out;
}

async function readText(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new RoutingDataError(`${file}: cannot read (${(e as Error).message})`, { cause: e });
  }
  if (file.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new RoutingDataError(`${file}: not valid gzip (${(e as Error).message})`, { cause: e });
    }
  }
  return bytes.toString('utf8');
}

/** Reads and validates one or more files into one data set, in the order given. */
export async function readRoutingData(files: readonly string[]): Promise<RoutingData> {
  if (files.length === 0) throw new RoutingDataError('no data files given');
  const prompts: RoutingPrompt[] = [];
  const sources: DataSource[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const text = await readText(file);
    const sha256 = createHash('sha256').update(text).digest('hex');
    const prev = seen.get(sha256);
    if (prev !== undefined) throw new RoutingDataError(`${file}: same content as ${prev}, given twice`);
    seen.set(sha256, file);
    const parsed = parseRoutingJsonl(text, file);
    prompts.push(...parsed);
    sources.push({ file: basename(file), sha256, prompts: parsed.length });
  }
  return { prompts, models: modelsOf(prompts), sources };
}

export function modelsOf(prompts: readonly RoutingPrompt[]): string[] {
  const set = new Set<string>();
  for (const p of prompts) for (const m of Object.keys(p.outcomes)) set.add(m);
  return [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Parses a `--pool a,b,c` value: trimmed, non-empty, no duplicates. */
export function parsePool(value: string): string[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length === 0) throw new RoutingDataError('--pool names no models');
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new RoutingDataError(`--pool names ${dup} twice`);
  return names;
}

/**
 * Keeps only the outcomes of `pool` models (and the prompts left with at least one).
 * An unknown name is an error that lists the models the data knows.
 */
export function filterPool(data: RoutingData, pool: readonly string[]): RoutingData {
  const known = new Set(data.models);
  const unknown = pool.filter((m) => !known.has(m));
  if (unknown.length > 0) {
    throw new RoutingDataError(
      `unknown pool model${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the data has: ${data.models.join(', ')}`,
    );
  }
  const keep = new Set(pool);
  const prompts: RoutingPrompt[] = [];
  for (const p of data.prompts) {
    const outcomes: Record<string, Outcome> = {};
    let any = false;
    for (const [m, o] of Object.entries(p.outcomes)) {
      if (keep.has(m)) {
        outcomes[m] = o;
        any = true;
      }
    }
    if (any) prompts.push({ ...p, outcomes });
  }
  return { prompts, models: modelsOf(prompts), sources: data.sources };
}
