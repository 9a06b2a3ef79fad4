/**
 * The two instruments Decide touches, aggregated here instead of in the SDK's synchronous
 * instruments: a decision costs a few map look-ups and additions (the SDK's counter and
 * histogram hash the attributes and take the time on every measurement, which cost Decide
 * several percent of its throughput). The readers pull the totals through this
 * MetricProducer at each collection, as cumulative data points:
 *   switchyard.decisions          counter   model, policy, strategy, reason
 *   switchyard.decision.duration  histogram policy (seconds)
 */
import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type CollectionResult, type MetricData, type MetricProducer } from '@opentelemetry/sdk-metrics';

export const DECISION_SECONDS_BUCKETS: readonly number[] = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

interface Histogram {
  counts: Float64Array;
  count: number;
  sum: number;
  min: number;
  max: number;
}

export class DecisionAggregate implements MetricProducer {
  private readonly counts = new Map<Attributes, number>();
  private readonly histograms = new Map<Attributes, Histogram>();
  private readonly start: HrTime = millisToHrTime(Date.now());
  private readonly boundaries = [...DECISION_SECONDS_BUCKETS];

  constructor(
    private readonly resource: Resource,
    private readonly scope = { name: 'switchyard' },
  ) {}

  /** `decision` and `policy` must be attribute objects made once (AttributeCache). */
  record(decision: Attributes, policy: Attributes, seconds: number): void {
    this.counts.set(decision, (this.counts.get(decision) ?? 0) + 1);
    let h = this.histograms.get(policy);
    if (!h) {
      h = { counts: new Float64Array(this.boundaries.length + 1), count: 0, sum: 0, min: Infinity, max: -Infinity };
      this.histograms.set(policy, h);
    }
    let i = 0;
    while (i < this.boundaries.length && seconds > this.boundaries[i]!) i++;
    h.counts[i]!++;
    h.count++;
    h.sum += seconds;
    if (seconds < h.min) h.min = seconds;
    if (seconds > h.max) h.max = seconds;
  }

  async collect(): Promise<CollectionResult> {
    const end = millisToHrTime(Date.now());
    const metrics: MetricData[] = [];
    if (this.counts.size > 0) {
      metrics.push({
        descriptor: { name: 'switchyard.decisions', description: 'Routing decisions, by chosen model, policy, strategy and deciding reason.', unit: '{decision}', valueType: ValueType.INT },
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints: [...this.counts].map(([attributes, value]) => ({ startTime: this.start, endTime: end, attributes, value })),
      });
    }
    if (this.histograms.size > 0) {
      metrics.push({
        descriptor: { name: 'switchyard.decision.duration', description: 'Time to make one routing decision.', unit: 's', valueType: ValueType.DOUBLE },
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: [...this.histograms].map(([attributes, h]) => ({
          startTime: this.start,
          endTime: end,
          attributes,
          value: { buckets: { boundaries: this.boundaries, counts: Array.from(h.counts) }, count: h.count, sum: h.sum, min: h.min, max: h.max },
        })),
      });
    }
    return { resourceMetrics: { resource: this.resource, scopeMetrics: metrics.length > 0 ? [{ scope: this.scope, metrics }] : [] }, errors: [] };
  }
}
