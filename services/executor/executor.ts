/**
 * The executor: calls one model for a router. It picks among the model's deployments
 * (healthy, with rate-limit room, in an allowed region; fewest in flight first), retries a
 * deployment with jittered backoff where retrying can help, moves to the next deployment when
 * one fails, and reports every call with its latency, usage and cost. It never fails over to
 * another model: that is the router's decision, made from the error it reports.
 */
import type { Catalog } from '../shared/catalog.js';
import type { Config } from '../shared/config/schema.js';
import { FailedPreconditionError, InvalidArgumentError, shown } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import type { AttemptInfo, ExecutorClient, InvokeEvent, InvokeFailure, InvokeInput, InvokeOutcome, InvokeSuccess } from '../shared/contracts/invoke.js';
import { buildModelRuntimes, type DeploymentRuntime, type ModelRuntime } from './model-runtime.js';
import { ProviderError } from './providers/errors.js';
import type { ChatRequest, ChatResult, ToolCall } from '../shared/contracts/provider.js';
import { nextBackoff, type BackoffPolicy } from './resilience/backoff.js';
import { systemClock, type Clock } from './resilience/clock.js';
import { attemptCostUsd } from './resilience/cost.js';
import { ZERO_USAGE, totals } from '../shared/contracts/usage.js';
import { orderDeployments } from './resilience/deployment-balancer.js';
import { endAttemptSpan, startAttemptSpan, tracedAttempt } from './attempt-span.js';
import { withSpan } from '../shared/telemetry.js';
import { estimateInvokeTokens, partialUsage } from '../shared/contracts/estimate-tokens.js';
import { ProviderCallHookSet, type ProviderCallHooks } from './provider-call-hooks.js';

export interface ExecutorOptions {
  config: Config;
  catalog: Catalog;
  env: NodeJS.ProcessEnv;
  log: Logger;
  simulatorUrl?: string;
  clock?: Clock;
  random?: () => number;
}

/** Errors that say something about one deployment, not about the request: try the next one. */
const DEPLOYMENT_KINDS = new Set(['auth', 'permission', 'not_found', 'malformed_response']);

/**
 * Any error as a ProviderError. An error an adapter did not raise as one happened here, before
 * or after the provider call, so it is no upstream fault: a RangeError (a stack or size limit
 * the request ran into, e.g. a schema nested too deep to encode) is the request's, anything
 * else is internal. Neither is retried or counted by a breaker.
 */
function toProviderError(e: unknown): ProviderError {
  if (e instanceof ProviderError) return e;
  const message = (e as Error)?.message ?? String(e);
  if (e instanceof RangeError) return new ProviderError({ kind: 'invalid_request', message: `the request cannot be processed: ${message}`, retryable: false, cause: e });
  return new ProviderError({ kind: 'internal', message: 'unexpected failure inside the executor', retryable: false, cause: e });
}

function failureInfo(e: ProviderError) {
  return {
    kind: e.kind,
    message: e.message,
    retryable: e.retryable,
    ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
    ...(e.status !== undefined ? { httpStatus: e.status } : {}),
  };
}

export class Executor implements ExecutorClient {
  readonly runtimes: readonly ModelRuntime[];
  private readonly byId: Map<string, ModelRuntime>;
  private readonly clock: Clock;
  private readonly backoff: BackoffPolicy;
  private readonly listeners = new Set<(model: ModelRuntime) => void>();
  private readonly callHooks = new ProviderCallHookSet();

  constructor(private readonly o: ExecutorOptions) {
    this.clock = o.clock ?? systemClock;
    this.runtimes = buildModelRuntimes({ config: o.config, catalog: o.catalog, env: o.env, ...(o.simulatorUrl ? { simulatorUrl: o.simulatorUrl } : {}), clock: this.clock });
    this.byId = new Map(this.runtimes.map((r) => [r.model.id, r]));
    const x = o.config.executor;
    this.backoff = { baseMs: x.retry_base_ms, capMs: x.retry_cap_ms, maxAttempts: x.retry_attempts, jitter: 'full' };
    for (const rt of this.runtimes) for (const d of rt.deployments) d.breaker.onStateChange(() => this.changed(rt));
  }

  /** Called when a model's health changes (a breaker opened or closed, a cool-down began). */
  onChange(listener: (model: ModelRuntime) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Registers hooks told of every provider call this executor makes; returns the unregistration. */
  observeCalls(hooks: ProviderCallHooks): () => void {
    return this.callHooks.add(hooks);
  }

  private changed(rt: ModelRuntime): void {
    for (const l of this.listeners) l(rt);
  }

  /** The runtime of a model, after checking it can be called at all. */
  private runtime(id: string): ModelRuntime {
    const rt = this.byId.get(id);
    if (!rt) throw new InvalidArgumentError('model', `unknown model ${shown(id)}`);
    if (!rt.deployments.some((d) => d.hasCredentials)) {
      throw new FailedPreconditionError(`model ${id} has no credentials: set ${rt.model.missingCredentials.join(' or ')} in the executor's environment`);
    }
    return rt;
  }

  private attempt(rt: ModelRuntime, input: InvokeInput, deployment: string, fields: Partial<AttemptInfo>): AttemptInfo {
    return { model: rt.model.id, deployment, step: input.step, outcome: 'success', error: '', latencyMs: 0, usage: { ...ZERO_USAGE }, costUsd: 0, check: '', ...fields };
  }

  private failure(rt: ModelRuntime, attempts: AttemptInfo[], error: InvokeFailure['error']): InvokeFailure {
    return { ok: false, model: rt.model.id, error, attempts, ...totals(attempts) };
  }

  /** The failure of a call the model's own RPM/TPM budget refuses: the router sends it elsewhere. */
  private overBudget(rt: ModelRuntime, input: InvokeInput, refusal: { reason: string; retryInMs: number }): InvokeFailure {
    const attempts = [this.attempt(rt, input, '', { outcome: 'skipped', error: `model budget: ${refusal.reason}` })];
    return this.failure(rt, attempts, { kind: 'rate_limit', message: `${rt.model.id} is over its configured ${refusal.reason} budget`, retryable: true, retryAfterMs: Math.min(refusal.retryInMs, 3_600_000) });
  }

  /** Deployments to try, in order; the rest recorded as skipped. */
  private plan(rt: ModelRuntime, input: InvokeInput, est: number, attempts: AttemptInfo[]): DeploymentRuntime[] {
    const { order, excluded } = orderDeployments(
      rt.deployments.filter((d) => d.hasCredentials).map((d) => ({ deployment: d, breaker: d.breaker, limiter: d.limiter })),
      { estimatedTokens: est, ...(input.allowedRegions.length ? { allowedRegions: input.allowedRegions } : {}), ...(this.o.random ? { random: this.o.random } : {}) },
    );
    for (const x of excluded) {
      const why = x.reason === 'rate_limited' ? `rate limited (${x.detail}; room in ${Math.ceil((x.retryInMs ?? 0) / 1000)} s)` : x.reason.replace(/_/g, ' ');
      attempts.push(this.attempt(rt, input, x.deployment.id, { outcome: 'skipped', error: why }));
    }
    return order;
  }

  private remaining(input: InvokeInput): number | undefined {
    return input.deadline === undefined ? undefined : input.deadline - this.clock.now();
  }

  private request(_rt: ModelRuntime, d: DeploymentRuntime, input: InvokeInput): ChatRequest {
    return { ...input.request, model: d.modelName };
  }

  async invoke(input: InvokeInput, signal: AbortSignal): Promise<InvokeOutcome> {
    const rt = this.runtime(input.model);
    const attempts: AttemptInfo[] = [];
    const est = estimateInvokeTokens(input.request);
    const budget = rt.budget.tryAcquire(est);
    if (!budget.ok) return this.overBudget(rt, input, budget);
    let last: ProviderError | undefined;
    try {
      for (const d of this.plan(rt, input, est, attempts)) {
        const admission = d.limiter.tryAcquire(est);
        if (!admission.ok) {
          attempts.push(this.attempt(rt, input, d.id, { outcome: 'skipped', error: `rate limited (${admission.reason})` }));
          continue;
        }
        for (let n = 1; ; n++) {
          if (!d.breaker.canPass()) {
            attempts.push(this.attempt(rt, input, d.id, { outcome: 'skipped', error: 'circuit open' }));
            break;
          }
          const started = this.clock.now();
          try {
            const result = await this.callOnce(rt, d, input, signal);
            const latency = this.clock.now() - started;
            d.breaker.onSuccess();
            if (result.rateLimit) d.limiter.observe(result.rateLimit);
            rt.latencyMs.add(latency);
            const costUsd = attemptCostUsd(result.usage, rt.price);
            attempts.push(this.attempt(rt, input, d.id, { latencyMs: latency, usage: result.usage, costUsd }));
            admission.release(result.usage.inputTokens + result.usage.outputTokens);
            budget.release(result.usage.inputTokens + result.usage.outputTokens);
            const t = totals(attempts);
            return { ok: true, model: rt.model.id, deployment: d.id, result, attempts, usage: t.usage, costUsd: t.costUsd } satisfies InvokeSuccess;
          } catch (err) {
            const e = toProviderError(err);
            last = e;
            d.breaker.onFailure(e);
            if (e.rateLimit) d.limiter.observe(e.retryAfterMs === undefined ? e.rateLimit : { ...e.rateLimit, retryAfterMs: e.retryAfterMs });
            attempts.push(this.attempt(rt, input, d.id, { outcome: e.retryable ? 'retryable_error' : 'fatal_error', error: e.message, latencyMs: this.clock.now() - started }));
            if (e.kind === 'aborted' || signal.aborted) {
              admission.release(0);
              return this.failure(rt, attempts, failureInfo(e));
            }
            if (e.kind === 'rate_limit') {
              d.limiter.coolDown(e.retryAfterMs);
              this.changed(rt);
              break; // another deployment, or the router's next model
            }
            if (!e.retryable) {
              admission.release(0);
              if (DEPLOYMENT_KINDS.has(e.kind)) break;
              return this.failure(rt, attempts, failureInfo(e));
            }
            const remainingMs = this.remaining(input);
            const next = nextBackoff(this.backoff, { attempt: n, ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}), ...(remainingMs !== undefined ? { remainingMs } : {}) }, this.o.random);
            if (!next.retry) break;
            await this.clock.sleep(next.delayMs, signal).catch(() => undefined);
            if (signal.aborted) return this.failure(rt, attempts, { kind: 'aborted', message: 'the call was cancelled', retryable: false });
          }
        }
        admission.release(0);
      }
    } finally {
      budget.release();
    }
    if (last) return this.failure(rt, attempts, failureInfo(last));
    return this.failure(rt, attempts, { kind: 'unavailable', message: `no deployment of ${rt.model.id} can take the call now: ${attempts.map((a) => `${a.deployment || rt.model.id}: ${a.error}`).join('; ')}`, retryable: true });
  }

  private async callOnce(rt: ModelRuntime, d: DeploymentRuntime, input: InvokeInput, signal: AbortSignal): Promise<ChatResult> {
    // A controller and a timer held here, rather than AbortSignal.any with AbortSignal.timeout:
    // on Node 20 an unreferenced timeout signal can be collected before it fires, which would
    // leave a hung upstream hanging.
    const ctrl = new AbortController();
    const onAbort = () => ctrl.abort(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => ctrl.abort(new DOMException('the attempt timed out', 'TimeoutError')), this.o.config.executor.attempt_timeout_ms);
    try {
      const request = this.request(rt, d, input);
      const call = this.callHooks.started(rt, request, false);
      try {
        const result = await tracedAttempt({ rt, d, input, request }, () => d.adapter.generate(d.endpoint, request, ctrl.signal));
        call.answered(result.usage, result.rateLimit);
        return result;
      } catch (e) {
        call.failed(e);
        throw e;
      }
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  async *invokeStream(input: InvokeInput, signal: AbortSignal): AsyncGenerator<InvokeEvent> {
    const rt = this.runtime(input.model);
    const attempts: AttemptInfo[] = [];
    const est = estimateInvokeTokens(input.request);
    const budget = rt.budget.tryAcquire(est);
    if (!budget.ok) {
      yield { type: 'error', partial: false, outcome: this.overBudget(rt, input, budget) };
      return;
    }
    let last: ProviderError | undefined;
    try {
      for (const d of this.plan(rt, input, est, attempts)) {
        // Before its first token a failed stream is retried on the deployment as a call is.
        for (let n = 1; ; n++) {
          const admission = d.limiter.tryAcquire(est);
          if (!admission.ok || !d.breaker.canPass()) {
            if (admission.ok) admission.release(0);
            attempts.push(this.attempt(rt, input, d.id, { outcome: 'skipped', error: admission.ok ? 'circuit open' : `rate limited (${admission.reason})` }));
            break;
          }
          let retryAfterMs: number | undefined;
          let again = false;
          const started = this.clock.now();
          const ttftMs = input.ttftTimeoutMs || this.o.config.executor.ttft_timeout_ms;
          const ctrl = new AbortController();
          const onAbort = () => ctrl.abort(signal.reason);
          signal.addEventListener('abort', onAbort, { once: true });
          const ttft = setTimeout(() => ctrl.abort(new DOMException(`no first token within ${ttftMs} ms`, 'TimeoutError')), ttftMs);
          const overall = setTimeout(() => ctrl.abort(new DOMException('attempt timed out', 'TimeoutError')), this.o.config.executor.attempt_timeout_ms);
          let partial = false;
          let text = '';
          const toolCalls: ToolCall[] = [];
          const request = this.request(rt, d, input);
          const span = startAttemptSpan({ rt, d, input, request }, true);
          const call = this.callHooks.started(rt, request, true);
          try {
            const stream = await withSpan(span, () => d.adapter.stream(d.endpoint, request, ctrl.signal));
            if (stream.rateLimit) d.limiter.observe(stream.rateLimit);
            yield { type: 'start', deployment: d.id };
            for await (const ev of stream.events) {
              if (!partial) {
                clearTimeout(ttft);
                rt.ttftMs.add(this.clock.now() - started);
                call.firstToken();
              }
              if (ev.type === 'text-delta') {
                partial = true;
                text += ev.text;
                yield ev;
              } else if (ev.type === 'tool-call') {
                partial = true;
                toolCalls.push(ev.toolCall);
                yield ev;
              } else {
                const latency = this.clock.now() - started;
                d.breaker.onSuccess();
                rt.latencyMs.add(latency);
                const costUsd = attemptCostUsd(ev.usage, rt.price);
                attempts.push(this.attempt(rt, input, d.id, { latencyMs: latency, usage: ev.usage, costUsd }));
                admission.release(ev.usage.inputTokens + ev.usage.outputTokens);
                budget.release(ev.usage.inputTokens + ev.usage.outputTokens);
                const result: ChatResult = {
                  message: { role: 'assistant', text, toolCalls },
                  finishReason: ev.finishReason,
                  usage: ev.usage,
                  responseModel: ev.responseModel,
                  ...(ev.responseId ? { responseId: ev.responseId } : {}),
                  ...(ev.systemFingerprint ? { systemFingerprint: ev.systemFingerprint } : {}),
                  ...(stream.rateLimit ? { rateLimit: stream.rateLimit } : {}),
                };
                endAttemptSpan(span, result);
                call.answered(ev.usage, stream.rateLimit);
                const t = totals(attempts);
                yield { type: 'done', outcome: { ok: true, model: rt.model.id, deployment: d.id, result, attempts, usage: t.usage, costUsd: t.costUsd } };
                return;
              }
            }
            throw new ProviderError({ kind: 'stream_interrupted', message: 'the stream ended without a finish event' });
          } catch (err) {
            const e = toProviderError(err);
            endAttemptSpan(span, { error: e });
            call.failed(e);
            last = e;
            d.breaker.onFailure(e);
            if (e.rateLimit) d.limiter.observe(e.retryAfterMs === undefined ? e.rateLimit : { ...e.rateLimit, retryAfterMs: e.retryAfterMs });
            if (e.kind === 'rate_limit') {
              d.limiter.coolDown(e.retryAfterMs);
              this.changed(rt);
            }
            admission.release(0);
            const message = partial ? `${e.message} (the answer was cut off: the output sent so far is partial)` : e.message;
            // Output already streamed was generated, and providers bill it: the attempt is charged
            // an estimate (input as sent, output as received) so budgets and records count it.
            const billed = partial ? partialUsage(input.request, text, toolCalls) : undefined;
            attempts.push(
              this.attempt(rt, input, d.id, {
                outcome: e.retryable ? 'retryable_error' : 'fatal_error',
                error: billed ? `${message}; billed as estimated` : message,
                latencyMs: this.clock.now() - started,
                ...(billed ? { usage: billed, costUsd: attemptCostUsd(billed, rt.price) } : {}),
              }),
            );
            // After the first token a stream cannot move elsewhere; a client error goes back as is.
            if (partial || signal.aborted || (!e.retryable && !DEPLOYMENT_KINDS.has(e.kind))) {
              yield { type: 'error', partial, outcome: this.failure(rt, attempts, { ...failureInfo(e), message }) };
              return;
            }
            // A stream that ran out of time moves on (ttft_timeout_ms); a 429 cools the deployment down.
            again = e.retryable && e.kind !== 'rate_limit' && e.kind !== 'timeout';
            retryAfterMs = e.retryAfterMs;
          } finally {
            // A consumer that stops reading ends the call too (each a no-op after answered or
            // failed): the deployment's slot is given back, with the output sent as its tokens.
            call.failed(new DOMException('the stream was abandoned', 'AbortError'));
            if (partial) {
              const u = partialUsage(input.request, text, toolCalls);
              admission.release(u.inputTokens + u.outputTokens);
            } else admission.release(0);
            clearTimeout(ttft);
            clearTimeout(overall);
            ctrl.abort();
            signal.removeEventListener('abort', onAbort);
          }
          if (!again) break;
          const remainingMs = this.remaining(input);
          const next = nextBackoff(this.backoff, { attempt: n, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), ...(remainingMs !== undefined ? { remainingMs } : {}) }, this.o.random);
          if (!next.retry) break;
          await this.clock.sleep(next.delayMs, signal).catch(() => undefined);
          if (signal.aborted) {
            yield { type: 'error', partial: false, outcome: this.failure(rt, attempts, { kind: 'aborted', message: 'the call was cancelled', retryable: false }) };
            return;
          }
        }
      }
    } finally {
      budget.release();
    }
    const error = last
      ? failureInfo(last)
      : { kind: 'unavailable', message: `no deployment of ${rt.model.id} can take the call now: ${attempts.map((a) => `${a.deployment}: ${a.error}`).join('; ')}`, retryable: true };
    yield { type: 'error', partial: false, outcome: this.failure(rt, attempts, error) };
  }
}

