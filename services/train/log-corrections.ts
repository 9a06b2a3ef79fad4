/**
 * A challenger from the router's record without retraining: the champion router model with a
 * correction (router/model/segment-corrections.ts) on each model and segment where the record
 * shows a change (log-training-data.ts's test, `LogMix.fromLog`) and, with `scope: 'segment'`
 * (the default), on every other model of a segment where one changed that the record holds at
 * least `minLogOutcomes` effective answers of there: the changed model's traffic on the segment
 * goes to them, so what the champion mispredicts of them there now decides where it goes. (In
 * the learning scenario the champion predicted Gemini 1.5 Pro at 0.69 on math where the log
 * graded it 0.50 to 0.67, and gpt-4o's math traffic went partly to it.)
 *
 * Retraining afresh moves every prediction a little (another seed, another mix), and in the
 * learning scenario that alone moved routing quality by ±0.003 to ±0.005, as much as a drop on
 * one segment costs; a correction leaves every other prediction as it was. Its size is measured
 * against the champion's own predictions for the traffic it routed: the offset δ that makes
 * the inverse-propensity-weighted mean of the corrected predictions of the pair's logged answers,
 * sigmoid(logit(predicted) + δ), equal the weighted mean of their grades. Measured so, the offset
 * also takes in what the champion already mispredicted on the prompts it sends the model (its
 * winner's curse), which a shift against the shared data's mean leaves out. A logged prediction
 * already carries the champion's own correction of the pair, so the new one adds to it.
 */
import type { RouterModel } from '../router/model/router-model-file.js';
import { correctedQuality, MAX_CORRECTION_LOGIT, type SegmentCorrection } from '../router/model/segment-corrections.js';
import { LOG_MIX_DEFAULTS, type GradedAnswer, type LogMix } from './log-training-data.js';

export interface CorrectionOptions {
  /** Catalog model id → router-model profile id. */
  profileOf?: Readonly<Record<string, string>>;
  /** The largest inverse-propensity weight of a logged answer (as the mix clips it). */
  maxWeight: number;
  /** Which pairs are corrected: the changed ones (`pair`), or every model of a segment where one changed (`segment`). */
  scope: 'pair' | 'segment';
  /** With `segment`: the effective answers ((Σw)² / Σw²) a model needs on the segment to be corrected there. */
  minLogOutcomes: number;
}

export interface Corrected {
  model: RouterModel;
  /** The corrections made now, with the answers each was measured on and the pair's weighted mean grade and prediction. */
  made: (SegmentCorrection & { answers: number; observed: number; predicted: number })[];
}

/** The weighted logit offset that moves `predicted` onto `observed` on average (bisection; monotone in δ). */
export function offsetFor(items: readonly { w: number; predicted: number }[], observed: number): number {
  const sumW = items.reduce((a, x) => a + x.w, 0);
  const mean = (d: number) => items.reduce((a, x) => a + x.w * correctedQuality(x.predicted, d), 0) / sumW;
  let lo = -MAX_CORRECTION_LOGIT;
  let hi = MAX_CORRECTION_LOGIT;
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2;
    if (mean(mid) > observed) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

export function correctFromLog(champion: RouterModel, answers: readonly GradedAnswer[], changed: LogMix['fromLog'], o: Partial<CorrectionOptions> = {}): Corrected {
  const maxWeight = o.maxWeight ?? LOG_MIX_DEFAULTS.maxWeight;
  const scope = o.scope ?? 'segment';
  const minLogOutcomes = o.minLogOutcomes ?? LOG_MIX_DEFAULTS.minLogOutcomes;
  const profile = (m: string) => o.profileOf?.[m] ?? m;
  const known = new Set(champion.header.profiles.map((p) => p.id));
  const segments = new Set<string>();
  for (const a of answers) if (changed[`${profile(a.model)} on ${a.segment}`] !== undefined) segments.add(a.segment);
  const byPair = new Map<string, { profile: string; segment: string; items: { w: number; predicted: number; quality: number }[] }>();
  for (const a of answers) {
    const p = profile(a.model);
    const k = `${p} on ${a.segment}`;
    if ((changed[k] === undefined && !(scope === 'segment' && segments.has(a.segment))) || a.predicted === undefined || !known.has(p)) continue;
    const e = byPair.get(k) ?? { profile: p, segment: a.segment, items: [] };
    e.items.push({ w: a.propensity !== undefined && a.propensity > 0 ? Math.min(maxWeight, 1 / a.propensity) : 1, predicted: a.predicted, quality: a.quality });
    byPair.set(k, e);
  }
  const corrections = new Map((champion.header.corrections ?? []).map((c) => [`${c.profile}\u0000${c.segment}`, { ...c }]));
  const made: Corrected['made'] = [];
  for (const [k0, e] of byPair) {
    const sumW = e.items.reduce((a, x) => a + x.w, 0);
    const ess = (sumW * sumW) / e.items.reduce((a, x) => a + x.w * x.w, 0);
    if (changed[k0] === undefined && ess < minLogOutcomes) continue;
    const observed = e.items.reduce((a, x) => a + x.w * x.quality, 0) / sumW;
    const predicted = e.items.reduce((a, x) => a + x.w * x.predicted, 0) / sumW;
    const logit = offsetFor(e.items, observed);
    const k = `${e.profile}\u0000${e.segment}`;
    const total = Math.max(-MAX_CORRECTION_LOGIT, Math.min(MAX_CORRECTION_LOGIT, (corrections.get(k)?.logit ?? 0) + logit));
    corrections.set(k, { profile: e.profile, segment: e.segment, logit: total });
    made.push({ profile: e.profile, segment: e.segment, logit, answers: e.items.length, observed, predicted });
  }
  const header = {
    ...champion.header,
    corrections: [...corrections.values()],
    training: { ...champion.header.training, corrected: made.map(({ profile: p, segment, logit, answers: n }) => ({ profile: p, segment, logit, answers: n })) },
  };
  return { model: { ...champion, header }, made };
}
