/**
 * Where a drift alarm goes when the monitor raises it: a metric
 * (switchyard_drift_alarms_total{kind,model,segment,measure}, and the gauge of active alarms),
 * a DriftAlarm on the bus (switchyard.v1.drift.<router>, so other replicas and tools see it), a
 * warning log line saying what changed and since when, and the status page (the monitor's
 * list). Alarms other routers publish are listed beside this router's own.
 */
import type { DriftAlarm__Output } from '../generated/switchyard/v1/DriftAlarm.js';
import type { DriftKind } from '../generated/switchyard/v1/DriftKind.js';
import type { Bus } from '../shared/bus/bus.js';
import { decode, encode } from '../shared/bus/codec.js';
import { SUBJECTS, WILDCARDS } from '../shared/bus/subjects.js';
import type { Logger } from '../shared/log.js';
import type { DriftKindName, MetricsRecorder } from '../shared/metrics/metrics-recorder.js';
import type { DriftAlarmEvent, DriftMonitor } from '../evaluation/drift-monitor.js';

const KIND_TO_PROTO: Record<DriftKindName, DriftKind> = { quality: 'DRIFT_KIND_QUALITY', provider: 'DRIFT_KIND_PROVIDER', traffic: 'DRIFT_KIND_TRAFFIC' };
const KIND_FROM_PROTO: Record<string, DriftKindName> = { DRIFT_KIND_QUALITY: 'quality', DRIFT_KIND_PROVIDER: 'provider', DRIFT_KIND_TRAFFIC: 'traffic' };
const MAX_TEXT = 512;

export interface DriftReportingOptions {
  monitor: DriftMonitor;
  routerId: string;
  bus: Bus;
  metrics: MetricsRecorder;
  log: Logger;
}

/** Connects the monitor to metrics, the bus and the log; returns what undoes it. */
export function reportDrift(o: DriftReportingOptions): () => void {
  let seq = 0;
  o.metrics.observeDriftAlarms(() => o.monitor.active());
  const offAlarm = o.monitor.on((a) => {
    o.metrics.driftAlarm(a.kind, a.model, a.segment, a.measure);
    o.log.warn('drift alarm', {
      kind: a.kind,
      model: a.model,
      segment: a.segment,
      measure: a.measure,
      baseline: round(a.baseline),
      current: round(a.current),
      since: new Date(a.sinceMs).toISOString(),
      change: a.message,
    });
    o.bus.publish(
      SUBJECTS.drift(o.routerId),
      encode('drift', {
        routerId: o.routerId,
        seq: ++seq,
        kind: KIND_TO_PROTO[a.kind],
        model: a.model,
        segment: a.segment,
        measure: a.measure,
        baseline: a.baseline,
        current: a.current,
        sinceUnixMs: a.sinceMs,
        raisedUnixMs: a.raisedAtMs,
        message: a.message,
      }),
    );
  });
  const offBus = o.bus.subscribe(WILDCARDS.drift, (_subject, data) => {
    const m = decode('drift', data);
    if (!m || m.routerId === o.routerId) return;
    const alarm = fromBus(m);
    if (alarm) o.monitor.remember(alarm);
  });
  return () => {
    offAlarm();
    offBus();
  };
}

function fromBus(m: DriftAlarm__Output): DriftAlarmEvent | undefined {
  const kind = KIND_FROM_PROTO[m.kind as string];
  if (!kind) return undefined;
  const clip = (s: string) => s.slice(0, MAX_TEXT);
  return {
    kind,
    model: clip(m.model),
    segment: clip(m.segment),
    measure: clip(m.measure),
    baseline: m.baseline,
    current: m.current,
    sinceMs: Number(m.sinceUnixMs),
    raisedAtMs: Number(m.raisedUnixMs),
    message: clip(m.message),
    routerId: clip(m.routerId),
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
