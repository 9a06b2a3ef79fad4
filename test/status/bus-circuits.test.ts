import { describe, expect, it } from 'vitest';
import type { HealthReport__Output } from '../../services/generated/switchyard/v1/HealthReport.js';
import type { ModelHealth__Output } from '../../services/generated/switchyard/v1/ModelHealth.js';
import { ReportTable } from '../../services/router/state/report-table.js';
import { busCircuits } from '../../services/status/bus-circuits.js';

const model = (id: string, circuit: string) => ({ model: id, circuit }) as unknown as ModelHealth__Output;
const report = (executorId: string, models: ModelHealth__Output[]) => ({ schemaVersion: 1, executorId, seq: 1, sentAtMs: 0, ttlMs: 1_000, models }) as HealthReport__Output;

describe('status page - circuits of a router-only process', () => {
  it('come from the executors\' fresh health reports, one per model and executor', () => {
    let clock = 10_000;
    const table = new ReportTable<HealthReport__Output>();
    table.merge(report('exec-a', [model('m1', 'CIRCUIT_STATE_OPEN'), model('m2', 'CIRCUIT_STATE_CLOSED')]), clock);
    table.merge(report('exec-b', [model('m1', 'CIRCUIT_STATE_HALF_OPEN'), model('m3', 'CIRCUIT_STATE_UNSPECIFIED')]), clock - 900);
    const read = busCircuits(table, () => clock);
    expect([...read()]).toEqual([
      { model: 'm1', deployment: 'exec-a', state: 'open' },
      { model: 'm2', deployment: 'exec-a', state: 'closed' },
      { model: 'm1', deployment: 'exec-b', state: 'half_open' },
    ]);
    // exec-b's report is past its TTL: what it said is no longer shown.
    clock += 200;
    expect([...read()].map((c) => c.deployment)).toEqual(['exec-a', 'exec-a']);
  });
});
