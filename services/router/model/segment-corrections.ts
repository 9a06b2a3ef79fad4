/**
 * Corrections a router model carries per profile and segment, learned from the router's own
 * record (train/log-corrections.ts): where the record shows that a model's answers on a segment
 * are no longer what the model predicts (a provider's silent update, a drift), its predicted
 * quality there moves by a logit offset,
 *     q' = sigmoid(logit(q) + offset),
 * applied after the task tier's prior (task-prior.ts), to the prediction Decide ranks with. The
 * segment is the decision record's: the request's `labels.task`, else the prompt's script
 * (shared/segment.ts). A correction names a profile, so it applies to
 * every catalog model predicted by that profile, as training does. Everything else the model
 * predicts stays as it was, so a correction moves only the traffic of the pair it names.
 */

export interface SegmentCorrection {
  /** The profile (a model as the training data names it). */
  profile: string;
  segment: string;
  /** Added to the logit of the predicted quality. */
  logit: number;
}

/** The largest offset a correction may carry: a logit of ±8 moves 0.5 to 0.0003 or 0.9997. */
export const MAX_CORRECTION_LOGIT = 8;

/** Segment → each catalog model's logit offset (by catalog index; 0 where none). */
export type CorrectionTable = ReadonlyMap<string, Float64Array>;

const EPS = 1e-6;

/** The logit of a quality, clamped away from 0 and 1 (the tier prior's and the corrections' one). */
export const logitOf = (q: number): number => {
  const c = Math.min(1 - EPS, Math.max(EPS, q));
  return Math.log(c / (1 - c));
};

/** `q` moved by `offset` in logit (unchanged at 0). */
export function correctedQuality(q: number, offset: number): number {
  return offset === 0 ? q : 1 / (1 + Math.exp(-(logitOf(q) + offset)));
}

/** A table for a catalog whose models are predicted by `profileOf` (catalog order); undefined without corrections. */
export function correctionTable(corrections: readonly SegmentCorrection[] | undefined, profileOf: readonly string[]): CorrectionTable | undefined {
  if (corrections === undefined || corrections.length === 0) return undefined;
  const table = new Map<string, Float64Array>();
  for (const c of corrections) {
    const row = table.get(c.segment) ?? new Float64Array(profileOf.length);
    profileOf.forEach((p, i) => {
      if (p === c.profile) row[i]! += c.logit;
    });
    table.set(c.segment, row);
  }
  return table;
}

/** Checks a header's `corrections`; throws an error naming the field and the reason. */
export function checkCorrections(x: unknown, profiles: readonly string[]): SegmentCorrection[] | undefined {
  if (x === undefined) return undefined;
  if (!Array.isArray(x)) throw new RangeError('corrections must be an array');
  const known = new Set(profiles);
  const seen = new Set<string>();
  return x.map((c: Partial<SegmentCorrection>, i) => {
    const at = `corrections[${i}]`;
    if (typeof c !== 'object' || c === null) throw new RangeError(`${at} must be an object`);
    if (typeof c.profile !== 'string' || !known.has(c.profile)) throw new RangeError(`${at}.profile must name one of the model's profiles, got ${JSON.stringify(c.profile)}`);
    if (typeof c.segment !== 'string' || c.segment === '') throw new RangeError(`${at}.segment must be a non-empty string`);
    if (typeof c.logit !== 'number' || !Number.isFinite(c.logit) || Math.abs(c.logit) > MAX_CORRECTION_LOGIT) throw new RangeError(`${at}.logit must be a number within ±${MAX_CORRECTION_LOGIT}, got ${JSON.stringify(c.logit)}`);
    const k = `${c.profile}\u0000${c.segment}`;
    if (seen.has(k)) throw new RangeError(`${at}: a second correction of ${c.profile} on ${c.segment}`);
    seen.add(k);
    return { profile: c.profile, segment: c.segment, logit: c.logit };
  });
}
