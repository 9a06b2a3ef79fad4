/**
 * Outcomes as dense n × m matrices (prompt-major), the shape training and metrics work on.
 * A missing outcome is NaN in `quality` and `cost`, and `observed` is 0 there.
 */
import type { RoutingPrompt } from '../shared/routing-data.js';

export interface OutcomeMatrix {
  n: number;
  models: string[];
  ids: string[];
  segments: string[];
  quality: Float64Array;
  cost: Float64Array;
  inputTokens: Float64Array;
  outputTokens: Float64Array;
  observed: Uint8Array;
}

export function buildOutcomeMatrix(prompts: readonly RoutingPrompt[], models: readonly string[]): OutcomeMatrix {
  const n = prompts.length;
  const m = models.length;
  const quality = new Float64Array(n * m).fill(NaN);
  const cost = new Float64Array(n * m).fill(NaN);
  const inputTokens = new Float64Array(n * m).fill(NaN);
  const outputTokens = new Float64Array(n * m).fill(NaN);
  const observed = new Uint8Array(n * m);
  prompts.forEach((p, i) => {
    models.forEach((model, j) => {
      const o = p.outcomes[model];
      if (o === undefined) return;
      const k = i * m + j;
      quality[k] = o.quality;
      cost[k] = o.cost_usd;
      inputTokens[k] = o.input_tokens;
      outputTokens[k] = o.output_tokens;
      observed[k] = 1;
    });
  });
  return {
    n,
    models: [...models],
    ids: prompts.map((p) => p.id),
    segments: prompts.map((p) => p.segment),
    quality,
    cost,
    inputTokens,
    outputTokens,
    observed,
  };
}

/** The rows `rows` of a matrix, as a new matrix. */
export function selectOutcomeRows(mx: OutcomeMatrix, rows: readonly number[]): OutcomeMatrix {
  const m = mx.models.length;
  const pick = <T extends Float64Array | Uint8Array>(a: T, make: (len: number) => T): T => {
    const out = make(rows.length * m);
    rows.forEach((r, i) => out.set(a.subarray(r * m, (r + 1) * m), i * m));
    return out;
  };
  const f64 = (len: number) => new Float64Array(len);
  return {
    n: rows.length,
    models: mx.models,
    ids: rows.map((r) => mx.ids[r]!),
    segments: rows.map((r) => mx.segments[r]!),
    quality: pick(mx.quality, f64),
    cost: pick(mx.cost, f64),
    inputTokens: pick(mx.inputTokens, f64),
    outputTokens: pick(mx.outputTokens, f64),
    observed: pick(mx.observed, (len) => new Uint8Array(len)),
  };
}

/** Indices of prompts that have an outcome for every model. */
export function completeRows(mx: OutcomeMatrix): number[] {
  const m = mx.models.length;
  const rows: number[] = [];
  for (let i = 0; i < mx.n; i++) {
    let all = true;
    for (let j = 0; j < m; j++) if (mx.observed[i * m + j] === 0) all = false;
    if (all) rows.push(i);
  }
  return rows;
}

/** Per model: observations and mean observed quality / cost. */
export function modelStats(mx: OutcomeMatrix): { n: number; meanQuality: number; meanCost: number }[] {
  const m = mx.models.length;
  return mx.models.map((_, j) => {
    let n = 0, q = 0, c = 0;
    for (let i = 0; i < mx.n; i++) {
      if (mx.observed[i * m + j] === 0) continue;
      n++;
      q += mx.quality[i * m + j]!;
      c += mx.cost[i * m + j]!;
    }
    return { n, meanQuality: n > 0 ? q / n : NaN, meanCost: n > 0 ? c / n : NaN };
  });
}
