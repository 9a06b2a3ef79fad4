/**
 * Fits the expected output length per task family (router/model/output-length.ts) from the
 * measured output tokens of routing data, and writes router/model/output-length-table.ts.
 *
 * Each prompt's family is read as Decide reads it (core/task-family.ts, the prompt as the one
 * user message); its output length is the mean of its models' output tokens. A family's fitted
 * length is the mean of its prompts' lengths, with the stated estimate counted as PRIOR_PROMPTS
 * prompts:  (Σ lengths + PRIOR_PROMPTS · stated) / (n + PRIOR_PROMPTS). The mean, not the
 * median: cost is linear in tokens, so the expected cost needs the expected length.
 *
 * The shipped table is fitted on AlpacaEval, whose answers are open-ended as everyday
 * traffic's are, and MMLU-Pro, whose questions all read as multiple-choice and so fit that
 * family alone. GSM8K's answers follow the benchmark's few-shot format (a short worked
 * solution ending in the number), which says nothing of a request's own length, and
 * RouteLLM's MMLU records a one-token answer.
 *
 *   npx tsc -p tsconfig.json && node dist/services/train/fit-output-length.js [--write]
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { readTask } from '../router/core/task-family.js';
import { PRIOR_PROMPTS, STATED_OUTPUT_TOKENS } from '../router/model/output-length.js';
import { readRoutingData, type RoutingData } from '../shared/routing-data.js';
import { repoPath } from './repo-root.js';

export const OUTPUT_LENGTH_DATA = ['data/alpaca-eval/dev.jsonl.gz', 'data/mmlu-pro/dev.jsonl.gz'] as const;
export const OUTPUT_LENGTH_TABLE = 'services/router/model/output-length-table.ts';

export interface FamilyLength {
  /** Prompts of the family in the data. */
  n: number;
  /** Their mean output tokens (0 when n = 0). */
  measured: number;
  /** The fitted expected output tokens, rounded. */
  tokens: number;
}

export function fitOutputLengths(data: RoutingData): Record<string, FamilyLength> {
  const sums = new Map<string, { n: number; sum: number }>();
  for (const p of data.prompts) {
    const outs = Object.values(p.outcomes);
    if (outs.length === 0) continue;
    const family = readTask({
      qualityText: p.prompt,
      messages: [{ role: 'user', content: [{ type: 'text', text: p.prompt }] }],
      responseFormat: { type: 'text' },
      tools: [],
    }).family;
    const s = sums.get(family) ?? { n: 0, sum: 0 };
    s.n++;
    s.sum += outs.reduce((t, o) => t + o.output_tokens, 0) / outs.length;
    sums.set(family, s);
  }
  const out: Record<string, FamilyLength> = {};
  for (const [family, stated] of Object.entries(STATED_OUTPUT_TOKENS)) {
    const s = sums.get(family) ?? { n: 0, sum: 0 };
    out[family] = {
      n: s.n,
      measured: s.n > 0 ? Math.round(s.sum / s.n) : 0,
      tokens: Math.round((s.sum + PRIOR_PROMPTS * stated) / (s.n + PRIOR_PROMPTS)),
    };
  }
  return out;
}

/** The source text of output-length-table.ts for a fit of `data`, read from `files` (repository paths, in order). */
export function outputLengthTableSource(files: readonly string[], data: RoutingData, fit: Record<string, FamilyLength>): string {
  const sources = data.sources.map((s, i) => ` *   ${files[i] ?? s.file} (SHA-256 of its JSONL ${s.sha256})`);
  const rows = Object.entries(fit).map(
    ([family, f]) => `  ${/^[a-z]+$/.test(family) ? family : `'${family}'`}: ${f.tokens}, // n ${f.n}, measured mean ${f.measured}, stated ${STATED_OUTPUT_TOKENS[family]}`,
  );
  return [
    '/**',
    ' * Expected output tokens per task family, fitted by services/train/fit-output-length.ts from',
    ...sources,
    ' * Generated: rebuild with `node dist/services/train/fit-output-length.js --write`.',
    ' */',
    'export const FITTED_OUTPUT_TOKENS: Readonly<Record<string, number>> = {',
    ...rows,
    '};',
    '',
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const data = await readRoutingData(OUTPUT_LENGTH_DATA.map((f) => repoPath(f)));
  const fit = fitOutputLengths(data);
  for (const [family, f] of Object.entries(fit)) {
    process.stdout.write(`${family.padEnd(15)} ${String(f.n).padStart(4)} prompts  measured ${String(f.measured).padStart(4)}  stated ${String(STATED_OUTPUT_TOKENS[family]).padStart(4)}  fitted ${f.tokens}\n`);
  }
  if (process.argv.includes('--write')) await writeFile(repoPath(OUTPUT_LENGTH_TABLE), outputLengthTableSource(OUTPUT_LENGTH_DATA, data, fit));
}
