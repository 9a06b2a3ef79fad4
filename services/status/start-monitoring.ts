/**
 * Assembles what watches a running router: the drift monitor and the status board, both fed
 * by the decision log's events (completed records, accepted feedback, reported outcomes; all
 * off the request path), the alarms' reporting (metrics, bus, log), and the status page's
 * routes for the HTTP front door. The server calls `startMonitoring` once, in router roles.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ModelInfo } from '../generated/switchyard/v1/ModelInfo.js';
import type { GatewayRoute } from '../gateway/gateway-types.js';
import { decodeRouterModel } from '../router/model/router-model-file.js';
import type { DecisionLog } from '../router/record/decision-log.js';
import type { Bus } from '../shared/bus/bus.js';
import type { Config } from '../shared/config/schema.js';
import type { Logger } from '../shared/log.js';
import type { CircuitReading, MetricsRecorder } from '../shared/metrics/metrics-recorder.js';
import { DriftMonitor, type QualityMetric } from '../evaluation/drift-monitor.js';
import { recordSegment } from '../evaluation/record-signals.js';
import { reportDrift } from './drift-reporting.js';
import { StatusBoard } from './status-board.js';
import { statusRoutes } from './status-routes.js';
import { statusSnapshot, type StatusSnapshot } from './status-snapshot.js';

export interface MonitoringOptions {
  config: Config;
  /** The config file (a traffic reference file is read relative to it). */
  configSource: string;
  /** The router model file, whose header may carry the training traffic (training.traffic); read when `routerModel` is not given. */
  modelFile: string;
  /**
   * The router model in service (router/model/model-store.ts): its training traffic is the
   * reference, and follows it when it changes (a file reload or a promotion), unless
   * drift.traffic.reference names a file.
   */
  routerModel?: RouterModelInService;
  decisionLog?: DecisionLog;
  bus: Bus;
  metrics: MetricsRecorder;
  log: Logger;
  models(): ModelInfo[];
  circuits?: () => Iterable<CircuitReading>;
  /** Whether API keys are configured (the status page then needs one of status_page.tenants). */
  keyed: boolean;
  now?: () => number;
}

export interface Monitoring {
  routerId: string;
  monitor: DriftMonitor;
  board: StatusBoard;
  /** GET /status and /status.json, for the HTTP front door (none when status_page.enabled is false). */
  routes: GatewayRoute[];
  snapshot(): StatusSnapshot;
  close(): void;
}

type Reference = Record<string, Record<string, number>>;

/** What the monitoring reads of the router model in service. */
export interface RouterModelInService {
  readonly training: Readonly<Record<string, unknown>>;
  onChange(listener: () => void): () => void;
}

/** The feedback metrics that grade quality: drift.quality_metrics, else every per-decision boolean metric where higher is better. */
export function qualityMetricsOf(config: Config): QualityMetric[] {
  const declared = new Map(config.feedback.metrics.map((m) => [m.name, m]));
  if (config.drift.quality_metrics) {
    return config.drift.quality_metrics.map((q) => ({ metric: q.metric, min: q.min, max: q.max, lowerIsBetter: declared.get(q.metric)?.better === 'lower' }));
  }
  return config.feedback.metrics.filter((m) => m.per === 'decision' && m.type === 'boolean' && m.better === 'higher').map((m) => ({ metric: m.name, min: 0, max: 1 }));
}

function asReference(v: unknown): Reference | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Reference = {};
  for (const [feature, bins] of Object.entries(v)) {
    if (typeof bins !== 'object' || bins === null || Array.isArray(bins)) return undefined;
    const counts: Record<string, number> = {};
    for (const [bin, n] of Object.entries(bins)) {
      if (typeof n !== 'number' || !(n >= 0)) return undefined;
      counts[bin] = n;
    }
    out[feature] = counts;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The traffic counts a router model's header carries (training.traffic), if well formed. */
export function modelTrafficReference(training: Readonly<Record<string, unknown>> | undefined): Reference | undefined {
  return asReference(training?.traffic);
}

/** The traffic reference file drift.traffic.reference names, if any; throws naming the field when it cannot be read. */
export function fileTrafficReference(config: Config, configSource: string): Reference | undefined {
  const file = config.drift.traffic.reference;
  if (file) {
    const path = resolve(dirname(configSource), file);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`drift.traffic.reference: cannot read ${path}: ${(e as Error).message}`);
    }
    const ref = asReference(parsed);
    if (!ref) throw new Error(`drift.traffic.reference: ${path} must be a JSON object {feature: {bin: count}} with non-negative counts`);
    return ref;
  }
  return undefined;
}

/** The traffic reference: the configured file, else the router model's training traffic, else none. */
export function trafficReference(config: Config, configSource: string, modelFile: string): Reference | undefined {
  const fromFile = fileTrafficReference(config, configSource);
  if (fromFile) return fromFile;
  try {
    return modelTrafficReference(decodeRouterModel(readFileSync(modelFile)).header.training);
  } catch {
    return undefined;
  }
}

export function startMonitoring(o: MonitoringOptions): Monitoring {
  const now = o.now ?? Date.now;
  const startedAtMs = now();
  const routerId = `router-${process.pid}-${randomBytes(4).toString('hex')}`;
  const drift = o.config.drift;
  const qualityMetrics = qualityMetricsOf(o.config);
  const fromFile = fileTrafficReference(o.config, o.configSource);
  const inService = o.routerModel;
  const reference = fromFile ?? (inService ? modelTrafficReference(inService.training) : trafficReference(o.config, o.configSource, o.modelFile));
  const monitor = new DriftMonitor({ config: drift, qualityMetrics, routerId, now, ...(reference ? { reference, referenceFrom: fromFile ? 'file' : 'model' } : {}) });
  const board = new StatusBoard({ recent: o.config.status_page.recent, segmentOf: recordSegment, now });
  const offs: (() => void)[] = [reportDrift({ monitor, routerId, bus: o.bus, metrics: o.metrics, log: o.log })];
  // The reference follows the model in service, unless a file names it.
  if (inService && !fromFile) offs.push(inService.onChange(() => monitor.useModelReference(modelTrafficReference(inService.training))));
  const dl = o.decisionLog;
  if (dl) {
    offs.push(
      dl.on('record', (r) => {
        board.record(r);
        monitor.record(r);
      }),
      dl.on('feedback', (f) => {
        board.feedback(f);
        monitor.feedback(f);
      }),
      dl.on('outcome', (x) => monitor.outcome(x)),
    );
  }
  const snapshot = () =>
    statusSnapshot({
      board,
      monitor,
      driftEnabled: drift.enabled,
      qualityMetrics: qualityMetrics.map((m) => m.metric),
      models: o.models,
      ...(o.circuits ? { circuits: o.circuits } : {}),
      routerId,
      startedAtMs,
      refreshSeconds: o.config.status_page.refresh_seconds,
      activeMs: drift.active_ms,
      now,
    });
  const routes = o.config.status_page.enabled ? statusRoutes({ snapshot, tenants: o.config.status_page.tenants, keyed: o.keyed }) : [];
  return {
    routerId,
    monitor,
    board,
    routes,
    snapshot,
    close: () => {
      for (const off of offs) off();
    },
  };
}
