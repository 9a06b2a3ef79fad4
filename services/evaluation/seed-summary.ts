/**
 * A figure measured over several seeds: its mean and the 95% interval of that mean by Student's
 * t (the seeds' runs are independent; their spread is the noise a single run carries).
 */
import { mean, sampleStandardDeviation } from 'simple-statistics';

export interface SeedSummary {
  n: number;
  mean: number;
  low: number;
  high: number;
  min: number;
  max: number;
}

/** t(0.975, df) for df = 1..30; beyond, the normal 1.96 is within 2%. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export function summarizeSeeds(values: readonly number[]): SeedSummary {
  if (values.length === 0) throw new RangeError('summarizeSeeds: no values');
  const m = mean([...values]);
  const half = values.length < 2 ? Number.NaN : ((T975[values.length - 2] ?? 1.96) * sampleStandardDeviation([...values])) / Math.sqrt(values.length);
  return { n: values.length, mean: m, low: m - half, high: m + half, min: Math.min(...values), max: Math.max(...values) };
}
