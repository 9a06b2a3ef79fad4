/**
 * What the task priors Decide applies (core/task-family.ts read, model/task-prior.ts) do to the
 * routing measurements: on each data set, 5-fold held-out predictions are scored as they are
 * (what `switchyard eval` reports) and after each prompt's tier prior (what Decide routes on),
 * and the report gives match_flagship_cost_ratio, best_quality_within_flagship_cost, AIQ and,
 * with two models, APGR for both, with the prompts per tier. A measurement, not a test.
 *
 *   npx tsc -p tsconfig.json && node dist/services/train/measure-task-priors.js [--json]
 */
import { pathToFileURL } from 'node:url';
import { readTask, type TaskTier } from '../router/core/task-family.js';
import { applyTierPrior } from '../router/model/task-prior.js';
import { filterPool, readRoutingData, type RoutingData } from '../shared/routing-data.js';
import { aiq, bestWithinFlagshipCost, cheapestOf, flagshipOf, matchFlagship, singleModels, twoModelMetrics } from './eval-metrics.js';
import { PRODUCTION_POOL } from './measure-routing.js';
import { sweepOperatingPoints } from './operating-points.js';
import { repoPath } from './repo-root.js';
import { routerOnData, type RouterOnData } from './routing-table.js';

export interface PriorEffect {
  file: string;
  tiers: Record<string, number>;
  learned: Record<string, number | null>;
  withPriors: Record<string, number | null>;
}

function metrics(r: RouterOnData, predicted: Float64Array): Record<string, number | null> {
  const m = r.models.length;
  const points = sweepOperatingPoints({ ...r.table, predicted }).points;
  const singles = singleModels(r.models, r.complete.quality, r.complete.cost);
  const fi = flagshipOf(singles);
  const flagship = singles[fi]!;
  const lo = singles[cheapestOf(singles)]!.cost_usd;
  const hi = Math.max(...singles.map((s) => s.cost_usd));
  const out: Record<string, number | null> = {
    match_flagship_cost_ratio: matchFlagship(points, flagship).ratio,
    best_quality_within_flagship_cost: bestWithinFlagshipCost(points, flagship).quality,
    aiq: aiq(points, lo, hi),
  };
  if (m === 2) {
    const n = r.table.n;
    const strong = new Float64Array(n), weak = new Float64Array(n), gain = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      strong[i] = r.complete.quality[i * m + fi]!;
      weak[i] = r.complete.quality[i * m + 1 - fi]!;
      gain[i] = predicted[i * m + fi]! - predicted[i * m + 1 - fi]!;
    }
    out.apgr = twoModelMetrics(strong, weak, gain).apgr;
  }
  return out;
}

/** The tier Decide reads for each complete prompt (the table's rows), the prompt as the one user message. */
function tiersOf(data: RoutingData, r: RouterOnData): TaskTier[] {
  const m = r.models.length;
  const tiers: TaskTier[] = [];
  for (let i = 0; i < r.outcomes.n; i++) {
    let complete = true;
    for (let j = 0; j < m; j++) if (r.outcomes.observed[i * m + j] === 0) complete = false;
    if (!complete) continue;
    const text = data.prompts[i]!.prompt;
    tiers.push(readTask({ qualityText: text, messages: [{ role: 'user', content: [{ type: 'text', text }] }], responseFormat: { type: 'text' }, tools: [] }).tier);
  }
  if (tiers.length !== r.table.n) throw new Error(`internal: ${tiers.length} tiers for ${r.table.n} rows`);
  return tiers;
}

export async function measureTaskPriors(file: string, pool?: readonly string[]): Promise<PriorEffect> {
  const all = await readRoutingData([repoPath(file)]);
  const r = routerOnData(all, { folds: 5, ...(pool ? { pool } : {}) }, 'evaluate');
  const tiers = tiersOf(pool ? filterPool(all, pool) : all, r);
  const m = r.models.length;
  const withPriors = Float64Array.from(r.table.predicted, (q, k) => applyTierPrior(q, tiers[Math.floor(k / m)]!));
  const counts: Record<string, number> = {};
  for (const t of tiers) counts[t] = (counts[t] ?? 0) + 1;
  return { file, tiers: counts, learned: metrics(r, r.table.predicted), withPriors: metrics(r, withPriors) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sets: [string, readonly string[] | undefined][] = [
    ['data/mmlu-pro/dev.jsonl.gz', PRODUCTION_POOL],
    ['data/routellm/gsm8k.jsonl.gz', undefined],
    ['data/routellm/mmlu.jsonl.gz', undefined],
  ];
  const results: PriorEffect[] = [];
  const fmt = (x: Record<string, number | null>) => Object.entries(x).map(([k, v]) => `${k} ${v === null ? 'null' : v.toFixed(4)}`).join(', ');
  for (const [file, pool] of sets) {
    const e = await measureTaskPriors(file, pool);
    results.push(e);
    process.stderr.write(`${file} (tiers ${JSON.stringify(e.tiers)}):\n  learned      ${fmt(e.learned)}\n  with priors  ${fmt(e.withPriors)}\n`);
  }
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(results) + '\n');
}
