/**
 * What a server tells its metrics recorder at start: the label values its configuration
 * allows, and where the executor's circuit-breaker states are read from.
 */
import { CHECK_NAMES } from '../shared/config/check-spec.js';
import type { Config } from '../shared/config/schema.js';
import type { CircuitReading, MetricsRecorder } from '../shared/metrics/metrics-recorder.js';
import type { MetricLabelSets } from '../shared/metrics/otel-metrics.js';
import type { Executor } from '../executor/executor.js';
import { PROVIDER_ERROR_KINDS } from '../executor/providers/errors.js';

export function metricLabelSets(config: Config): MetricLabelSets {
  return {
    models: config.models.map((m) => m.id),
    policies: Object.keys(config.policies),
    deployments: [...new Set(['simulator', ...config.models.flatMap((m) => m.deployments.map((d) => d.name))])],
    checks: [...CHECK_NAMES, 'regex', 'confidence', 'judge'],
    errorTypes: [...PROVIDER_ERROR_KINDS, 'unavailable'],
  };
}

/** Every deployment's breaker state, read when called. */
export function executorCircuits(executor: Executor): () => Iterable<CircuitReading> {
  return function* (): Iterable<CircuitReading> {
    for (const rt of executor.runtimes) for (const d of rt.deployments) yield { model: rt.model.id, deployment: d.id, state: d.breaker.state };
  };
}

/** Reports every deployment's breaker state at each collection. */
export function observeExecutorCircuits(metrics: MetricsRecorder, executor: Executor): void {
  if (!metrics.enabled) return;
  metrics.observeCircuits(executorCircuits(executor));
}
