/**
 * Validates SubmitFeedback and ReportOutcome requests against the configuration. Feedback
 * is accepted for any well-formed decision id, whether or not its record is stored yet: a
 * fast client may send it before the record leaves the writer's queue, and reading joins them.
 */
import type { Feedback } from '../../generated/switchyard/v1/Feedback.js';
import type { ReportedOutcome } from '../../generated/switchyard/v1/ReportedOutcome.js';
import type { ReportOutcomeRequest__Output } from '../../generated/switchyard/v1/ReportOutcomeRequest.js';
import type { SubmitFeedbackRequest__Output } from '../../generated/switchyard/v1/SubmitFeedbackRequest.js';
import type { Catalog } from '../../shared/catalog.js';
import type { FeedbackMetricConfig } from '../../shared/config/schema.js';
import { InvalidArgumentError } from '../../shared/errors.js';
import { finishToProto, finishFromProto, usageFromProto, usageToProto } from '../../shared/grpc/convert.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TEXT = 4096;

export function checkDecisionId(id: string, field = 'decision_id'): void {
  if (!id) throw new InvalidArgumentError(field, 'is required');
  if (!UUID.test(id)) throw new InvalidArgumentError(field, `"${id.slice(0, 64)}" is not a decision id (a UUID)`);
}

export function validateFeedback(req: SubmitFeedbackRequest__Output, metrics: readonly FeedbackMetricConfig[], now: number): Feedback {
  const metric = metrics.find((m) => m.name === req.metric);
  if (!req.metric) throw new InvalidArgumentError('metric', 'is required');
  if (!metric) throw new InvalidArgumentError('metric', `unknown metric "${req.metric.slice(0, 64)}" (declared: ${metrics.map((m) => m.name).join(', ') || 'none; declare them in feedback.metrics'})`);
  if (req.decisionId && req.episodeId) throw new InvalidArgumentError('episode_id', 'give a decision_id or an episode_id, not both');
  if (metric.per === 'episode') {
    if (!req.episodeId) throw new InvalidArgumentError('episode_id', `metric "${metric.name}" is per episode: give the episode id (the decisions' session label)`);
    if (req.episodeId.length > 256) throw new InvalidArgumentError('episode_id', 'is longer than 256 characters');
  } else {
    if (req.episodeId) throw new InvalidArgumentError('decision_id', `metric "${metric.name}" is per decision: give the decision id, not an episode id`);
    checkDecisionId(req.decisionId);
  }
  let value: number;
  if (metric.type === 'boolean') {
    if (req.value !== 'boolValue') throw new InvalidArgumentError('value', `metric "${metric.name}" is boolean: send bool_value`);
    value = req.boolValue ? 1 : 0;
  } else {
    if (req.value !== 'floatValue') throw new InvalidArgumentError('value', `metric "${metric.name}" is a float: send float_value`);
    if (!Number.isFinite(req.floatValue)) throw new InvalidArgumentError('value', `metric "${metric.name}": float_value must be a finite number`);
    value = req.floatValue!;
  }
  if (req.comment.length > MAX_TEXT) throw new InvalidArgumentError('comment', `is longer than ${MAX_TEXT} characters`);
  if (req.idempotencyKey.length > 256) throw new InvalidArgumentError('idempotency_key', 'is longer than 256 characters');
  return { decisionId: req.decisionId, episodeId: req.episodeId, metric: metric.name, value, comment: req.comment, idempotencyKey: req.idempotencyKey, timeUnixMs: now };
}

export function validateOutcome(req: ReportOutcomeRequest__Output, catalog: Catalog, now: number, costOf: (model: string, u: ReturnType<typeof usageFromProto>) => number): ReportedOutcome {
  checkDecisionId(req.decisionId);
  if (!req.model) throw new InvalidArgumentError('model', 'is required');
  if (!catalog.get(req.model)) throw new InvalidArgumentError('model', `unknown model "${req.model.slice(0, 64)}"`);
  if (!Number.isFinite(req.latencyMs) || req.latencyMs < 0) throw new InvalidArgumentError('latency_ms', 'must be a non-negative number');
  const usage = usageFromProto(req.usage);
  return {
    decisionId: req.decisionId,
    model: req.model,
    usage: usageToProto(usage),
    latencyMs: req.latencyMs,
    errorCode: req.errorCode.slice(0, 64),
    responseModel: req.responseModel.slice(0, 256),
    finishReason: finishToProto(finishFromProto(req.finishReason)),
    timeUnixMs: now,
    costUsd: costOf(req.model, usage),
  };
}
