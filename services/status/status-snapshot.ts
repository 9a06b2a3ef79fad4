/**
 * What the status page shows, as one JSON-ready object (GET /status.json answers it; the HTML
 * page is rendered from it): traffic (decisions per second, share by model, savings against the
 * reference model), each model's availability and circuits, drift alarms, recent decisions.
 * Every string in it comes from the configuration, the router's own words, or client labels;
 * prompt text only when prompt logging put it in the records.
 */
import type { ModelInfo } from '../generated/switchyard/v1/ModelInfo.js';
import type { CircuitReading } from '../shared/metrics/metrics-recorder.js';
import type { DriftMonitor } from '../evaluation/drift-monitor.js';
import type { BoardSnapshot, RecentDecision, StatusBoard } from './status-board.js';

export interface StatusSnapshot {
  generatedAt: string;
  startedAt: string;
  routerId: string;
  refreshSeconds: number;
  /** The board's figures without its recent decisions, which have a section of their own. */
  traffic: Omit<BoardSnapshot, 'recent'>;
  models: { id: string; provider: string; available: boolean; reason: string; circuits: { deployment: string; state: string }[] }[];
  drift: {
    enabled: boolean;
    reference: string;
    qualityMetrics: string[];
    droppedEvents: number;
    alarms: { kind: string; model: string; segment: string; measure: string; message: string; since: string; raised: string; active: boolean; routerId: string }[];
  };
  recent: (Omit<RecentDecision, 'timeMs'> & { time: string })[];
}

export interface SnapshotSources {
  board: StatusBoard;
  monitor: DriftMonitor;
  driftEnabled: boolean;
  qualityMetrics: readonly string[];
  models(): ModelInfo[];
  /** Circuit breakers of an executor in this process, when there is one. */
  circuits?: () => Iterable<CircuitReading>;
  routerId: string;
  startedAtMs: number;
  refreshSeconds: number;
  activeMs: number;
  now(): number;
}

const iso = (ms: number) => (Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : '');

export function statusSnapshot(s: SnapshotSources): StatusSnapshot {
  const now = s.now();
  const b = s.board.snapshot();
  const circuits = new Map<string, { deployment: string; state: string }[]>();
  for (const c of s.circuits?.() ?? []) {
    const list = circuits.get(c.model) ?? [];
    list.push({ deployment: c.deployment, state: c.state });
    circuits.set(c.model, list);
  }
  return {
    generatedAt: iso(now),
    startedAt: iso(s.startedAtMs),
    routerId: s.routerId,
    refreshSeconds: s.refreshSeconds,
    traffic: { decisionsPerSecond: b.decisionsPerSecond, decisions: b.decisions, byModel: b.byModel, costUsd: b.costUsd, referenceCostUsd: b.referenceCostUsd, savingsUsd: b.savingsUsd },
    models: s.models().map((m) => ({ id: m.id ?? '', provider: m.provider ?? '', available: m.available !== false, reason: m.unavailableReason ?? '', circuits: circuits.get(m.id ?? '') ?? [] })),
    drift: {
      enabled: s.driftEnabled,
      reference: s.monitor.referenceSource,
      qualityMetrics: [...s.qualityMetrics],
      droppedEvents: s.monitor.stats.dropped,
      alarms: s.monitor.alarms().map((a) => ({
        kind: a.kind,
        model: a.model,
        segment: a.segment,
        measure: a.measure,
        message: a.message,
        since: iso(a.sinceMs),
        raised: iso(a.raisedAtMs),
        active: a.raisedAtMs >= now - s.activeMs,
        routerId: a.routerId,
      })),
    },
    recent: b.recent.map(({ timeMs, ...d }) => ({ ...d, time: iso(timeMs) })),
  };
}
