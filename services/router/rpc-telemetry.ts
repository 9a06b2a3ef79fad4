/**
 * What the RouterService's handlers report when a call ends: one request-log line per RPC
 * (method, status, latency, decision id, model, tenant, trace and span ids; never prompt text
 * or keys), and the execution metrics read from the attempt trail (GenAI operation duration
 * and tokens, cost, savings against the reference model, fallbacks, failed checks and
 * escalations, skipped attempts, prompt-cache hits). Decisions themselves are counted by the
 * Decider, so Decide and Execute count alike.
 *
 * The reference model of a decision is the most capable eligible candidate (highest predicted
 * quality, the dearer on a tie): savings = its price for the answer's tokens − what was paid.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import type { Span } from '@opentelemetry/api';
import { usageCostUsd, type Catalog } from '../shared/catalog.js';
import { describeCheckSpec } from '../shared/config/check-spec.js';
import type { Config } from '../shared/config/schema.js';
import type { AttemptInfo } from '../shared/contracts/invoke.js';
import type { Usage } from '../shared/contracts/provider.js';
import type { Logger } from '../shared/log.js';
import { statusName } from '../shared/grpc/status-name.js';
import { logRpc, rpcLogged } from '../shared/rpc-log.js';
import type { MetricsRecorder } from '../shared/metrics/metrics-recorder.js';
import { routedName } from '../shared/metrics/otel-metrics.js';
import type { Decision } from './decide/decide.js';
import type { RouteRequestFields } from './decide/validate-request.js';
import { ExecuteFailedError, type ExecuteResult } from './execute/execute-types.js';

export type RouterRpc = 'Decide' | 'Execute' | 'ExecuteStream';

/** Labels are client strings: a log line keeps at most this much of one. */
const MAX_LABEL_CHARS = 64;
const clip = (s: string | undefined) => (s && s.length > MAX_LABEL_CHARS ? s.slice(0, MAX_LABEL_CHARS) : (s ?? ''));

interface CheckNeedle {
  needle: string;
  kind: string;
}

export interface RpcTelemetryOptions {
  metrics: MetricsRecorder;
  log: Logger;
  catalog: Catalog;
  config: Config;
  /** Milliseconds since some fixed point (default performance.now). */
  now?: () => number;
}

export class RpcTelemetry {
  readonly now: () => number;
  private readonly providers = new Map<string, string>();
  private readonly checks = new Map<string, CheckNeedle[]>();

  constructor(private readonly o: RpcTelemetryOptions) {
    this.now = o.now ?? (() => performance.now());
    for (const m of o.catalog.models) {
      this.providers.set(m.id, m.provider);
    }
    for (const [name, policy] of Object.entries(o.config.policies)) {
      this.checks.set(name, policy.checks.map((spec) => ({ needle: `${describeCheckSpec(spec)}: fail`, kind: typeof spec === 'string' ? spec : Object.keys(spec)[0]! })));
    }
  }

  /** A Decide call answered. */
  decided(d: Decision, startedMs: number, span: Span): void {
    if (!rpcLogged(this.o.log, grpcStatus.OK)) return;
    const r = d.response;
    this.line('Decide', grpcStatus.OK, startedMs, span, { decision_id: r.decisionId, model: r.model, policy: r.policy, strategy: d.plan.strategy, tenant: clip(d.request.labels.tenant) });
  }

  /** Execute or ExecuteStream answered; `firstChunkMs` is when a stream's first chunk went out. */
  executed(rpc: RouterRpc, r: ExecuteResult, startedMs: number, span: Span, firstChunkMs?: number): void {
    const end = this.now();
    const d = r.decision;
    const policy = d.response.policy!;
    const requestModel = this.requestModel(d);
    const provider = this.providers.get(r.model) ?? '';
    const m = this.o.metrics;
    if (m.enabled) {
      m.operation({ requestModel, policy, responseModel: r.model, provider, seconds: (end - startedMs) / 1000, inputTokens: r.usage.inputTokens, outputTokens: r.usage.outputTokens });
      if (firstChunkMs !== undefined) m.firstChunk(requestModel, r.model, provider, (firstChunkMs - startedMs) / 1000);
      this.trail(policy, r.attempts);
      const ref = this.referenceCost(d, answerUsage(r));
      if (ref !== undefined) m.reference(policy, ref, ref - r.costUsd);
    }
    if (!rpcLogged(this.o.log, grpcStatus.OK)) return;
    this.line(rpc, grpcStatus.OK, startedMs, span, {
      decision_id: d.response.decisionId,
      model: r.model,
      policy,
      strategy: d.plan.strategy,
      tenant: clip(d.request.labels.tenant),
      attempts: r.attempts.length,
      cost_usd: r.costUsd,
    });
  }

  /** A call failed with gRPC `code`; `decision` when one was made before the failure. */
  failed(rpc: RouterRpc, code: number, err: unknown, startedMs: number, span: Span, raw: RouteRequestFields | null | undefined, decision?: Decision): void {
    const d = decision ?? (err instanceof ExecuteFailedError ? err.decision : undefined);
    // A policy the client named that the config does not have is not repeated anywhere.
    const asked = raw?.policy || this.o.config.router.default_policy;
    const policy = d?.response.policy ?? (this.o.config.policies[asked] ? asked : 'unknown');
    const m = this.o.metrics;
    if (m.enabled && rpc !== 'Decide' && d) {
      const kind = err instanceof ExecuteFailedError ? err.error.kind : statusName(code).toLowerCase();
      m.operation({ requestModel: this.requestModel(d), policy, ...(kind ? { errorType: kind } : {}), seconds: (this.now() - startedMs) / 1000, inputTokens: 0, outputTokens: 0 });
      if (err instanceof ExecuteFailedError) this.trail(policy, err.attempts);
    }
    this.line(rpc, code, startedMs, span, {
      ...(d ? { decision_id: d.response.decisionId, model: d.response.model, strategy: d.plan.strategy } : {}),
      policy,
      tenant: clip(d?.request.labels.tenant ?? raw?.labels?.tenant),
      ...(err instanceof ExecuteFailedError ? { error_kind: err.error.kind, attempts: err.attempts.length } : {}),
    });
  }

  private requestModel(d: Decision): string {
    const allow = d.request.allowModels;
    if (allow && allow.size === 1) for (const only of allow) return only;
    return routedName(d.response.policy!);
  }

  /** Counts what the attempt trail shows: cost, fallbacks, failed checks, skips, cache hits. */
  private trail(policy: string, attempts: readonly AttemptInfo[]): void {
    const m = this.o.metrics;
    const needles = this.checks.get(policy) ?? [];
    let previous = '';
    for (const a of attempts) {
      if (a.costUsd > 0) m.cost(a.model, policy, a.costUsd);
      if (a.step === 'fallback' && a.model !== previous) m.fallback(policy, a.model);
      if (a.outcome !== 'skipped') previous = a.model;
      if (a.outcome === 'rejected' && a.check) {
        let first = true;
        for (const n of needles) {
          if (!a.check.includes(n.needle)) continue;
          m.checkFailed(n.kind, a.model, first);
          first = false;
        }
      } else if (a.outcome === 'skipped') {
        if (a.error.startsWith('circuit open')) m.skipped(a.model, 'circuit_open');
        else if (a.error.startsWith('rate limited') || a.error.startsWith('model budget')) m.skipped(a.model, 'rate_limit');
      } else if (a.outcome === 'success' && a.usage.cachedInputTokens > 0) m.promptCacheHit(a.model, a.usage.cachedInputTokens);
    }
  }

  /** The reference model's price for the answer's tokens; undefined when it has no price. */
  private referenceCost(d: Decision, usage: Usage): number | undefined {
    const m = this.o.catalog.get(d.mostCapable);
    return m ? usageCostUsd(m, usage) : undefined;
  }

  private line(rpc: RouterRpc, code: number, startedMs: number, span: Span, fields: Record<string, unknown>): void {
    logRpc(this.o.log, rpc, code, this.now() - startedMs, span, fields);
  }

}

/** The tokens of the answer returned (its last successful attempt), not of failed tries. */
function answerUsage(r: ExecuteResult): Usage {
  for (let i = r.attempts.length - 1; i >= 0; i--) {
    const a = r.attempts[i]!;
    if (a.model === r.model && a.outcome === 'success') return a.usage;
  }
  return r.usage;
}
