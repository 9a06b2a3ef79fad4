/**
 * Builds a DecisionRecord from a decision and, for Execute, how it ended. Runs off the
 * request's path (in the writer's flush), so hashing and copying cost the caller nothing.
 * Prompt and answer text go in only when prompt logging is on, and then redacted.
 */
import { createHash } from 'node:crypto';
import type { DecisionRecord } from '../../generated/switchyard/v1/DecisionRecord.js';
import type { RecordOutcome } from '../../generated/switchyard/v1/RecordOutcome.js';
import type { RecordSource } from '../../generated/switchyard/v1/RecordSource.js';
import { usageCostUsd, type Catalog } from '../../shared/catalog.js';
import type { Config } from '../../shared/config/schema.js';
import type { Usage } from '../../shared/contracts/provider.js';
import { finishToProto, usageToProto } from '../../shared/grpc/convert.js';
import type { Decision } from '../decide/decide.js';
import { ExecuteFailedError, type ExecuteResult } from '../execute/execute-types.js';
import { messageText, promptHash } from './prompt-hash.js';
import { RECORD_VERSION } from './record-codec.js';
import type { RecordView } from './record-view.js';

/** What the writer is handed on the request's path: references only, nothing computed. */
export interface PendingRecord {
  source: 'decide' | 'execute' | 'execute_stream';
  decision: Decision;
  timeUnixMs: number;
  result?: ExecuteResult;
  error?: unknown;
  latencyMs?: number;
  ttftMs?: number;
}

const SOURCE: Record<PendingRecord['source'], RecordSource> = { decide: 'RECORD_SOURCE_DECIDE', execute: 'RECORD_SOURCE_EXECUTE', execute_stream: 'RECORD_SOURCE_EXECUTE_STREAM' };
const ROLE = { system: 'ROLE_SYSTEM', user: 'ROLE_USER', assistant: 'ROLE_ASSISTANT', tool: 'ROLE_TOOL' } as const;
const RESPONSE_FORMAT = { text: 'RESPONSE_FORMAT_TYPE_TEXT', json_object: 'RESPONSE_FORMAT_TYPE_JSON_OBJECT', json_schema: 'RESPONSE_FORMAT_TYPE_JSON_SCHEMA' } as const;
/** A record's prompt with prompt logging off (frozen: a record, a view and the status board share it). */
const NO_PROMPT = Object.freeze([]) as unknown as NonNullable<DecisionRecord['prompt']>;
const CAPABILITY = { tools: 'CAPABILITY_TOOLS', vision: 'CAPABILITY_VISION', json_output: 'CAPABILITY_JSON_OUTPUT', streaming: 'CAPABILITY_STREAMING' } as const;


/** SHA-256 (hex) of the configuration, over its canonical JSON. */
export function configHash(config: Config): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex');
}

export class RecordBuilder {
  private readonly redact: { re: RegExp; replace: string }[];
  readonly hash: string;

  constructor(
    private readonly config: Config,
    private readonly catalog: Catalog,
  ) {
    this.redact = config.decision_log.redact.map((r) => ({ re: new RegExp(r.pattern, 'g'), replace: r.replace }));
    this.hash = configHash(config);
  }

  /** Prompt or answer text after the configured redactions. */
  clean(text: string): string {
    let out = text;
    for (const r of this.redact) out = out.replace(r.re, r.replace);
    return out;
  }

  /** The policy's reference model: its `reference_model`, else the catalog's priciest. */
  referenceModel(policy: string): string {
    const named = this.config.policies[policy]?.reference_model;
    if (named) return named;
    let best = this.catalog.models[0]!;
    for (const m of this.catalog.models) if (m.inputPrice + m.outputPrice > best.inputPrice + best.outputPrice) best = m;
    return best.id;
  }

  /** What `model` would have cost for this usage, cached tokens at its cached price. */
  costOf(model: string, u: Usage): number {
    const m = this.catalog.get(model);
    return m ? usageCostUsd(m, u) : 0;
  }

  /** The record's error code for how Execute failed: the error's kind, `aborted` or `internal`; empty on success. */
  errorCode(error: unknown): string {
    return error === undefined ? '' : error instanceof ExecuteFailedError ? error.error.kind : error instanceof DOMException ? 'aborted' : 'internal';
  }

  build(p: PendingRecord): DecisionRecord {
    const { decision } = p;
    const r = decision.response;
    const req = decision.request;
    const record: DecisionRecord = {
      version: RECORD_VERSION,
      decisionId: r.decisionId,
      timeUnixMs: p.timeUnixMs,
      source: SOURCE[p.source],
      labels: req.labels,
      policy: r.policy,
      matchedRules: r.matchedRules,
      configHash: this.hash,
      routerModel: r.routerModel,
      features: {
        estimatedInputTokens: decision.estimate.inputTokens,
        promptChars: r.features?.promptChars ?? 0,
        script: r.features?.script ?? '',
        messageCount: req.messages.length,
        toolCount: req.tools.length,
        imageCount: req.imageCount,
        responseFormat: RESPONSE_FORMAT[req.responseFormat.type],
        maxOutputTokens: req.maxOutputTokens,
        capabilities: [...req.requiredCapabilities].map((c) => CAPABILITY[c]),
        expectedOutputTokens: decision.estimate.expectedOutputTokens,
      },
      candidates: r.candidates.map((c) => ({
        model: c.model,
        provider: c.provider,
        eligible: c.eligible,
        excludedReason: c.excludedReason,
        predictedQuality: c.predictedQuality,
        estimatedCostUsd: c.estimatedCostUsd,
        estimatedLatencyMs: c.estimatedLatencyMs,
        score: c.score,
        rank: c.rank,
        choiceProbability: decision.propensities ? (decision.propensities.get(c.model) ?? 0) : c.model === r.model ? 1 : 0,
      })),
      model: r.model,
      fallbacks: r.fallbacks,
      plan: r.plan,
      reason: r.reason,
      decisionTimeNs: r.decisionTimeNs,
      promptHash: promptHash(req.messages),
      prompt: this.promptOf(p),
    };
    if (p.source !== 'decide') record.outcome = this.outcome(p);
    return record;
  }

  /**
   * The record as in-process listeners see it (record-view.ts): references to what the
   * decision holds, nothing hashed or copied; the outcome (Execute) is built when first read,
   * and the prompt only with prompt logging on.
   */
  view(p: PendingRecord): RecordView {
    return new PendingView(p, this);
  }

  /** The prompt as stored: its messages, redacted, only with prompt logging on (else one shared empty list, never to be changed). */
  promptOf(p: PendingRecord): NonNullable<DecisionRecord['prompt']> {
    return this.config.router.prompt_logging ? p.decision.request.messages.map((m) => ({ role: ROLE[m.role], text: this.clean(messageText(m)) })) : NO_PROMPT;
  }

  /** A record's outcome, from how Execute ended. */
  outcome(p: PendingRecord): RecordOutcome {
    const res = p.result;
    const attempts = res?.attempts ?? (p.error instanceof ExecuteFailedError ? p.error.attempts : []);
    const usage: Usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0 };
    let cost = 0;
    for (const a of attempts) {
      usage.inputTokens += a.usage.inputTokens;
      usage.outputTokens += a.usage.outputTokens;
      usage.cachedInputTokens += a.usage.cachedInputTokens;
      usage.cacheWriteTokens += a.usage.cacheWriteTokens;
      cost += a.costUsd;
    }
    const policy = p.decision.response.policy;
    const reference = this.referenceModel(policy);
    // The reference would have answered once: price the answering attempt's tokens.
    const answering = res ? [...attempts].reverse().find((a) => a.model === res.model && a.outcome === 'success') : undefined;
    const errorCode = this.errorCode(p.error);
    return {
      attempts: attempts.map((a) => ({ model: a.model, deployment: a.deployment, step: a.step, status: a.outcome, error: a.error, latencyMs: a.latencyMs, ttftMs: a.ttftMs ?? 0, usage: usageToProto(a.usage), costUsd: a.costUsd })),
      answeredModel: res?.model ?? '',
      answeredByChosen: res !== undefined && res.model === p.decision.response.model,
      responseModel: res?.responseModel ?? '',
      systemFingerprint: res?.systemFingerprint ?? '',
      finishReason: res ? finishToProto(res.finishReason) : 'FINISH_REASON_ERROR',
      errorCode,
      usage: usageToProto(usage),
      costUsd: cost,
      referenceModel: reference,
      referenceCostUsd: answering ? this.costOf(reference, answering.usage) : 0,
      latencyMs: p.latencyMs ?? 0,
      ttftMs: p.ttftMs ?? 0,
      checks: attempts.filter((a) => a.check).map((a) => ({ model: a.model, verdict: a.check, passed: a.outcome !== 'rejected' })),
      escalations: attempts.filter((a) => a.outcome === 'rejected').length,
      answerText: this.config.router.prompt_logging && res ? this.clean(res.message.text) : '',
    };
  }
}

/** RecordBuilder.view: fields read from the pending record, the outcome built once when first read. */
class PendingView implements RecordView {
  private built: RecordOutcome | null | undefined;
  private feature: RecordView['features'] | undefined;

  constructor(
    private readonly p: PendingRecord,
    private readonly builder: RecordBuilder,
  ) {}

  get decisionId(): string | undefined {
    return this.p.decision.response.decisionId;
  }
  get timeUnixMs(): number {
    return this.p.timeUnixMs;
  }
  get labels(): RecordView['labels'] {
    return this.p.decision.request.labels;
  }
  get policy(): string | undefined {
    return this.p.decision.response.policy;
  }
  get routerModel(): string | undefined {
    return this.p.decision.response.routerModel;
  }
  get model(): string | undefined {
    return this.p.decision.response.model;
  }
  get reason(): string | undefined {
    return this.p.decision.response.reason;
  }
  get features(): RecordView['features'] {
    // Read by the status board and twice by the drift monitor: made once.
    this.feature ??= { estimatedInputTokens: this.p.decision.estimate.inputTokens, script: this.p.decision.response.features?.script ?? '' };
    return this.feature;
  }
  get candidates(): RecordView['candidates'] {
    return this.p.decision.response.candidates;
  }
  get outcome(): RecordOutcome | null {
    if (this.built === undefined) this.built = this.p.source === 'decide' ? null : this.builder.outcome(this.p);
    return this.built;
  }
  get prompt(): RecordView['prompt'] {
    return this.builder.promptOf(this.p);
  }
}
