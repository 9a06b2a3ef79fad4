/** Summaries of repeated load runs: medians with their range, and pairwise ratios. */
import type { LoadRun } from './h2load.js';
import { spread, type Spread } from './stats.js';

export interface LoadSummary {
  rps: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
  /** Responses timed in all runs together, non-2xx among them, and streams closed without a response. */
  requests: number;
  failed: number;
  errors: number;
}

export function summarizeRuns(runs: LoadRun[]): LoadSummary {
  return {
    rps: spread(runs.map((r) => r.rps)),
    p50Ms: spread(runs.map((r) => r.p50Ms)),
    p99Ms: spread(runs.map((r) => r.p99Ms)),
    requests: runs.reduce((n, r) => n + r.requests, 0),
    failed: runs.reduce((n, r) => n + r.failed, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
  };
}

/** f(a[i], b[i]) for runs made side by side, summarised. */
export function pairwise(a: LoadRun[], b: LoadRun[], f: (x: LoadRun, y: LoadRun) => number): Spread {
  return spread(a.map((x, i) => f(x, b[i]!)));
}
