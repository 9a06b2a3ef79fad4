/**
 * What "the quality lost" after a drop can be measured against (learning-scenario.ts):
 *
 *  - the raw loss: the first router before the drop − the same router after it;
 *  - the recoverable loss: the ORACLE RE-ROUTE − the router after the drop, where the oracle
 *    re-route is the first router told the new truth exactly (its predictions for the degraded
 *    model on the segment moved by the true mean change there) and re-routing at the operating
 *    point of best quality that costs no more than the first router did before the drop, both
 *    measured on the same held-out traffic. It is the best a router that learned the change,
 *    and nothing else, could reach within the budget: when the pool has no substitute on the
 *    segment, most of the raw loss is simply not recoverable;
 *  - the substitute ceiling: the first router's choices with only the degraded calls moved to
 *    the segment's best other model (no budget).
 *
 * The fault itself is chosen by a stated rule: `most-routed` degrades the model the router sends
 * most on the segment where that count is highest; `with-substitute` the most-routed (model,
 * segment) among those where another model, no dearer by list price, averages on the shared data
 * at least the degraded model's quality there less a fifth of the drop (moving every degraded
 * call to it would recover at least 80% of the raw loss).
 */
import type { RoutingData, RoutingPrompt } from '../shared/routing-data.js';
import { policyChooser, type CandidatePolicy } from './log-estimate.js';
import type { PoolModel, ServedTraffic } from './replay-loop.js';

export type FaultRule = 'most-routed' | 'with-substitute';

export interface Fault {
  model: string;
  segment: string;
  /** For `with-substitute`: the substitute the rule found. */
  substitute?: string;
}

/** Answers under the faults in force: a model's graded quality on a prompt. */
export type TruthOf = (model: string, p: RoutingPrompt) => number;

function meanOn(prompts: readonly RoutingPrompt[], segment: string, dataId: string): { n: number; mean: number } {
  let n = 0;
  let sum = 0;
  for (const p of prompts) {
    const o = p.segment === segment ? p.outcomes[dataId] : undefined;
    if (o === undefined) continue;
    n++;
    sum += o.quality;
  }
  return { n, mean: n > 0 ? sum / n : Number.NaN };
}

export function chooseFault(rule: FaultRule, before: ServedTraffic, pool: readonly PoolModel[], shared: RoutingData, drop: number): Fault {
  const byId = new Map(pool.map((m) => [m.id, m]));
  let best: Fault & { n: number } = { model: '', segment: '', n: -1 };
  for (const [segment, calls] of Object.entries(before.bySegment)) {
    for (const [model, n] of Object.entries(calls)) {
      if (n <= best.n) continue;
      if (rule === 'most-routed') {
        best = { model, segment, n };
        continue;
      }
      const m = byId.get(model)!;
      const own = meanOn(shared.prompts, segment, m.dataId).mean;
      const sub = pool
        .filter((x) => x.id !== model && x.input <= m.input && x.output <= m.output)
        .map((x) => ({ id: x.id, q: meanOn(shared.prompts, segment, x.dataId).mean }))
        .filter((x) => x.q >= own - drop / 5)
        .sort((a, b) => b.q - a.q)[0];
      if (sub) best = { model, segment, n, substitute: sub.id };
    }
  }
  if (best.n < 0) throw new RangeError(`no (model, segment) the router serves fits the fault rule ${rule}`);
  const { n: _n, ...fault } = best;
  return fault;
}

export interface Reference {
  quality: number;
  cost_usd: number;
}

/**
 * The oracle re-route: `before` (the first router's decisions before the drop, on `heldOut`)
 * re-ranked with the degraded pair's predictions moved by `shift`, at the knob (of `knobs`) of
 * best quality whose cost is at most `budget`; quality under the new truth.
 */
export function oracleReroute(
  before: ServedTraffic,
  heldOut: readonly RoutingPrompt[],
  fault: Fault,
  shift: number,
  policy: Omit<CandidatePolicy, 'knob'>,
  knobs: readonly number[],
  budget: number,
  truth: TruthOf,
  costOf: (model: string, p: RoutingPrompt) => number,
): Reference & { knob: number } {
  const rows = before.rows.map((r, i) =>
    heldOut[i]!.segment === fault.segment
      ? { ...r, candidates: r.candidates.map((c) => (c.model === fault.model ? { ...c, predictedQuality: Math.min(1, Math.max(0, c.predictedQuality + shift)) } : c)) }
      : r,
  );
  let best: (Reference & { knob: number }) | undefined;
  for (const knob of knobs) {
    const choose = policyChooser({ ...policy, knob });
    let q = 0;
    let c = 0;
    rows.forEach((r, i) => {
      const m = choose(r);
      q += truth(m, heldOut[i]!);
      c += costOf(m, heldOut[i]!);
    });
    const x = { quality: q / rows.length, cost_usd: c / rows.length, knob };
    if (x.cost_usd <= budget && (!best || x.quality > best.quality)) best = x;
  }
  return best ?? { quality: Number.NaN, cost_usd: Number.NaN, knob: Number.NaN };
}

/** The first router's choices with the degraded calls moved to the segment's best other model (by its mean on `heldOut`). */
export function substituteCeiling(before: ServedTraffic, heldOut: readonly RoutingPrompt[], pool: readonly PoolModel[], fault: Fault, truth: TruthOf): Reference & { model: string } {
  let best = { model: '', q: -1 };
  for (const m of pool) {
    if (m.id === fault.model) continue;
    const q = meanOn(heldOut, fault.segment, m.dataId).mean;
    if (q > best.q) best = { model: m.id, q };
  }
  const dataId = new Map(pool.map((m) => [m.id, m.dataId]));
  let q = 0;
  let c = 0;
  before.rows.forEach((r, i) => {
    const p = heldOut[i]!;
    const model = r.chosen === fault.model && p.segment === fault.segment ? best.model : r.chosen;
    q += truth(model, p);
    c += p.outcomes[dataId.get(model)!]!.cost_usd;
  });
  const n = Math.max(1, before.rows.length);
  return { quality: q / n, cost_usd: c / n, model: best.model };
}
