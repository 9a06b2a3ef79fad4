/**
 * The MetricsRecorder on an OpenTelemetry Meter. Every instrument is made once, here; every
 * attribute object is made once per combination of bounded label values (bounded-labels.ts),
 * so recording allocates nothing after warm-up.
 *
 * Switchyard's own instruments (Prometheus names in brackets; the first two are aggregated by
 * DecisionAggregate, off the SDK's per-measurement path):
 *   switchyard.decisions            counter   model, policy, strategy, reason   [switchyard_decisions_total]
 *   switchyard.decision.duration    histogram policy, seconds                   [switchyard_decision_duration]
 *   switchyard.cost.usd             counter   model, policy                     [switchyard_cost_usd_total]
 *   switchyard.reference_cost.usd   counter   policy                            [switchyard_reference_cost_usd_total]
 *   switchyard.savings.usd          up-down   policy (reference − actual)       [switchyard_savings_usd]
 *   switchyard.fallbacks            counter   policy, model (moved to)          [switchyard_fallbacks_total]
 *   switchyard.check.failures       counter   check, model                      [switchyard_check_failures_total]
 *   switchyard.escalations          counter   check, model (escalated from)     [switchyard_escalations_total]
 *   switchyard.attempts.skipped     counter   model, reason rate_limit|circuit_open
 *   switchyard.prompt_cache.hits    counter   model
 *   switchyard.prompt_cache.tokens  counter   model (input tokens read from cache)
 *   switchyard.circuit.state        gauge     model, deployment, state (1 = current)
 *   switchyard.feedback.value       histogram metric
 *   switchyard.decision_log.queue_depth  gauge
 *   switchyard.decision_log.dropped      counter
 *   switchyard.shadow.calls         counter   role reference|judge, model, outcome ok|error
 *   switchyard.shadow.cost.usd      counter   policy (spend of reference and judge calls)
 *   switchyard.shadow.grades        counter   policy, grade win|tie|loss (the routed answer's)
 *   switchyard.shadow.skips         counter   reason (a sampled request not graded, and why)

 *   switchyard.drift.alarms         counter   kind, model, segment, measure     [switchyard_drift_alarms_total]
 *   switchyard.drift.alarms.active  gauge     kind                              [switchyard_drift_alarms_active]
 */
import type { Attributes, Counter, Histogram, Meter, ObservableResult, UpDownCounter } from '@opentelemetry/api';
import { AttributeCache, FirstSeenValues, LabelValues, OTHER } from './bounded-labels.js';
import type { DecisionAggregate } from './decision-aggregate.js';
import * as gc from './genai-conventions.js';

import { CIRCUIT_STATES, DRIFT_KINDS, DRIFT_MEASURES, REASON_KINDS, SHADOW_SKIP_REASONS, type CircuitReading, type DriftKindName, type MetricsRecorder, type OperationFacts, type ReasonKind, type ShadowFact, type SkipKind } from './metrics-recorder.js';

/** The label values the configuration allows. */
export interface MetricLabelSets {
  models: readonly string[];
  policies: readonly string[];
  /** Deployment names (circuit states). */
  deployments: readonly string[];
  /** Check names the policies use. */
  checks: readonly string[];
  /** Error kinds an operation can fail with. */
  errorTypes: readonly string[];
  /** Feedback metrics from the config; when absent, the first 32 well-formed names seen. */
  feedbackMetrics?: readonly string[];
}

const FEEDBACK_BUCKETS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 2, 5, 10, 100];
const STRATEGIES = ['single', 'cascade', 'speculative'];
const CHAT = { [gc.ATTR_OPERATION_NAME]: 'chat' };

export class OtelMetrics implements MetricsRecorder {
  readonly enabled = true;
  private readonly model: LabelValues;
  private readonly policy: LabelValues;
  private readonly requestModel: LabelValues;
  private readonly deployment: LabelValues;
  private readonly check: LabelValues;
  private readonly errorType: LabelValues;
  private readonly strategy = new LabelValues(STRATEGIES);
  private readonly reason = new LabelValues(REASON_KINDS);
  private readonly provider = new LabelValues(Object.values(gc.GEN_AI_PROVIDER_NAMES));
  private readonly feedbackMetric: LabelValues | FirstSeenValues;

  private readonly tokens: Histogram;
  private readonly duration: Histogram;
  private readonly ttfc: Histogram;
  private readonly costUsd: Counter;
  private readonly referenceUsd: Counter;
  private readonly savingsUsd: UpDownCounter;
  private readonly fallbacks: Counter;
  private readonly checkFailures: Counter;
  private readonly escalations: Counter;
  private readonly skips: Counter;
  private readonly cacheHits: Counter;
  private readonly cacheTokens: Counter;
  private readonly feedbackValues: Histogram;
  private readonly dropped: Counter;
  private readonly shadowCalls: Counter;
  private readonly shadowCost: Counter;
  private readonly shadowGrades: Counter;
  private readonly shadowSkips: Counter;
  private readonly shadowSkipReason = new LabelValues(SHADOW_SKIP_REASONS);
  private readonly shadowCallAttrs = new AttributeCache(['role', 'model', 'outcome']);
  private readonly shadowGradeAttrs = new AttributeCache(['policy', 'grade']);
  private readonly shadowSkipAttrs = new AttributeCache(['reason']);

  private readonly driftAlarms: Counter;
  private readonly driftKind = new LabelValues(DRIFT_KINDS);
  private readonly driftMeasure = new LabelValues(DRIFT_MEASURES);
  /** Segments are client labels (task) or scripts: the first 32 seen, then `other`. */
  private readonly driftSegment = new FirstSeenValues(32);
  private readonly driftAttrs = new AttributeCache(['kind', 'model', 'segment', 'measure']);
  private readonly driftKindAttrs = new AttributeCache(['kind']);
  private readonly driftSources: (() => Readonly<Record<DriftKindName, number>>)[] = [];

  private readonly decisionAttrs = new AttributeCache(['model', 'policy', 'strategy', 'reason']);
  private readonly policyAttrs = new AttributeCache(['policy']);
  private readonly modelAttrs = new AttributeCache(['model']);
  private readonly modelPolicyAttrs = new AttributeCache(['model', 'policy']);
  private readonly checkAttrs = new AttributeCache(['check', 'model']);
  private readonly skipAttrs = new AttributeCache(['model', 'reason']);
  private readonly feedbackAttrs = new AttributeCache(['metric']);
  private readonly opAttrs = new AttributeCache([gc.ATTR_REQUEST_MODEL, gc.ATTR_RESPONSE_MODEL, gc.ATTR_PROVIDER_NAME], CHAT);
  private readonly opErrorAttrs = new AttributeCache([gc.ATTR_REQUEST_MODEL, gc.ATTR_PROVIDER_NAME, gc.ATTR_ERROR_TYPE], CHAT);
  private readonly inputAttrs = new AttributeCache([gc.ATTR_REQUEST_MODEL, gc.ATTR_RESPONSE_MODEL, gc.ATTR_PROVIDER_NAME], { ...CHAT, [gc.ATTR_TOKEN_TYPE]: 'input' });
  private readonly outputAttrs = new AttributeCache([gc.ATTR_REQUEST_MODEL, gc.ATTR_RESPONSE_MODEL, gc.ATTR_PROVIDER_NAME], { ...CHAT, [gc.ATTR_TOKEN_TYPE]: 'output' });
  private readonly circuitAttrs = new AttributeCache(['model', 'deployment', 'state']);

  private queueDepth = 0;
  private droppedSeen = 0;
  private readonly circuitSources: (() => Iterable<CircuitReading>)[] = [];

  /** `decisions` aggregates what Decide records; it must be a producer of the meter's readers. */
  constructor(
    meter: Meter,
    labels: MetricLabelSets,
    private readonly decisions: DecisionAggregate,
  ) {
    this.model = new LabelValues(labels.models);
    this.policy = new LabelValues(labels.policies);
    // What a client asked for: a catalog model, or the routed name of a configured policy.
    this.requestModel = new LabelValues([...labels.models, ...labels.policies.map(routedName)]);
    this.deployment = new LabelValues(labels.deployments);
    this.check = new LabelValues(labels.checks);
    this.errorType = new LabelValues(labels.errorTypes);
    this.feedbackMetric = labels.feedbackMetrics ? new LabelValues(labels.feedbackMetrics) : new FirstSeenValues(32);

    this.tokens = meter.createHistogram(gc.GEN_AI_CLIENT_TOKEN_USAGE, {
      unit: '{token}',
      description: 'Number of input and output tokens used.',
      advice: { explicitBucketBoundaries: [...gc.TOKEN_USAGE_BUCKETS] },
    });
    this.duration = meter.createHistogram(gc.GEN_AI_CLIENT_OPERATION_DURATION, {
      unit: 's',
      description: 'GenAI operation duration.',
      advice: { explicitBucketBoundaries: [...gc.OPERATION_DURATION_BUCKETS] },
    });
    this.ttfc = meter.createHistogram(gc.GEN_AI_CLIENT_TIME_TO_FIRST_CHUNK, {
      unit: 's',
      description: 'Time to receive the first chunk of a streamed answer.',
      advice: { explicitBucketBoundaries: [...gc.TIME_TO_FIRST_CHUNK_BUCKETS] },
    });
    this.costUsd = meter.createCounter('switchyard.cost.usd', { unit: '{USD}', description: 'Money spent on provider calls.' });
    this.referenceUsd = meter.createCounter('switchyard.reference_cost.usd', { unit: '{USD}', description: "What the policy's reference model would have cost for the same answers." });
    this.savingsUsd = meter.createUpDownCounter('switchyard.savings.usd', { unit: '{USD}', description: 'Reference cost minus actual cost (negative when routing cost more).' });
    this.fallbacks = meter.createCounter('switchyard.fallbacks', { unit: '{fallback}', description: 'Moves from the chosen model to a fallback.' });
    this.checkFailures = meter.createCounter('switchyard.check.failures', { unit: '{failure}', description: 'Answers that failed a quality check.' });
    this.escalations = meter.createCounter('switchyard.escalations', { unit: '{escalation}', description: 'Cascade escalations to a stronger model after a failed check.' });
    this.skips = meter.createCounter('switchyard.attempts.skipped', { unit: '{attempt}', description: 'Attempts skipped without a provider call (rate limit or open circuit).' });
    this.cacheHits = meter.createCounter('switchyard.prompt_cache.hits', { unit: '{answer}', description: 'Answers that read part of the prompt from the provider cache.' });
    this.cacheTokens = meter.createCounter('switchyard.prompt_cache.tokens', { unit: '{token}', description: 'Input tokens read from the provider cache.' });
    this.feedbackValues = meter.createHistogram('switchyard.feedback.value', {
      description: 'Feedback values from clients, by metric.',
      advice: { explicitBucketBoundaries: FEEDBACK_BUCKETS },
    });
    this.dropped = meter.createCounter('switchyard.decision_log.dropped', { unit: '{record}', description: 'Decision records dropped because the queue was full.' });
    this.shadowCalls = meter.createCounter('switchyard.shadow.calls', { unit: '{call}', description: 'Reference and judge calls made by shadow evaluation.' });
    this.shadowCost = meter.createCounter('switchyard.shadow.cost.usd', { unit: '{USD}', description: 'Money spent on shadow evaluation (reference and judge calls).' });
    this.shadowGrades = meter.createCounter('switchyard.shadow.grades', { unit: '{grade}', description: "Shadow grades of the routed answer against the reference's." });
    this.shadowSkips = meter.createCounter('switchyard.shadow.skips', { unit: '{request}', description: 'Requests sampled for shadow evaluation but not graded, by reason.' });

    this.driftAlarms = meter.createCounter('switchyard.drift.alarms', { unit: '{alarm}', description: 'Drift alarms raised: quality per model and segment, provider shift, traffic mix.' });
    meter
      .createObservableGauge('switchyard.drift.alarms.active', { unit: '{alarm}', description: 'Drift alarms raised within drift.active_ms, by kind.' })
      .addCallback((r) => {
        for (const read of this.driftSources) {
          const counts = read();
          for (const k of DRIFT_KINDS) r.observe(counts[k] ?? 0, this.driftKindAttrs.get(k));
        }
      });
    meter
      .createObservableGauge('switchyard.decision_log.queue_depth', { unit: '{record}', description: 'Decision records waiting to be written.' })
      .addCallback((r) => r.observe(this.queueDepth));
    meter
      .createObservableGauge('switchyard.circuit.state', { description: 'Circuit-breaker state per deployment: 1 for the current state, 0 for the others.' })
      .addCallback((r) => this.observeCircuitStates(r));
  }

  decision(model: string, policy: string, strategy: string, reason: ReasonKind, seconds: number): void {
    const p = this.policy.bound(policy);
    this.decisions.record(this.decisionAttrs.get(this.model.bound(model), p, this.strategy.bound(strategy), this.reason.bound(reason)), this.policyAttrs.get(p), seconds);
  }

  operation(f: OperationFacts): void {
    const req = this.requestModel.bound(f.requestModel);
    const provider = f.provider ? this.provider.bound(gc.GEN_AI_PROVIDER_NAMES[f.provider] ?? OTHER) : OTHER;
    if (f.errorType !== undefined || f.responseModel === undefined) {
      const err = f.errorType === undefined ? gc.ERROR_TYPE_OTHER : this.errorType.bound(f.errorType);
      this.duration.record(f.seconds, this.opErrorAttrs.get(req, provider, err === OTHER ? gc.ERROR_TYPE_OTHER : err));
      return;
    }
    const res = this.model.bound(f.responseModel);
    this.duration.record(f.seconds, this.opAttrs.get(req, res, provider));
    this.tokens.record(f.inputTokens, this.inputAttrs.get(req, res, provider));
    this.tokens.record(f.outputTokens, this.outputAttrs.get(req, res, provider));
  }

  firstChunk(requestModel: string, responseModel: string, provider: string, seconds: number): void {
    const p = this.provider.bound(gc.GEN_AI_PROVIDER_NAMES[provider] ?? OTHER);
    this.ttfc.record(seconds, this.opAttrs.get(this.requestModel.bound(requestModel), this.model.bound(responseModel), p));
  }

  cost(model: string, policy: string, usd: number): void {
    if (usd > 0) this.costUsd.add(usd, this.modelPolicyAttrs.get(this.model.bound(model), this.policy.bound(policy)));
  }

  reference(policy: string, referenceUsd: number, savedUsd: number): void {
    const attrs = this.policyAttrs.get(this.policy.bound(policy));
    if (referenceUsd > 0) this.referenceUsd.add(referenceUsd, attrs);
    this.savingsUsd.add(savedUsd, attrs);
  }

  fallback(policy: string, toModel: string): void {
    this.fallbacks.add(1, this.modelPolicyAttrs.get(this.model.bound(toModel), this.policy.bound(policy)));
  }

  checkFailed(check: string, model: string, escalated: boolean): void {
    const attrs = this.checkAttrs.get(this.check.bound(check), this.model.bound(model));
    this.checkFailures.add(1, attrs);
    if (escalated) this.escalations.add(1, attrs);
  }

  skipped(model: string, why: SkipKind): void {
    this.skips.add(1, this.skipAttrs.get(this.model.bound(model), why === 'circuit_open' ? 'circuit_open' : 'rate_limit'));
  }

  promptCacheHit(model: string, cachedTokens: number): void {
    const attrs = this.modelAttrs.get(this.model.bound(model));
    this.cacheHits.add(1, attrs);
    if (cachedTokens > 0) this.cacheTokens.add(cachedTokens, attrs);
  }

  feedback(metric: string, value: number): void {
    if (!Number.isFinite(value)) return;
    this.feedbackValues.record(value, this.feedbackAttrs.get(this.feedbackMetric.bound(metric)));
  }

  recordQueue(depth: number, droppedTotal: number): void {
    this.queueDepth = depth;
    if (droppedTotal > this.droppedSeen) {
      this.dropped.add(droppedTotal - this.droppedSeen);
      this.droppedSeen = droppedTotal;
    }
  }

  shadow(f: ShadowFact): void {
    if (f.kind === 'call') {
      this.shadowCalls.add(1, this.shadowCallAttrs.get(f.role, this.model.bound(f.model), f.ok ? 'ok' : 'error'));
      if (f.costUsd > 0) this.shadowCost.add(f.costUsd, this.policyAttrs.get(this.policy.bound(f.policy)));
    } else if (f.kind === 'grade') {
      this.shadowGrades.add(1, this.shadowGradeAttrs.get(this.policy.bound(f.policy), f.grade));
    } else {
      this.shadowSkips.add(1, this.shadowSkipAttrs.get(this.shadowSkipReason.bound(f.reason)));
    }
  }

  observeCircuits(read: () => Iterable<CircuitReading>): void {
    this.circuitSources.push(read);
  }

  driftAlarm(kind: DriftKindName, model: string, segment: string, measure: string): void {
    const m = model === '' ? '' : this.model.bound(model);
    const seg = segment === '' ? '' : this.driftSegment.bound(segment);
    this.driftAlarms.add(1, this.driftAttrs.get(this.driftKind.bound(kind), m, seg, this.driftMeasure.bound(measure)));
  }

  observeDriftAlarms(read: () => Readonly<Record<DriftKindName, number>>): void {
    this.driftSources.push(read);
  }

  private observeCircuitStates(r: ObservableResult<Attributes>): void {
    for (const read of this.circuitSources) {
      for (const c of read()) {
        const model = this.model.bound(c.model);
        const deployment = this.deployment.bound(c.deployment);
        for (const s of CIRCUIT_STATES) r.observe(s === c.state ? 1 : 0, this.circuitAttrs.get(model, deployment, s));
      }
    }
  }
}

/** The `gen_ai.request.model` of a routed request: what the client asked Switchyard for. */
export function routedName(policy: string): string {
  return `switchyard/${policy}`;
}
