/**
 * The strategy plan: which models Execute uses, in what order, for the decision's strategy.
 * Ranked candidates come in utility order (best first).
 */
import type { PolicyConfig, StrategyName } from '../../shared/config/schema.js';
import { describeCheckSpec } from '../../shared/config/check-spec.js';
import type { CatalogModel } from '../../shared/catalog.js';
import type { RankedModels } from './ranking.js';

export interface Ranked {
  id: string;
  provider: string;
  quality: number;
  costUsd: number;
  utility: number;
}

export interface Plan {
  strategy: StrategyName;
  models: string[];
  checks: string[];
  /** Set when the strategy asked for could not be planned (e.g. one eligible model). */
  note?: string;
  /** A hard pin made the plan: no model outside `models` may be called. */
  hardPin?: boolean;
}

const oneProvider = new WeakMap<readonly CatalogModel[], boolean>();

/** True when every model of the catalog comes from one provider (worked out once per catalog). */
function singleProvider(models: readonly CatalogModel[]): boolean {
  let one = oneProvider.get(models);
  if (one === undefined) {
    one = models.every((m) => m.provider === models[0]!.provider);
    oneProvider.set(models, one);
  }
  return one;
}

/**
 * Fallbacks (catalog indices) in ranking order, except that the first fallback comes from
 * another provider when one is eligible: an outage tends to take a provider's models down
 * together.
 */
export function fallbackIndices(ranked: RankedModels, models: readonly CatalogModel[], max: number): number[] {
  if (ranked.length <= 1 || max === 0) return [];
  const provider = models[ranked.at(0)]!.provider;
  // In a catalog of one provider there is no other to look for (a pass over every eligible model).
  const other = singleProvider(models) ? -1 : ranked.findAfterFirst((i) => models[i]!.provider !== provider);
  const out: number[] = other > 1 ? [ranked.at(other)] : [];
  for (let p = 1; p < ranked.length && out.length < max; p++) if (p !== other || other === 1) out.push(ranked.at(p));
  return out;
}

/**
 * `ranked` starts with the chosen model; only the models after it predicted better than it are
 * read, in their order, so a caller may pass just those.
 */
export function planStrategy(strategy: StrategyName, ranked: readonly Ranked[], fallbacks: readonly Ranked[], policy: PolicyConfig): Plan {
  const chosen = ranked[0]!;
  const single: Plan = { strategy: 'single', models: [chosen.id, ...fallbacks.map((f) => f.id)], checks: [] };
  if (strategy === 'single') return single;
  // Models that are predicted to answer better than the chosen one, cheapest first.
  const better = ranked.filter((r) => r.quality > chosen.quality).sort((a, b) => a.costUsd - b.costUsd || b.quality - a.quality);
  if (better.length === 0) return { ...single, note: `${strategy} needs a model predicted better than ${chosen.id}; none is eligible` };
  const best = better.reduce((a, b) => (b.quality > a.quality || (b.quality === a.quality && b.costUsd < a.costUsd) ? b : a));
  if (strategy === 'speculative') return { strategy, models: [chosen.id, best.id], checks: [] };
  const stages = [chosen];
  if (policy.max_stages > 2) {
    // A middle stage: the cheapest model that closes at least half the quality gap.
    const mid = better.find((r) => r !== best && r.quality >= chosen.quality + (best.quality - chosen.quality) / 2);
    if (mid) stages.push(mid);
  }
  stages.push(best);
  return { strategy, models: stages.map((s) => s.id), checks: policy.checks.map(describeCheckSpec) };
}
