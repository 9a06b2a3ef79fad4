
import { context, trace } from '@opentelemetry/api';
import type { ExecutorServiceHandlers } from '../generated/switchyard/v1/ExecutorService.js';
import type { InvokeRequest__Output } from '../generated/switchyard/v1/InvokeRequest.js';
import type { InvokeResponse } from '../generated/switchyard/v1/InvokeResponse.js';
import { InvalidArgumentError } from '../shared/errors.js';
import { attemptToProto, finishToProto, toolCallToProto, usageToProto } from '../shared/grpc/convert.js';
import { toStatus } from '../shared/grpc/status.js';
import { callSignal } from '../shared/grpc/call-signal.js';
import type { Logger } from '../shared/log.js';
import { contextFromMetadata, tracer } from '../shared/telemetry.js';
import { messagesFromProto, responseFormatFromProto, toolsFromProto } from '../shared/grpc/chat-from-proto.js';
import type { InvokeFailure, InvokeInput, InvokeOutcome } from '../shared/contracts/invoke.js';
import type { Executor } from './executor.js';
import { logRpc, rpcLogged } from '../shared/rpc-log.js';

/** The request-log fields of an Invoke: which model, which deployment answered, how it ended. */
function invokeFields(r: InvokeRequest__Output | null | undefined, o?: InvokeOutcome): Record<string, unknown> {
  return {
    decision_id: r?.decisionId ?? '',
    model: o?.model ?? r?.model ?? '',
    ...(o ? { outcome: o.ok ? 'ok' : o.error.kind, attempts: o.attempts.length, ...(o.ok ? { deployment: o.deployment } : {}) } : {}),
  };
}

export function invokeInputFromProto(r: InvokeRequest__Output): InvokeInput {
  if (!r.model) throw new InvalidArgumentError('model', 'is required');
  if (r.messages.length === 0) throw new InvalidArgumentError('messages', 'must not be empty');
  const tools = toolsFromProto(r.tools).tools;
  return {
    model: r.model,
    request: {
      messages: messagesFromProto(r.messages),
      ...(tools.length ? { tools } : {}),
      responseFormat: responseFormatFromProto(r.responseFormat),
      ...(r.maxOutputTokens ? { maxOutputTokens: r.maxOutputTokens } : {}),
      ...(r.temperature !== undefined && r.temperature !== null ? { temperature: r.temperature } : {}),
    },
    allowedRegions: r.allowedRegions,
    decisionId: r.decisionId,
    step: r.step || 'primary',
    ...(r.ttftTimeoutMs ? { ttftTimeoutMs: r.ttftTimeoutMs } : {}),
  };
}

function errorToProto(e: InvokeFailure['error']) {
  return { kind: e.kind, message: e.message, retryable: e.retryable, retryAfterMs: e.retryAfterMs ?? 0, httpStatus: e.httpStatus ?? 0 };
}

export function invokeResponse(o: InvokeOutcome): InvokeResponse {
  const common = { model: o.model, usage: usageToProto(o.usage), costUsd: o.costUsd, attempts: o.attempts.map(attemptToProto) };
  if (!o.ok) return { ...common, error: errorToProto(o.error) };
  return {
    ...common,
    deployment: o.deployment,
    message: { text: o.result.message.text, toolCalls: o.result.message.toolCalls.map(toolCallToProto) },
    finishReason: finishToProto(o.result.finishReason),
    responseModel: o.result.responseModel,
    systemFingerprint: o.result.systemFingerprint ?? '',
  };
}


export function executorServiceHandlers(executor: Executor, log: Logger): ExecutorServiceHandlers {
  const logError = (msg: string, e: unknown) => log.error(msg, { error: e });
  return {
    Invoke(call, callback) {
      const started = performance.now();
      const s = callSignal(call);
      const parent = contextFromMetadata(call.metadata);
      const span = tracer().startSpan('switchyard.Invoke', { kind: 1 }, parent);
      context
        .with(trace.setSpan(parent, span), async () => {
          const input = invokeInputFromProto(call.request);
          return executor.invoke({ ...input, ...(s.deadline ? { deadline: s.deadline } : {}) }, s.signal);
        })
        .then(
          (o) => {
            if (rpcLogged(log, 0)) logRpc(log, 'Invoke', 0, performance.now() - started, span, invokeFields(call.request, o));
            callback(null, invokeResponse(o));
          },
          (e) => {
            const st = toStatus(e, logError);
            logRpc(log, 'Invoke', st.code, performance.now() - started, span, invokeFields(call.request));
            callback(st);
          },
        )
        .finally(() => {
          span.end();
          s.done();
        });
    },
    InvokeStream(call) {
      const started = performance.now();
      let last: InvokeOutcome | undefined;
      const s = callSignal(call);
      const parent = contextFromMetadata(call.metadata);
      const span = tracer().startSpan('switchyard.InvokeStream', { kind: 1 }, parent);
      context
        .with(trace.setSpan(parent, span), async () => {
          if (!call.request.request) throw new InvalidArgumentError('request', 'is required');
          const input = invokeInputFromProto(call.request.request);
          for await (const ev of executor.invokeStream({ ...input, ...(s.deadline ? { deadline: s.deadline } : {}) }, s.signal)) {
            if (call.cancelled) return;
            if (ev.type === 'start') call.write({ deployment: ev.deployment });
            else if (ev.type === 'text-delta') call.write({ textDelta: ev.text });
            else if (ev.type === 'tool-call') call.write({ toolCall: toolCallToProto(ev.toolCall) });
            else if (ev.type === 'done') {
              last = ev.outcome;
              call.write({ done: invokeResponse(ev.outcome) });
            } else {
              const o = ev.outcome;
              last = o;
              call.write({ error: { error: errorToProto(o.error), partial: ev.partial, attempts: o.attempts.map(attemptToProto), usage: usageToProto(o.usage), costUsd: o.costUsd } });
            }
          }
          logRpc(log, 'InvokeStream', call.cancelled ? 1 : 0, performance.now() - started, span, invokeFields(call.request.request, last));
          call.end();
        })
        .catch((e) => {
          const st = toStatus(e, logError);
          logRpc(log, 'InvokeStream', call.cancelled ? 1 : st.code, performance.now() - started, span, invokeFields(call.request.request, last));
          if (!call.cancelled) call.emit('error', st);
        })
        .finally(() => {
          span.end();
          s.done();
        });
    },
  };
}
