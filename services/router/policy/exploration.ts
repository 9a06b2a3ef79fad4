/**
 * Exploration with logged propensities: a policy may spend a stated share of its decisions on
 * the near-best eligible models instead of always the best, with probabilities it knows, so
 * that past traffic can later say what another router would have achieved there
 * (evaluation/off-policy.ts). Off unless a policy sets `exploration`.
 *
 * The near-best set: the top-ranked model and every model ranked right behind it whose utility
 * is within `utility_margin` of the top's (and, with a quality margin, inside it). Over that set
 * of k models, with share ε:
 *
 *   epsilon_greedy   p(top) = 1 − ε + ε/k,   p(other) = ε/k
 *   softmax          p(m)   = (1 − ε)·[m = top] + ε · exp((u_m − u_top)/T) / Σ exp((u_j − u_top)/T)
 *
 * Every other model has probability 0. One uniform draw in [0, 1) picks the model, so a seeded
 * source repeats a run. Decide never explores a pinned request, a request that names a model, a
 * hard-pinned rule's policy or a strategy other than single (decide.ts).
 */
import type { ExplorationConfig } from '../../shared/config/schema.js';

/** What exploration ranks: a model and its utility, best first. */
export interface Explorable {
  id: string;
  utility: number;
}

export interface ExplorationChoice {
  /** Index of the chosen model in the ranked list. */
  index: number;
  /** The probability of each model of the near-best set (they sum to 1). */
  propensities: ReadonlyMap<string, number>;
}

/**
 * The near-best set of `ranked` (best first; `eligibleForExploration(i)` false stops the set)
 * and a draw from it with `u` in [0, 1). With one model in the set the top is chosen with probability 1.
 */
export function explore(ranked: readonly Explorable[], cfg: ExplorationConfig, u: number, inMargin: (id: string) => boolean = () => true): ExplorationChoice {
  const top = ranked[0]!;
  let k = 1;
  while (k < ranked.length && top.utility - ranked[k]!.utility <= cfg.utility_margin && inMargin(ranked[k]!.id)) k++;
  const p = new Float64Array(k);
  if (cfg.method === 'softmax') {
    let z = 0;
    for (let i = 0; i < k; i++) z += p[i] = Math.exp((ranked[i]!.utility - top.utility) / cfg.temperature);
    for (let i = 0; i < k; i++) p[i] = (cfg.share * p[i]!) / z;
  } else {
    for (let i = 0; i < k; i++) p[i] = cfg.share / k;
  }
  p[0] = p[0]! + 1 - cfg.share;
  const propensities = new Map<string, number>();
  let index = k - 1;
  let acc = 0;
  let picked = false;
  for (let i = 0; i < k; i++) {
    propensities.set(ranked[i]!.id, p[i]!);
    acc += p[i]!;
    if (!picked && u < acc) {
      index = i;
      picked = true;
    }
  }
  return { index, propensities };
}

/** "explored: X with probability 0.033 of 3 near-best models (ε-greedy, share 0.10)". */
export function describeExploration(chosen: string, choice: ExplorationChoice, cfg: ExplorationConfig): string {
  const p = choice.propensities.get(chosen) ?? 0;
  const how = `${cfg.method === 'softmax' ? `softmax T ${cfg.temperature}` : 'ε-greedy'}, share ${cfg.share.toFixed(2)}`;
  const verb = choice.index === 0 ? 'exploration kept the best' : 'explored';
  return `${verb}: ${chosen} with probability ${p.toFixed(3)} of ${choice.propensities.size} near-best models (${how})`;
}
