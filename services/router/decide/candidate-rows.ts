/**
 * The candidate rows a decision explains: the chosen model and its fallbacks in rank order,
 * then the other eligible models by score (utility), then the excluded ones in catalog order,
 * cut to the top k. Only the rows returned are made into objects.
 */
import type { Candidate__Output as Candidate } from '../../generated/switchyard/v1/Candidate.js';
import { selectFirst, type ModelScores, type RankedModels } from './ranking.js';

/**
 * Rows explained when the request does not say (DecideRequest.explain_top_k unset): every
 * model of a catalog up to this size, and the top this many of a larger one.
 */
export const DEFAULT_EXPLAIN_TOP_K = 32;

function row(s: ModelScores, i: number, rank: number): Candidate {
  const m = s.models[i]!;
  const excluded = s.excluded[i];
  return {
    model: m.id,
    provider: m.provider,
    eligible: excluded === null,
    excludedReason: excluded ?? '',
    predictedQuality: s.quality[i]!,
    estimatedCostUsd: s.cost[i]!,
    estimatedLatencyMs: s.latency[i]!,
    score: excluded === null ? s.utility[i]! : 0,
    rank,
  };
}

/** The first `k` rows; `ranked` holds the chosen model then its fallbacks (ranks 1, 2, …). */
export function candidateRows(s: ModelScores, ranked: readonly number[], k: number): Candidate[] {
  const rows: Candidate[] = [];
  for (let r = 0; r < ranked.length && rows.length < k; r++) rows.push(row(s, ranked[r]!, r + 1));
  if (rows.length < k) {
    const others = selectFirst(s, Math.min(k, s.eligibleCount), 'score');
    for (const i of others) {
      if (rows.length === k) break;
      if (!ranked.includes(i)) rows.push(row(s, i, 0));
    }
  }
  for (let i = 0; i < s.models.length && rows.length < k; i++) if (s.excluded[i] !== null) rows.push(row(s, i, 0));
  return rows;
}

/** The eligible model of best expected quality (the cheaper on a tie, then the first ranked). */
export function bestExplained(s: ModelScores, ranked: RankedModels): number {
  let best = -1;
  for (let e = 0; e < s.eligibleCount; e++) {
    const i = s.eligible[e]!;
    if (best < 0) {
      best = i;
      continue;
    }
    const q = s.quality[i]!;
    const bq = s.quality[best]!;
    if (q > bq || (q === bq && (s.cost[i]! < s.cost[best]! || (s.cost[i] === s.cost[best] && ranked.compare(i, best) < 0)))) best = i;
  }
  return best;
}

/** How many models each filter excluded (a reason's name is what precedes its first colon), in catalog order of first use. */
export function excludedByFilter(s: ModelScores): Map<string, number> {
  const out = new Map<string, number>();
  for (const reason of s.excluded) {
    if (reason === null) continue;
    const colon = reason.indexOf(':');
    const key = colon < 0 ? reason : reason.slice(0, colon);
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}
