/**
 * A policy's operating point: its quality margin m, beside the cost/quality knob (tradeoff.ts).
 *
 * With m > 0 the policy chooses among the eligible models whose expected quality is at least
 * (1 − m) × the best eligible model's: each of them counts as equal in quality to the best,
 * so cost (and latency, by the policy's latency_weight) decides among them, through the knob's
 * utility. Models below the margin rank after them, by utility: they serve as fallbacks. So
 * `quality_margin: 0.03` reads "the cheapest model within 3% of the best expected quality",
 * and the margin caps the quality a policy gives up on a hard prompt however much it would
 * save. With m = 0, and whenever the request sets its own trade-off, the knob's utility alone
 * ranks the models.
 */

/** The quality a candidate ranks with: the best's, when it is within the margin of it. */
export function rankingQuality(quality: number, best: number, margin: number): number {
  return margin > 0 && withinMargin(quality, best, margin) ? best : quality;
}

export function withinMargin(quality: number, best: number, margin: number): boolean {
  return margin === 0 || quality >= (1 - margin) * best;
}

/** "1/5 of its cost", "0.62x its cost": the cost of `cheap` as a share of `dear`'s. */
export function costFraction(cheap: number, dear: number): string {
  if (!(dear > 0)) return 'the same cost';
  const r = cheap / dear;
  if (r <= 0) return 'no cost';
  if (r <= 0.55) return `1/${Math.round(1 / r)} of its cost`;
  return `${r.toFixed(2)}x its cost`;
}

/** The last description made: a router's decisions mostly share one policy's knob and margin. */
let last = { knob: Number.NaN, margin: Number.NaN, text: '' };

export function describeOperatingPoint(knob: number, margin: number): string {
  if (knob === last.knob && margin === last.margin) return last.text;
  const text = operatingPointText(knob, margin);
  last = { knob, margin, text };
  return text;
}

function operatingPointText(knob: number, margin: number): string {
  if (margin === 0) return `trade-off ${knob.toFixed(2)}`;
  const p = margin * 100;
  return `the cheapest within ${Number.isInteger(p) ? p.toFixed(0) : p.toFixed(1)}% of the best expected quality (trade-off ${knob.toFixed(2)})`;
}
