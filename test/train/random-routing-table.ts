/** A random four-model routing table of 300 prompts for the calibration tests: dearer models answer right more often. */
import type { RoutingTable } from '../../services/train/operating-points.js';
import { Prng } from '../../services/train/prng.js';

export const RANDOM_TABLE_MODELS = ['a', 'b', 'c', 'd'];

/** Predicted qualities are drawn from [predicted.low, predicted.low + predicted.span). */
export function randomRoutingTable(seed: number, predicted: { low: number; span: number }): RoutingTable {
  const r = new Prng(seed);
  const n = 300;
  const m = 4;
  const t: RoutingTable = { n, m, quality: new Float64Array(n * m), cost: new Float64Array(n * m), predicted: new Float64Array(n * m), expectedCost: new Float64Array(n * m) };
  const price = [3e-3, 1e-3, 2e-4, 3e-5];
  for (let k = 0; k < n * m; k++) {
    t.quality[k] = r.next() < 0.3 + 0.15 * (3 - (k % m)) ? 1 : 0;
    t.cost[k] = price[k % m]! * (0.5 + r.next());
    t.predicted[k] = predicted.low + predicted.span * r.next();
    t.expectedCost[k] = price[k % m]!;
  }
  return t;
}
