/**
 * The RouterService's Execute and ExecuteStream handlers. The client's deadline bounds the
 * whole call and a cancelled call aborts the provider request in flight: both reach the
 * executors through one AbortSignal.
 */
import { SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';
import type * as grpc from '@grpc/grpc-js';
import type { ExecuteRequest__Output } from '../generated/switchyard/v1/ExecuteRequest.js';
import type { ExecuteResponse } from '../generated/switchyard/v1/ExecuteResponse.js';
import type { ExecuteStreamRequest__Output } from '../generated/switchyard/v1/ExecuteStreamRequest.js';
import type { ExecuteStreamResponse } from '../generated/switchyard/v1/ExecuteStreamResponse.js';
import type { RouterServiceHandlers } from '../generated/switchyard/v1/RouterService.js';
import { attemptToProto, finishToProto, toolCallToProto, usageToProto } from '../shared/grpc/convert.js';
import { toStatus } from '../shared/grpc/status.js';
import { callSignal } from '../shared/grpc/call-signal.js';
import { InvalidArgumentError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { contextFromMetadata, tracer } from '../shared/telemetry.js';
import type { ExecuteEngine } from './execute/execute-engine.js';
import type { ExecuteResult } from './execute/execute-types.js';

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
  };
}


function endSpan(span: Span, result?: ExecuteResult, err?: unknown): void {
  if (result) {
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
  if (err) span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
  span.end();
}

export function executeHandlers(engine: ExecuteEngine, log: Logger): Pick<RouterServiceHandlers, 'Execute' | 'ExecuteStream'> {
  const logError = (msg: string, e: unknown) => log.error(msg, { error: e });
  return {
    Execute(call: grpc.ServerUnaryCall<ExecuteRequest__Output, ExecuteResponse>, callback: grpc.sendUnaryData<ExecuteResponse>) {
      const span = tracer().startSpan('switchyard.Execute', { kind: 1 }, contextFromMetadata(call.metadata));
      const s = callSignal(call);
      context
        .with(trace.setSpan(context.active(), span), () => engine.execute(call.request, s.signal, s.deadline))
        .then(
          (r) => {
            endSpan(span, r);
            callback(null, executeResponse(r));
          },
          (e) => {
            endSpan(span, undefined, e);
            callback(toStatus(e, logError));
          },
        )
        .finally(s.done);
    },
    ExecuteStream(call: grpc.ServerWritableStream<ExecuteStreamRequest__Output, ExecuteStreamResponse>) {
      const span = tracer().startSpan('switchyard.ExecuteStream', { kind: 1 }, contextFromMetadata(call.metadata));
      const s = callSignal(call);
      const run = async () => {
        if (!call.request.request) throw new InvalidArgumentError('request', 'is required');
        let result: ExecuteResult | undefined;
        for await (const ev of engine.executeStream(call.request.request, s.signal, s.deadline)) {
          if (call.cancelled) {
            endSpan(span, undefined, new Error('the client cancelled the call'));
            return;
          }
          if (ev.type === 'decision') call.write({ decision: ev.decision.response });
          else if (ev.type === 'text-delta') call.write({ textDelta: ev.text });
          else if (ev.type === 'tool-call') call.write({ toolCall: toolCallToProto(ev.toolCall) });
          else if (ev.type === 'done') {
            result = ev.result;
            call.write({ done: executeResponse(ev.result) });
          }
        }
        endSpan(span, result);
        call.end();
      };
      context
        .with(trace.setSpan(context.active(), span), run)
        .catch((e) => {
          endSpan(span, undefined, e);
          if (!call.cancelled) call.emit('error', toStatus(e, logError));
        })
        .finally(s.done);
    },
  };
}
