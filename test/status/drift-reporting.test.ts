import { describe, expect, it } from 'vitest';
import { DriftMonitor } from '../../services/evaluation/drift-monitor.js';
import { InProcessBus } from '../../services/shared/bus/in-process-bus.js';
import { driftSection } from '../../services/shared/config/monitoring-section.js';
import { createLogger } from '../../services/shared/log.js';
import type { DriftKindName, MetricsRecorder } from '../../services/shared/metrics/metrics-recorder.js';
import { NOOP_METRICS } from '../../services/shared/metrics/metrics-recorder.js';
import { reportDrift } from '../../services/status/drift-reporting.js';

let clock = 1_000;

function replica(bus: InProcessBus, routerId: string) {
  const monitor = new DriftMonitor({
    config: driftSection.parse({ provider: { warmup: 20, arl0: 1_000 } }),
    qualityMetrics: [],
    routerId,
    now: () => clock,
    schedule: () => undefined,
  });
  const counted: string[] = [];
  let gauge: (() => Readonly<Record<DriftKindName, number>>) | undefined;
  const metrics: MetricsRecorder = {
    ...NOOP_METRICS,
    enabled: true,
    driftAlarm: (kind, model, segment, measure) => counted.push(`${kind}/${model}/${segment}/${measure}`),
    observeDriftAlarms: (read) => {
      gauge = read;
    },
  };
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('test', { SWITCHYARD_LOG_LEVEL: 'warn' }, (l) => lines.push(JSON.parse(l) as Record<string, unknown>));
  const stop = reportDrift({ monitor, routerId, bus, metrics, log });
  return { monitor, counted, lines, gauge: () => gauge!(), stop };
}

/** A provider that starts failing: every call an error after `from`. */
function failingProvider(m: DriftMonitor, from: number, n: number): void {
  for (let i = 0; i < n; i++) {
    clock = 1_000 + i * 100;
    const status = i >= from ? 'fatal_error' : 'success';
    m.record({ decisionId: `01900000-0000-7000-8000-${i.toString(16).padStart(12, '0')}`, timeUnixMs: clock, model: 'm1', outcome: { answeredModel: i >= from ? '' : 'm1', attempts: [{ model: 'm1', status, usage: { outputTokens: 100 } }] } });
    m.flush();
  }
}

describe('drift reporting - metric, bus, log, and the other replicas', () => {
  it('an alarm is counted, logged as a warning, published, and listed by the other replica with its origin', async () => {
    const bus = new InProcessBus();
    const a = replica(bus, 'router-a');
    const b = replica(bus, 'router-b');
    failingProvider(a.monitor, 60, 120);
    // The in-process bus delivers after publish returns, as NATS does.
    await new Promise((r) => setImmediate(r));
    expect(a.counted).toEqual(['provider/m1//error_rate']);
    expect(a.gauge()).toEqual({ quality: 0, provider: 1, traffic: 0 });
    expect(a.lines).toHaveLength(1);
    expect(a.lines[0]).toMatchObject({ level: 'warn', msg: 'drift alarm', kind: 'provider', model: 'm1', measure: 'error_rate', since: expect.stringMatching(/^1970-01-01T00:00:\d\d\.\d{3}Z$/) });
    expect(String(a.lines[0]!.change)).toMatch(/^m1: error rate rose from 0\.0% to \d+\.\d% since 1970-/);
    // Router b lists a's alarm beside its own (none), without counting or logging it as its own.
    const seen = b.monitor.alarms();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ kind: 'provider', model: 'm1', measure: 'error_rate', routerId: 'router-a', message: a.monitor.alarms()[0]!.message, raisedAtMs: a.monitor.alarms()[0]!.raisedAtMs });
    expect(b.counted).toEqual([]);
    expect(b.lines).toEqual([]);
    // A replica does not list its own alarm twice from the bus.
    expect(a.monitor.alarms()).toHaveLength(1);
    a.stop();
    b.stop();
    await bus.close();
  });
});
