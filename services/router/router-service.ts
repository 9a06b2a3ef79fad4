/**
 * The RouterService's gRPC handlers. Validation and decisions live in decide/; this file
 * binds them to calls, opens a span per call on the client's trace context, and turns errors
 * into statuses in one place (grpc/status.ts).
 */
import type * as grpc from '@grpc/grpc-js';
import type { RouterServiceHandlers } from '../generated/switchyard/v1/RouterService.js';
import type { ModelInfo } from '../generated/switchyard/v1/ModelInfo.js';
import type { Catalog } from '../shared/catalog.js';
import { UnimplementedError } from '../shared/errors.js';
import { toStatus } from '../shared/grpc/status.js';
import type { Logger } from '../shared/log.js';
import { catalogPriorTiers } from '../shared/quality-tier.js';
import { contextFromMetadata, setSpanError, tracer, withSpan } from '../shared/telemetry.js';
import type { Decider, Decision } from './decide/decide.js';
import { encodeDecideResponse } from './decide/decide-response-wire.js';
import type { DecideResponse__Output as DecideResponse } from '../generated/switchyard/v1/DecideResponse.js';
import type { ExecuteResponse } from '../generated/switchyard/v1/ExecuteResponse.js';
import type { ExecuteStreamResponse } from '../generated/switchyard/v1/ExecuteStreamResponse.js';
import { encodeExecuteResponse, encodeExecuteStreamResponse } from './execute-response-wire.js';
import type { ModelStatus } from './decide/hard-filters.js';
import type { RpcTelemetry } from './rpc-telemetry.js';
import type { DecisionLog } from './record/decision-log.js';
import { decisionLogHandlers } from './record/decision-handlers.js';
import type { Tenancy } from './tenancy/tenancy.js';
import { modelsForTenant } from './tenancy/tenant-models.js';
import type { Tenant } from './tenancy/tenant.js';

const CAPABILITY_ENUM = { tools: 'CAPABILITY_TOOLS', vision: 'CAPABILITY_VISION', json_output: 'CAPABILITY_JSON_OUTPUT', streaming: 'CAPABILITY_STREAMING' } as const;

export interface RouterServiceDeps {
  decider: Decider;
  catalog: Catalog;
  status(): readonly ModelStatus[];
  /** The quality profile each catalog model is predicted by, for ListModels. */
  profiles(): readonly string[];
  log: Logger;
  /** Where decisions are recorded and read back; absent when the log is off. */
  decisionLog?: DecisionLog;
  /** Keys and tenants; absent: every call is let in (as when no key is configured). */
  tenancy?: Tenancy;
  /** Execute handlers, once an executor is attached. */
  execute?: Pick<RouterServiceHandlers, 'Execute' | 'ExecuteStream'>;
  /** Request logs and execution metrics, when the server wires them. */
  telemetry?: RpcTelemetry;
}

export function listModels(deps: Pick<RouterServiceDeps, 'catalog' | 'status' | 'profiles'>): ModelInfo[] {
  const status = deps.status();
  const profiles = deps.profiles();
  const tiers = catalogPriorTiers(deps.catalog.models.map((m) => m.config));
  return deps.catalog.models.map((m) => {
    const s = status[m.index] ?? { available: true };
    const q = m.config.quality;
    const profile = profiles[m.index] ?? '';
    return {
      id: m.id,
      provider: m.provider,
      contextWindow: m.contextWindow,
      maxOutputTokens: m.maxOutputTokens,
      capabilities: [...m.capabilities].map((c) => CAPABILITY_ENUM[c]),
      prices: {
        inputPerMtok: m.config.prices.input,
        outputPerMtok: m.config.prices.output,
        cachedInputPerMtok: m.config.prices.cached_input ?? m.config.prices.input,
        cacheWritePerMtok: m.config.prices.cache_write ?? m.config.prices.input,
      },
      languages: m.languages ? [...m.languages] : ['*'],
      regions: [...m.regions],
      typicalTtftMs: Math.round(s.ttftMs ?? m.ttftMs),
      outputTokensPerSecond: m.outputTokensPerSecond,
      requestsPerMinute: m.rpm ?? 0,
      tokensPerMinute: m.tpm ?? 0,
      available: s.available,
      unavailableReason: s.available ? '' : (s.reason ?? ''),
      qualityProfile: profile,
      qualitySource: q.source ?? `routing data (profile ${profile})`,
      qualityPrior: 'benchmark' in q,
      qualityPriorScore: 'benchmark' in q ? q.benchmark : 0,
      qualityTier: tiers[m.index] ?? '',
    };
  });
}

/**
 * The RouterService with the responses of Decide, Execute and ExecuteStream written directly
 * (decide/decide-response-wire.ts, execute-response-wire.ts) instead of through protobufjs.
 */
export function routerServiceDefinition(service: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const { Decide: decide, Execute: execute, ExecuteStream: stream } = service;
  return {
    ...service,
    Decide: { ...decide!, responseSerialize: (r: DecideResponse) => encodeDecideResponse(r) },
    Execute: { ...execute!, responseSerialize: (r: ExecuteResponse) => encodeExecuteResponse(r) },
    ExecuteStream: { ...stream!, responseSerialize: (r: ExecuteStreamResponse) => encodeExecuteStreamResponse(r) },
  };
}

type DecideCall = Parameters<RouterServiceHandlers['Decide']>[0];

const SERVER_SPAN = { kind: 1 /* SERVER */ } as const;

export function routerServiceHandlers(deps: RouterServiceDeps): RouterServiceHandlers {
  const unimplemented = new UnimplementedError('Execute is not available in this process: it runs without an executor');
  const { decider, tenancy } = deps;
  // The caller's key becomes a tenant whose rights bound the request; without tenancy every call is let in.
  const decideFor = tenancy
    ? (call: DecideCall) => decider.decide(tenancy.authorize(call.request, tenancy.authenticateMetadata(call.metadata)))
    : (call: DecideCall) => decider.decide(call.request);
  return {
    Decide(call, callback) {
      const started = deps.telemetry?.now() ?? 0;
      const span = tracer().startSpan('switchyard.Decide', SERVER_SPAN, contextFromMetadata(call.metadata));
      let decision: Decision;
      try {
        decision = withSpan(span, () => decideFor(call));
      } catch (err) {
        const st = toStatus(err, (msg, e) => deps.log.error(msg, { rpc: 'Decide', error: e }));
        setSpanError(span, err, st.code);
        span.setAttribute('rpc.grpc.status_code', st.code);
        deps.telemetry?.failed('Decide', st.code, err, started, span, call.request);
        span.end();
        callback(st);
        return;
      }
      const r = decision.response;
      // Without an SDK the span records nothing: its attributes are not built.
      if (span.isRecording()) {
        span.setAttributes({
          'switchyard.decision_id': r.decisionId!,
          'switchyard.model': r.model!,
          'switchyard.candidates': deps.catalog.models.length,
          'switchyard.eligible': decision.eligibleCount,
          'switchyard.policy': r.policy!,
          'switchyard.strategy': decision.plan.strategy,
          'switchyard.reason': r.reason!,
          'switchyard.decision_time_ns': r.decisionTimeNs as number,
          'rpc.grpc.status_code': 0,
        });
      }
      deps.telemetry?.decided(decision, started, span);
      span.end();
      callback(null, r);
      deps.decisionLog?.record({ source: 'decide', decision });
    },
    ListModels(call, callback) {
      let tenant: Tenant | undefined;
      try {
        tenant = deps.tenancy?.authenticateMetadata(call.metadata);
      } catch (err) {
        callback(toStatus(err));
        return;
      }
      // A tenant sees only the models it may use, in its regions.
      callback(null, { models: modelsForTenant(listModels(deps), tenant) });
    },
    ...decisionLogHandlers(deps.decisionLog, deps.log),
    Execute:
      deps.execute?.Execute ??
      ((_call: unknown, callback: grpc.sendUnaryData<never>) => {
        callback(toStatus(unimplemented));
      }),
    ExecuteStream:
      deps.execute?.ExecuteStream ??
      ((call: grpc.ServerWritableStream<unknown, unknown>) => {
        call.emit('error', toStatus(unimplemented));
      }),
  };
}
