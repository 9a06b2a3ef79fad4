/**
 * The retrained router's operating point in the learning scenario (learning-scenario.ts): the
 * knob it serves at after a drop, chosen so that its cost stays no more than the first router's
 * before the drop, from live probe traffic and the log alone (no held-out outcome is read).
 */
import type { ReplayPlayer } from '../executor/simulator/replay.js';
import type { RoutingPrompt } from '../shared/routing-data.js';
import { policyChooser } from './log-estimate.js';
import type { Fault } from './recovery-reference.js';
import type { ReplayLoop, ServedTraffic } from './replay-loop.js';

/**
 * Knobs an operating point is chosen among: the oracle re-route's, 0.5 to 1 by hundredths (a
 * step of 0.01 moves λ by a factor of 1.12, see tradeoff.ts); the challenger's, by twentieths.
 * Choosing the challenger's by hundredths put it at the edge of the budget on the probe traffic:
 * one log's challenger at 0.62 cost 2% more than before on the held-out traffic (at 0.6, 3% less).
 */
export const KNOBS = Array.from({ length: 51 }, (_, i) => (50 + i) / 100);
export const CHALLENGER_KNOBS = KNOBS.filter((_, i) => i % 5 === 0);
export const knobPolicy = (k: number) => `knob-${k.toFixed(2)}`;

/** One-sided z of the cost bound (95%). */
const COST_Z = 1.645;

/**
 * The challenger's operating point: the highest knob, no higher than the first router's
 * (`knobCap`), at which, on probe traffic (live prompts; no held-out outcome is read), its
 * expected cost per request exceeds the first router's before the drop by nothing, with 95%
 * confidence: mean paired difference + 1.645 standard errors <= 0. With a cap, the
 * operator's knob stays unless the budget forces it down (`knobCap` 1 lifts the cap): a higher
 * knob is not higher quality (at 1, every candidate within the quality margin of the best ties
 * and the cheapest wins).
 * Expected cost: the catalog's estimate for the model chosen, corrected by what the log shows
 * it really cost against that estimate (costCorrection). Without a knob that passes, the lowest.
 * The challenger serves the probe once; each knob's choices are its candidates re-ranked under
 * that knob as Decide ranks them (log-estimate.ts policyChooser).
 */
export function costNeutralKnob(first: ReplayLoop, challenger: ReplayLoop, logged: ServedTraffic, player: ReplayPlayer, probe: readonly RoutingPrompt[], fault: Fault, drop: number, knobCap: number): number {
  const correction = costCorrection(logged);
  const costs = (rows: ServedTraffic['rows']) => rows.map((r) => (r.candidates.find((c) => c.model === r.chosen)?.costUsd ?? 0) * correction(r.chosen, r.segment));
  player.restore();
  const budget = costs(first.serve(probe, 'serving').rows);
  player.degrade(fault.model, fault.segment, drop);
  const p = challenger.config.policies.serving!;
  const rows = challenger.serve(probe, 'serving').rows;
  let knob = CHALLENGER_KNOBS[0]!;
  for (const k of CHALLENGER_KNOBS.filter((x) => x <= knobCap)) {
    const choose = policyChooser({ knob: k, margin: p.quality_margin, latencyWeight: p.latency_weight });
    const c = costs(rows.map((r) => ({ ...r, chosen: choose(r) })));
    const d = c.map((x, i) => x - budget[i]!);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, d.length - 1));
    if (mean + (COST_Z * sd) / Math.sqrt(d.length) <= 0) knob = k;
  }
  return knob;
}

/**
 * What a model's logged answers really cost over what the router estimated for them, per model
 * and segment (the segment is known when deciding) where the log holds at least 30 of them
 * there, else per model.
 */
function costCorrection(t: ServedTraffic): (model: string, segment: string) => number {
  const sums = new Map<string, { real: number; estimated: number; n: number }>();
  const add = (k: string, real: number, estimated: number) => {
    const e = sums.get(k) ?? { real: 0, estimated: 0, n: 0 };
    e.real += real;
    e.estimated += estimated;
    e.n++;
    sums.set(k, e);
  };
  for (const r of t.rows) {
    const c = r.candidates.find((x) => x.model === r.answered);
    if (!c || r.answered !== r.chosen) continue;
    add(r.answered, r.costUsd, c.costUsd);
    add(`${r.answered}\u0000${r.segment}`, r.costUsd, c.costUsd);
  }
  const ratio = (k: string, min: number) => {
    const e = sums.get(k);
    return e && e.n >= min && e.estimated > 0 ? e.real / e.estimated : undefined;
  };
  return (model, segment) => ratio(`${model}\u0000${segment}`, 30) ?? ratio(model, 1) ?? 1;
}
