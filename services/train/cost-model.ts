/**
 * What the router expects a request to cost, per model, before it runs: the ĉ of the
 * trade-off (policy/tradeoff.ts). Fitted on training prompts only.
 *
 *   'mean':   ĉ_ij = model j's mean cost_usd per prompt.
 *   'tokens': ĉ_ij = inPrice_j × (prompt i's estimated tokens, from the core's features)
 *                    + outPrice_j × model j's mean output tokens,
 *             where (inPrice_j, outPrice_j) are the least-squares fit of
 *             cost_usd ≈ inPrice · input_tokens + outPrice · output_tokens over j's outcomes
 *             (exact when the data was priced per token, as the README's data is). This is
 *             what a catalog's per-token prices give at serving time.
 */
import type { OutcomeMatrix } from './outcome-matrix.js';

export type CostModelKind = 'mean' | 'tokens';
export const COST_MODEL_KINDS: readonly CostModelKind[] = ['mean', 'tokens'];

export interface ModelCost {
  meanCost: number;
  inPrice: number;
  outPrice: number;
  meanOutputTokens: number;
}

export interface CostModel {
  kind: CostModelKind;
  models: ModelCost[];
}

export function fitCostModel(mx: OutcomeMatrix, kind: CostModelKind): CostModel {
  const m = mx.models.length;
  const models = mx.models.map((_, j): ModelCost => {
    let n = 0, c = 0, sii = 0, sio = 0, soo = 0, sic = 0, soc = 0, outSum = 0, inSum = 0;
    for (let i = 0; i < mx.n; i++) {
      const k = i * m + j;
      if (mx.observed[k] === 0) continue;
      const a = mx.inputTokens[k]!, b = mx.outputTokens[k]!, y = mx.cost[k]!;
      n++;
      c += y;
      sii += a * a;
      sio += a * b;
      soo += b * b;
      sic += a * y;
      soc += b * y;
      inSum += a;
      outSum += b;
    }
    const meanCost = n > 0 ? c / n : 0;
    const det = sii * soo - sio * sio;
    let inPrice: number, outPrice: number;
    if (n > 0 && det > 1e-9 * sii * soo) {
      inPrice = (sic * soo - soc * sio) / det;
      outPrice = (soc * sii - sic * sio) / det;
    } else {
      const perToken = inSum + outSum > 0 ? c / (inSum + outSum) : 0;
      inPrice = perToken;
      outPrice = perToken;
    }
    return { meanCost, inPrice, outPrice, meanOutputTokens: n > 0 ? outSum / n : 0 };
  });
  return { kind, models };
}

/** n × m expected cost per request; `estimatedTokens[i]` is prompt i's token estimate. */
export function expectedCosts(cm: CostModel, estimatedTokens: ArrayLike<number>): Float64Array {
  const m = cm.models.length;
  const n = estimatedTokens.length;
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const mc = cm.models[j]!;
      out[i * m + j] =
        cm.kind === 'mean' ? mc.meanCost : Math.max(0, mc.inPrice * estimatedTokens[i]! + mc.outPrice * mc.meanOutputTokens);
    }
  }
  return out;
}
