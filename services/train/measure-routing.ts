/**
 * The routing measurements the project reports, from the committed data:
 *   - 5-fold cross-validation on MMLU-Pro with the production pool: match_flagship_cost_ratio,
 *     best_quality_within_flagship_cost, aiq (and the rest of the report);
 *   - 5-fold APGR / CPT(50%) / CPT(80%) on RouteLLM's GSM8K and MMLU;
 *   - the time to train the shipped model's configuration on all of MMLU-Pro.
 * A measurement, not a test: it prints what it finds and passes or fails nothing.
 *
 *   npx tsc -p tsconfig.json && node dist/services/train/measure-routing.js [--json]
 */
import { pathToFileURL } from 'node:url';
import { evaluate, reportSummary, type EvalReport } from './evaluate.js';
import { repoPath } from './repo-root.js';
import { readRoutingData } from '../shared/routing-data.js';
import { trainOnData } from './train-from-data.js';
import { DEFAULT_TRAIN_OPTIONS } from './trainer.js';

export const PRODUCTION_POOL = [
  'gpt-4o-2024-05-13',
  'gemini-1.5-pro-002',
  'gemini-1.5-flash-002',
  'deepseek-chat',
  'Meta-Llama-3_1-70B-Instruct',
  'Meta-Llama-3_1-8B-Instruct',
  'Mixtral-8x7B-Instruct-v0.1',
  'Phi-3-mini-4k-instruct',
  'Qwen1.5-72B-Chat',
  'jamba-1.5-large',
  'mathstral-7B',
  'c4ai-command-r-v01',
];

export interface Measurements {
  mmluPro: Record<string, unknown>;
  gsm8k: Record<string, unknown>;
  routellmMmlu: Record<string, unknown>;
  training: { prompts: number; wallSeconds: number; cpuSeconds: number };
}

function timed<T>(f: () => T): { value: T; wall: number; cpu: number } {
  const w0 = performance.now();
  const c0 = process.cpuUsage();
  const value = f();
  const c = process.cpuUsage(c0);
  return { value, wall: (performance.now() - w0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

const brief = (r: EvalReport, seconds: number) => ({
  ...reportSummary(r),
  seconds: Math.round(seconds),
});

export async function measureRouting(log: (line: string) => void = () => {}): Promise<Measurements> {
  const mmluPro = await readRoutingData([repoPath('data/mmlu-pro/dev.jsonl.gz')]);
  const cv = timed(() => evaluate(mmluPro, { folds: 5, pool: PRODUCTION_POOL }));
  log(
    `MMLU-Pro, production pool, 5-fold: match_flagship_cost_ratio ${cv.value.match_flagship_cost_ratio?.toFixed(4)}, ` +
      `best_quality_within_flagship_cost ${cv.value.best_quality_within_flagship_cost?.toFixed(4)}, aiq ${cv.value.aiq.toFixed(4)} ` +
      `(flagship ${cv.value.flagship.quality.toFixed(4)}, oracle ${cv.value.oracle.quality.toFixed(4)} at ${cv.value.oracle.cost_ratio.toFixed(4)}; ${cv.wall.toFixed(0)} s)`,
  );
  const two: Record<string, unknown>[] = [];
  for (const file of ['data/routellm/gsm8k.jsonl.gz', 'data/routellm/mmlu.jsonl.gz']) {
    const data = await readRoutingData([repoPath(file)]);
    const r = timed(() => evaluate(data, { folds: 5 }));
    log(`${file}, 5-fold: apgr ${r.value.apgr?.toFixed(4)}, cpt50 ${r.value.cpt50?.toFixed(2)}%, cpt80 ${r.value.cpt80?.toFixed(2)}% (${r.wall.toFixed(0)} s)`);
    two.push(brief(r.value, r.wall));
  }
  const t = timed(() => trainOnData(mmluPro, DEFAULT_TRAIN_OPTIONS));
  log(`training on all of MMLU-Pro (${mmluPro.prompts.length} prompts, ${mmluPro.models.length} models): ${t.wall.toFixed(1)} s wall, ${t.cpu.toFixed(1)} s CPU`);
  return {
    mmluPro: brief(cv.value, cv.wall),
    gsm8k: two[0]!,
    routellmMmlu: two[1]!,
    training: { prompts: mmluPro.prompts.length, wallSeconds: t.wall, cpuSeconds: t.cpu },
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const json = process.argv.includes('--json');
  const m = await measureRouting((line) => process.stderr.write(line + '\n'));
  if (json) process.stdout.write(JSON.stringify(m) + '\n');
}
