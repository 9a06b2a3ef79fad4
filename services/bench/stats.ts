/** Medians and spreads of repeated measurements. */

/** A median with the spread of the values it summarises. */
export interface Spread {
  median: number;
  /** Smallest and largest value: over the repeated runs, or a stated quantile of batches. */
  lo: number;
  hi: number;
  n: number;
}

export function median(xs: readonly number[]): number {
  return quantile(sorted(xs), 0.5);
}

export function sorted(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/** Linear interpolation between the closest ranks; NaN for no values. */
export function quantile(ascending: readonly number[], q: number): number {
  const n = ascending.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const i = Math.floor(pos);
  const j = Math.min(n - 1, i + 1);
  return ascending[i]! + (ascending[j]! - ascending[i]!) * (pos - i);
}

/** Median with min and max: the summary of a few repeated runs. */
export function spread(xs: readonly number[]): Spread {
  const s = sorted(xs);
  return { median: quantile(s, 0.5), lo: s[0] ?? NaN, hi: s[s.length - 1] ?? NaN, n: s.length };
}

/** Median with the interquartile range: the summary of many timed batches. */
export function quartiles(xs: readonly number[]): Spread {
  const s = sorted(xs);
  return { median: quantile(s, 0.5), lo: quantile(s, 0.25), hi: quantile(s, 0.75), n: s.length };
}
