/**
 * An ExecutorClient that reaches executors over gRPC (ExecutorService). With several
 * executors it sends each call to the one with the fewest calls in flight, and when an
 * executor cannot be reached it tries the next one. The trace context, the deadline and
 * cancellation travel with each call.
 */
import * as grpc from '@grpc/grpc-js';
import type { ExecutorServiceClient } from '../generated/switchyard/v1/ExecutorService.js';
import type { InvokeRequest } from '../generated/switchyard/v1/InvokeRequest.js';
import type { InvokeResponse__Output } from '../generated/switchyard/v1/InvokeResponse.js';
import type { InvokeStreamResponse__Output } from '../generated/switchyard/v1/InvokeStreamResponse.js';
import type { ProtoGrpcType } from '../generated/executor_service.js';
import type { AttemptInfo, ExecutorClient, InvokeEvent, InvokeFailure, InvokeInput, InvokeOutcome } from '../shared/contracts/invoke.js';
import { attemptFromProto, finishFromProto, messagesToProto, responseFormatToProto, toolCallFromProto, toolsToProto, usageFromProto } from '../shared/grpc/convert.js';
import { switchyardProto } from '../shared/grpc/proto.js';
import type { ChannelSecurity } from '../shared/tls/tls-files.js';
import { metadataWithContext } from '../shared/telemetry.js';
import { CancelledError, DeadlineExceededError, FailedPreconditionError, InvalidArgumentError, UnavailableError } from '../shared/errors.js';
import { EXECUTOR_BUSY_KIND } from '../shared/contracts/failure.js';

interface Endpoint {
  address: string;
  client: ExecutorServiceClient;
  inFlight: number;
}

export function invokeRequestToProto(input: InvokeInput): InvokeRequest {
  const r = input.request;
  return {
    model: input.model,
    messages: messagesToProto(r.messages),
    tools: toolsToProto(r.tools),
    responseFormat: responseFormatToProto(r.responseFormat),
    maxOutputTokens: r.maxOutputTokens ?? 0,
    ...(r.temperature !== undefined ? { temperature: r.temperature } : {}),
    allowedRegions: [...input.allowedRegions],
    decisionId: input.decisionId,
    step: input.step,
    ttftTimeoutMs: input.ttftTimeoutMs ?? 0,
  };
}

function outcomeFromProto(r: InvokeResponse__Output): InvokeOutcome {
  const common = { model: r.model, usage: usageFromProto(r.usage), costUsd: r.costUsd, attempts: r.attempts.map(attemptFromProto) };
  if (r.error) {
    const e = r.error;
    return { ok: false, ...common, error: { kind: e.kind, message: e.message, retryable: e.retryable, ...(e.retryAfterMs ? { retryAfterMs: e.retryAfterMs } : {}), ...(e.httpStatus ? { httpStatus: e.httpStatus } : {}) } };
  }
  return {
    ok: true,
    ...common,
    deployment: r.deployment,
    result: {
      message: { role: 'assistant', text: r.message?.text ?? '', toolCalls: (r.message?.toolCalls ?? []).map(toolCallFromProto) },
      finishReason: finishFromProto(r.finishReason),
      usage: usageFromProto(r.usage),
      responseModel: r.responseModel,
      ...(r.systemFingerprint ? { systemFingerprint: r.systemFingerprint } : {}),
    },
  };
}

/** gRPC errors from an executor, as the router's errors. */
function fromStatus(e: grpc.ServiceError): Error {
  switch (e.code) {
    case grpc.status.INVALID_ARGUMENT:
      return new InvalidArgumentError('executor', e.details);
    case grpc.status.FAILED_PRECONDITION:
      return new FailedPreconditionError(e.details);
    case grpc.status.CANCELLED:
      return new CancelledError(e.details);
    case grpc.status.DEADLINE_EXCEEDED:
      return new DeadlineExceededError(`executor: ${e.details}`);
    default:
      return new UnavailableError(`executor: ${grpc.status[e.code]}: ${e.details}`);
  }
}

/** The error of a call the router ended itself: the deadline passed, or its caller cancelled. */
function abortError(signal: AbortSignal, e: grpc.ServiceError): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') return new DeadlineExceededError(`the call deadline passed while executor ${e.details ? `said: ${e.details}` : 'worked'}`);
  return new CancelledError('the call was cancelled');
}

/**
 * Status codes that say the executor, not the request, is the problem: try another one.
 * RESOURCE_EXHAUSTED is an executor at its bound on calls in flight (executor.max_in_flight):
 * it answered, so it is busy, not broken; no provider was called.
 */
const TRY_ANOTHER = new Set([grpc.status.UNAVAILABLE, grpc.status.UNKNOWN, grpc.status.INTERNAL, grpc.status.RESOURCE_EXHAUSTED]);

export class RemoteExecutor implements ExecutorClient {
  private readonly endpoints: Endpoint[];

  /** `security`: TLS (and a client certificate for mTLS) when executors require it; default plaintext. */
  constructor(addresses: readonly string[], security?: ChannelSecurity) {
    if (addresses.length === 0) throw new Error('a remote executor needs at least one address');
    const Service = (switchyardProto().grpcObject as unknown as ProtoGrpcType).switchyard.v1.ExecutorService;
    const creds = security?.credentials ?? grpc.credentials.createInsecure();
    // Channelz (grpc-js's per-call tracking for its admin service, which nothing here serves) is
    // off: it only adds bookkeeping to every call.
    const options = { 'grpc.enable_channelz': 0, ...security?.options };
    this.endpoints = addresses.map((address) => ({ address, client: new Service(address, creds, options), inFlight: 0 }));
  }

  /** Endpoints, fewest calls in flight first. */
  private ordered(): Endpoint[] {
    return [...this.endpoints].sort((a, b) => a.inFlight - b.inFlight);
  }

  private options(input: InvokeInput): grpc.CallOptions {
    return input.deadline ? { deadline: input.deadline } : {};
  }

  async invoke(input: InvokeInput, signal: AbortSignal): Promise<InvokeOutcome> {
    const req = invokeRequestToProto(input);
    const skipped: AttemptInfo[] = [];
    let lastErr: grpc.ServiceError | undefined;
    for (const ep of this.ordered()) {
      ep.inFlight++;
      try {
        const res = await new Promise<InvokeResponse__Output>((resolve, reject) => {
          const call = ep.client.invoke(req, metadataWithContext(), this.options(input), (err, r) => (err ? reject(err) : resolve(r!)));
          const onAbort = () => call.cancel();
          signal.addEventListener('abort', onAbort, { once: true });
          call.on('status', () => signal.removeEventListener('abort', onAbort));
        });
        const outcome = outcomeFromProto(res);
        outcome.attempts.unshift(...skipped);
        return outcome;
      } catch (e) {
        const err = e as grpc.ServiceError;
        if (signal.aborted) throw abortError(signal, err);
        if (!TRY_ANOTHER.has(err.code)) throw fromStatus(err);
        lastErr = err;
        skipped.push(this.unreachable(input, ep, err));
      } finally {
        ep.inFlight--;
      }
    }
    return this.failure(input, skipped, lastErr);
  }

  private unreachable(input: InvokeInput, ep: Endpoint, err: grpc.ServiceError): AttemptInfo {
    return {
      model: input.model,
      deployment: `executor ${ep.address}`,
      step: input.step,
      outcome: 'retryable_error',
      error: err.code === grpc.status.RESOURCE_EXHAUSTED ? `executor busy: ${err.details}` : `executor unreachable: ${err.details}`,
      latencyMs: 0,
      usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0 },
      costUsd: 0,
      check: '',
    };
  }

  private failure(input: InvokeInput, attempts: AttemptInfo[], err: grpc.ServiceError | undefined): InvokeFailure {
    return {
      ok: false,
      model: input.model,
      attempts,
      usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0 },
      costUsd: 0,
      error:
        err?.code === grpc.status.RESOURCE_EXHAUSTED
          ? { kind: EXECUTOR_BUSY_KIND, message: `every executor tried is busy: ${err.details}`, retryable: true }
          : { kind: 'unavailable', message: `no executor could be reached: ${err?.details ?? 'none configured'}`, retryable: true },
    };
  }

  async *invokeStream(input: InvokeInput, signal: AbortSignal): AsyncGenerator<InvokeEvent> {
    const req = { request: invokeRequestToProto(input) };
    const skipped: AttemptInfo[] = [];
    let lastErr: grpc.ServiceError | undefined;
    for (const ep of this.ordered()) {
      ep.inFlight++;
      const call = ep.client.invokeStream(req, metadataWithContext(), this.options(input));
      const onAbort = () => call.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
      let started = false;
      let settled = false;
      try {
        for await (const msg of call as AsyncIterable<InvokeStreamResponse__Output>) {
          if (msg.event === 'textDelta' || msg.event === 'toolCall') started = true;
          if (msg.event === 'deployment') yield { type: 'start', deployment: msg.deployment! };
          else if (msg.event === 'textDelta') yield { type: 'text-delta', text: msg.textDelta! };
          else if (msg.event === 'toolCall') yield { type: 'tool-call', toolCall: toolCallFromProto(msg.toolCall!) };
          else if (msg.event === 'done') {
            settled = true;
            const o = outcomeFromProto(msg.done!);
            if (o.ok) {
              o.attempts.unshift(...skipped);
              yield { type: 'done', outcome: o };
            }
          } else if (msg.event === 'error') {
            settled = true;
            const x = msg.error!;
            const e = x.error!;
            yield {
              type: 'error',
              partial: x.partial,
              outcome: {
                ok: false,
                model: input.model,
                attempts: [...skipped, ...x.attempts.map(attemptFromProto)],
                usage: usageFromProto(x.usage),
                costUsd: x.costUsd,
                error: { kind: e.kind, message: e.message, retryable: e.retryable, ...(e.retryAfterMs ? { retryAfterMs: e.retryAfterMs } : {}), ...(e.httpStatus ? { httpStatus: e.httpStatus } : {}) },
              },
            };
          }
        }
        settled = true;
        return;
      } catch (e) {
        settled = true;
        const err = e as grpc.ServiceError;
        if (started || !TRY_ANOTHER.has(err.code) || signal.aborted) {
          if (started) {
            yield { type: 'error', partial: true, outcome: { ...this.failure(input, [...skipped, this.unreachable(input, ep, err)], err), error: { kind: 'stream_interrupted', message: `executor ${ep.address} failed mid-stream: ${err.details}`, retryable: true } } };
            return;
          }
          throw signal.aborted ? abortError(signal, err) : fromStatus(err);
        }
        lastErr = err;
        skipped.push(this.unreachable(input, ep, err));
      } finally {
        // A consumer that stops reading ends the executor's call too; the status that cancelling
        // brings has no reader left, so it is caught here rather than left unhandled.
        if (!settled) {
          call.on('error', () => undefined);
          call.cancel();
        }
        ep.inFlight--;
        signal.removeEventListener('abort', onAbort);
      }
    }
    yield { type: 'error', partial: false, outcome: this.failure(input, skipped, lastErr) };
  }

  close(): void {
    for (const ep of this.endpoints) ep.client.close();
  }
}
