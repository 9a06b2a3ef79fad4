/**
 * The RouterService's Execute and ExecuteStream handlers. The client's deadline bounds the
 * whole call and a cancelled call aborts the provider request in flight: both reach the
 * executors through one AbortSignal.
 */
import type { Span } from '@opentelemetry/api';
import type * as grpc from '@grpc/grpc-js';
import type { ExecuteRequest__Output } from '../generated/switchyard/v1/ExecuteRequest.js';
import type { ExecuteResponse } from '../generated/switchyard/v1/ExecuteResponse.js';
import type { ExecuteStreamRequest__Output } from '../generated/switchyard/v1/ExecuteStreamRequest.js';
import type { ExecuteStreamResponse } from '../generated/switchyard/v1/ExecuteStreamResponse.js';
import type { RouterServiceHandlers } from '../generated/switchyard/v1/RouterService.js';
import { attemptToProto, finishToProto, toolCallToProto, usageToProto } from '../shared/grpc/convert.js';
import { toStatus } from '../shared/grpc/status.js';
import { callSignal } from '../shared/grpc/call-signal.js';
import { InvalidArgumentError, NoExecutorError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { contextFromMetadata, setSpanError, tracer, withSpan } from '../shared/telemetry.js';
import type { ExecuteEngine } from './execute/execute-engine.js';
import type { Tenancy } from './tenancy/tenancy.js';
import type { ExecuteResult } from './execute/execute-types.js';
import type { Decision } from './decide/decide.js';
import type { RpcTelemetry } from './rpc-telemetry.js';

export function executeResponse(r: ExecuteResult): ExecuteResponse {
  return {
    decisionId: r.decision.response.decisionId!,
    model: r.model,
    message: { text: r.message.text, toolCalls: r.message.toolCalls.map(toolCallToProto) },
    finishReason: finishToProto(r.finishReason),
    usage: usageToProto(r.usage),
    costUsd: r.costUsd,
    attempts: r.attempts.map(attemptToProto),
    decision: r.decision.response,
    checkStatus: r.check ? (r.check.status === 'passed' ? 'CHECK_STATUS_PASSED' : 'CHECK_STATUS_FAILED') : 'CHECK_STATUS_UNSPECIFIED',
    checkReason: r.check?.reason ?? '',
    responseModel: r.responseModel ?? '',
    systemFingerprint: r.systemFingerprint ?? '',
  };
}


const SERVER_SPAN = { kind: 1 /* SERVER */ } as const;

function endSpan(span: Span, result?: ExecuteResult, err?: unknown): void {
  // Without an SDK the span records nothing: its attributes are not built.
  if (result && span.isRecording()) {
    span.setAttributes({
      'switchyard.decision_id': result.decision.response.decisionId!,
      'switchyard.model': result.model,
      'switchyard.strategy': result.decision.plan.strategy,
      'switchyard.attempts': result.attempts.length,
      'switchyard.cost_usd': result.costUsd,
      'gen_ai.usage.input_tokens': result.usage.inputTokens,
      'gen_ai.usage.output_tokens': result.usage.outputTokens,
    });
  }
  if (err) setSpanError(span, err, (err as { code?: number }).code ?? undefined);
  span.end();
}

/**
 * Runs `task` once a unary answer just handed to grpc-js has been written. The HTTP/2 session
 * writes from the event loop's check phase, in two turns: the headers and the message in the
 * turn the handler answers, and the trailers (which end the call for the client) in the next,
 * once the message's write has completed. An immediate queued from an immediate runs in that
 * next check phase, after the session's own write.
 */
function afterWritten(task: () => void): void {
  setImmediate(() => setImmediate(task));
}

/** Why Execute cannot be served now (no executor reachable), or null. */
export interface ExecuteReadiness {
  reason(): string | null;
}

export function executeHandlers(engine: ExecuteEngine, log: Logger, telemetry?: RpcTelemetry, readiness?: ExecuteReadiness, tenancy?: Tenancy): Pick<RouterServiceHandlers, 'Execute' | 'ExecuteStream'> {
  const logError = (msg: string, e: unknown) => log.error(msg, { error: e });
  const notReady = () => {
    const why = readiness?.reason();
    return why ? new NoExecutorError(why) : undefined;
  };
  return {
    Execute(call: grpc.ServerUnaryCall<ExecuteRequest__Output, ExecuteResponse>, callback: grpc.sendUnaryData<ExecuteResponse>) {
      const started = telemetry?.now() ?? 0;
      const span = tracer().startSpan('switchyard.Execute', SERVER_SPAN, contextFromMetadata(call.metadata));
      const s = callSignal(call);
      const unready = notReady();
      // The record, the metrics, the log line and the span's end wait until the answer is out
      // (see afterWritten): the client's wait ends with the trailers, not with this work.
      let record: (() => void) | undefined;
      const keepRecord = (task: () => void) => {
        record = task;
      };
      const afterAnswer = (report: () => void) =>
        afterWritten(() => {
          try {
            record?.();
          } catch (e) {
            logError('an answered Execute could not be recorded', e);
          }
          report();
        });
      const run = async () => {
        if (unready) throw unready;
        const tenant = tenancy?.authenticateMetadata(call.metadata);
        const req = tenancy ? tenancy.authorize(call.request, tenant) : call.request;
        return engine.execute(req, s.controller, s.deadline, tenant, keepRecord);
      };
      withSpan(span, run)
        .then(
          (r) => {
            callback(null, executeResponse(r));
            afterAnswer(() => {
              telemetry?.executed('Execute', r, started, span);
              endSpan(span, r);
            });
          },
          (e) => {
            const st = toStatus(e, logError);
            callback(st);
            afterAnswer(() => {
              telemetry?.failed('Execute', st.code, e, started, span, call.request);
              endSpan(span, undefined, e);
            });
          },
        )
        .finally(s.done);
    },
    ExecuteStream(call: grpc.ServerWritableStream<ExecuteStreamRequest__Output, ExecuteStreamResponse>) {
      const started = telemetry?.now() ?? 0;
      const span = tracer().startSpan('switchyard.ExecuteStream', SERVER_SPAN, contextFromMetadata(call.metadata));
      const s = callSignal(call);
      let decision: Decision | undefined;
      let firstChunk: number | undefined;
      const run = async () => {
        const tenant = tenancy?.authenticateMetadata(call.metadata);
        if (!call.request.request) throw new InvalidArgumentError('request', 'is required');
        const unready = notReady();
        if (unready) throw unready;
        const req = tenancy ? tenancy.authorize(call.request.request, tenant) : call.request.request;
        let result: ExecuteResult | undefined;
        for await (const ev of engine.executeStream(req, s.controller, s.deadline, tenant)) {
          if (call.cancelled) {
            telemetry?.failed('ExecuteStream', 1 /* CANCELLED */, undefined, started, span, call.request.request, decision);
            endSpan(span, undefined, new Error('the client cancelled the call'));
            return;
          }
          if (ev.type === 'decision') {
            decision = ev.decision;
            call.write({ decision: ev.decision.response });
          } else if (ev.type === 'text-delta' || ev.type === 'tool-call') {
            firstChunk ??= telemetry?.now();
            call.write(ev.type === 'text-delta' ? { textDelta: ev.text } : { toolCall: toolCallToProto(ev.toolCall) });
          } else if (ev.type === 'done') {
            result = ev.result;
            call.write({ done: executeResponse(ev.result) });
          }
        }
        if (result) telemetry?.executed('ExecuteStream', result, started, span, firstChunk);
        endSpan(span, result);
        call.end();
      };
      withSpan(span, run)
        .catch((e) => {
          const st = toStatus(e, logError);
          telemetry?.failed('ExecuteStream', call.cancelled ? 1 : st.code, e, started, span, call.request.request, decision);
          endSpan(span, undefined, e);
          if (!call.cancelled) call.emit('error', st);
        })
        .finally(s.done);
    },
  };
}
