/**
 * Circuit breakers as a router-only process knows them: from the health reports executors
 * publish on the bus (one circuit state per model and executor, the executor's id standing
 * where an in-process executor names its deployment). Fresh reports only.
 */
import type { HealthReport__Output } from '../generated/switchyard/v1/HealthReport.js';
import type { ReportTable } from '../router/state/report-table.js';
import type { CircuitReading, CircuitStateName } from '../shared/metrics/metrics-recorder.js';

const STATES: Record<string, CircuitStateName> = { CIRCUIT_STATE_CLOSED: 'closed', CIRCUIT_STATE_HALF_OPEN: 'half_open', CIRCUIT_STATE_OPEN: 'open' };

export function busCircuits(health: ReportTable<HealthReport__Output>, now: () => number = Date.now): () => Iterable<CircuitReading> {
  return function* (): Iterable<CircuitReading> {
    for (const h of health.fresh(now())) {
      for (const m of h.report.models) {
        const state = STATES[m.circuit as string];
        if (state) yield { model: m.model, deployment: h.report.executorId, state };
      }
    }
  };
}
