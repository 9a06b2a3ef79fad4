/**
 * Execute: decide, then run the decision's plan through an executor (in process or remote).
 * The strategy comes from the plan: single model with fallbacks, cascade, or speculative.
 * ExecuteStream streams the single strategy token by token and fails over only before the
 * first token; cascade and speculative must see whole answers before choosing one, so they
 * stream the chosen answer once it is known.
 */
import type { Catalog } from '../../shared/catalog.js';
import type { Config } from '../../shared/config/schema.js';
import type { ExecutorClient, InvokeErrorInfo, AttemptInfo } from '../../shared/contracts/invoke.js';
import type { ToolCall } from '../../shared/contracts/provider.js';
import { totals } from '../../shared/contracts/usage.js';
import type { Decider, Decision } from '../decide/decide.js';
import type { RouteRequestFields } from '../decide/validate-request.js';
import type { Tenancy } from '../tenancy/tenancy.js';
import type { Tenant } from '../tenancy/tenant.js';
import { buildChecks, type Check } from './checks/check.js';
import { ExecuteFailedError, invokeInput, provenance, type ExecuteResult, type StrategyContext } from './execute-types.js';
import { runCascade } from './run-cascade.js';
import { fallbackChain, runSingle } from './run-single.js';
import { runSpeculative } from './run-speculative.js';
import { boundExecutor } from './request-bounds.js';
import { StreamProgress, withUnbilled } from './stream-progress.js';

export type ExecuteEvent =
  | { type: 'decision'; decision: Decision }
  /** A model's answer began streaming: the text that follows is its own, unless it fails before its first token and another model starts. */
  | { type: 'start'; model: string }
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; toolCall: ToolCall }
  | { type: 'done'; result: ExecuteResult };

/** How an Execute ended, for the decision log; called once per call that got a decision. */
export type ExecuteRecorder = (done: { source: 'execute' | 'execute_stream'; decision: Decision; result?: ExecuteResult; error?: unknown; latencyMs: number; ttftMs?: number }) => void;

/**
 * When an Execute's record is made. Without one, the engine records the call before `execute`
 * settles. A transport that can answer first passes one that keeps the task and runs it once
 * the answer has gone (the gRPC handler: after the response is written), so that encoding the
 * record and telling its listeners add nothing to the caller's wait.
 */
export type AfterAnswer = (task: () => void) => void;

export interface ExecuteEngineOptions {
  decider: Decider;
  executor: ExecutorClient;
  config: Config;
  catalog: Catalog;
  record?: ExecuteRecorder;
  /** Counts each tenant's requests and meters every call against its budgets. */
  tenancy?: Tenancy;
}

export class ExecuteEngine {
  private readonly checks = new Map<string, Check[]>();

  constructor(private readonly o: ExecuteEngineOptions) {
    for (const [name, policy] of Object.entries(o.config.policies)) this.checks.set(name, buildChecks(policy.checks));
  }

  /**
   * The strategy context. Its signal aborts when the caller's does and at the deadline (the
   * caller's, capped by total_timeout_ms), so the deadline ends the work in flight and not
   * only the waits between retries. `release` stops the timer once the call is over.
   *
   * A caller that hands over its AbortController (one made for this call alone) has it aborted
   * at the deadline, and its signal is the context's: no second controller, linked by a
   * listener, per call.
   */
  private context(decision: Decision, caller: AbortSignal | AbortController, deadline: number | undefined, tenant: Tenant | undefined): { ctx: StrategyContext; release(): void } {
    const cap = Date.now() + this.o.config.executor.total_timeout_ms;
    const end = Math.min(deadline ?? cap, cap);
    let ctrl: AbortController;
    let unlink: (() => void) | undefined;
    if (caller instanceof AbortController) ctrl = caller;
    else {
      const signal = caller;
      const linked = new AbortController();
      const onAbort = () => linked.abort(signal.reason);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      ctrl = linked;
      unlink = () => signal.removeEventListener('abort', onAbort);
    }
    const timer = setTimeout(() => ctrl.abort(new DOMException('the call deadline passed', 'TimeoutError')), Math.max(0, end - Date.now()));
    return {
      ctx: { decision, executor: boundExecutor(this.o.tenancy?.executorFor(tenant, this.o.executor) ?? this.o.executor, decision, this.o.catalog), config: this.o.config, catalog: this.o.catalog, signal: ctrl.signal, deadline: end },
      release: () => {
        clearTimeout(timer);
        unlink?.();
      },
    };
  }

  private run(ctx: StrategyContext): Promise<ExecuteResult> {
    switch (ctx.decision.plan.strategy) {
      case 'cascade':
        return runCascade(ctx, this.checks.get(ctx.decision.response.policy!) ?? []);
      case 'speculative':
        return runSpeculative(ctx);
      default:
        return runSingle(ctx);
    }
  }

  /**
   * `raw` is already within the tenant's rights (Tenancy.authorize); the tenant's calls are
   * metered. `signal`: the caller's, or the caller's AbortController for this call alone (see
   * `context`). `afterAnswer`: when the record is made (see AfterAnswer); at once by default.
   */
  async execute(raw: RouteRequestFields, signal: AbortSignal | AbortController, deadline?: number, tenant?: Tenant, afterAnswer?: AfterAnswer): Promise<ExecuteResult> {
    const started = performance.now();
    const decision = this.o.decider.decide(raw);
    await this.o.tenancy?.admitRequest(tenant);
    const { ctx, release } = this.context(decision, signal, deadline, tenant);
    try {
      const result = await this.run(ctx);
      this.recordExecute(afterAnswer, { source: 'execute', decision, result, latencyMs: performance.now() - started });
      return result;
    } catch (e) {
      if (e instanceof ExecuteFailedError) e.decision ??= decision;
      this.recordExecute(afterAnswer, { source: 'execute', decision, error: e, latencyMs: performance.now() - started });
      throw e;
    } finally {
      release();
    }
  }

  /** The record of an Execute, now or when `afterAnswer` runs it; the latency is the call's, taken now. */
  private recordExecute(afterAnswer: AfterAnswer | undefined, done: Parameters<ExecuteRecorder>[0]): void {
    const record = this.o.record;
    if (!record) return;
    if (afterAnswer) afterAnswer(() => record(done));
    else record(done);
  }

  async *executeStream(raw: RouteRequestFields, signal: AbortSignal | AbortController, deadline?: number, tenant?: Tenant): AsyncGenerator<ExecuteEvent> {
    const started = performance.now();
    const decision = this.o.decider.decide(raw);
    await this.o.tenancy?.admitRequest(tenant);
    yield { type: 'decision', decision };
    const { ctx, release } = this.context(decision, signal, deadline, tenant);
    const progress: StreamState = { attempts: [] };
    let result: ExecuteResult | undefined;
    let error: unknown;
    let ttftMs: number | undefined;
    try {
      for await (const ev of this.streamPlan(ctx, progress)) {
        if (ev.type === 'text-delta' && ttftMs === undefined) ttftMs = performance.now() - started;
        if (ev.type === 'done') result = ev.result;
        yield ev;
      }
    } catch (e) {
      error = e;
      throw e;
    } finally {
      release();
      // Left before its end (the client went away, a consumer stopped reading): what was called
      // stays on the record, and output already streamed is billed as the ledger bills it.
      if (!result && error === undefined) error = abandoned(progress);
      this.o.record?.({ source: 'execute_stream', decision, ...(result ? { result } : { error }), latencyMs: performance.now() - started, ...(ttftMs !== undefined ? { ttftMs } : {}) });
    }
  }

  private async *streamPlan(ctx: StrategyContext, progress: StreamState): AsyncGenerator<ExecuteEvent> {
    const { decision, signal } = ctx;
    if (decision.plan.strategy !== 'single') {
      const result = await this.run(ctx);
      progress.attempts = result.attempts;
      yield { type: 'start', model: result.model };
      if (result.message.text) yield { type: 'text-delta', text: result.message.text };
      for (const toolCall of result.message.toolCalls) yield { type: 'tool-call', toolCall };
      yield { type: 'done', result };
      return;
    }
    const chain = fallbackChain(ctx, decision.plan.models);
    const attempts = progress.attempts;
    let last: InvokeErrorInfo | undefined;
    for (let model = chain.next(), step = 'primary'; model !== undefined; model = chain.next(last), step = 'fallback') {
      const invoked = performance.now();
      let ttftMs: number | undefined;
      const input = invokeInput(ctx, model, step);
      const call = new StreamProgress(input, ctx.catalog);
      progress.open = { call, invoked };
      for await (const ev of ctx.executor.invokeStream(input, signal)) {
        call.observe(ev);
        if (ev.type === 'text-delta' || ev.type === 'tool-call') {
          ttftMs ??= performance.now() - invoked;
          yield ev;
        } else if (ev.type === 'start') yield { type: 'start', model };
        else if (ev.type === 'done') {
          attempts.push(...withTtft(ev.outcome.attempts, ttftMs));
          const r = ev.outcome.result;
          yield { type: 'done', result: { decision, model, message: { text: r.message.text, toolCalls: r.message.toolCalls }, finishReason: r.finishReason, attempts, ...totals(attempts), ...provenance(r) } };
          return;
        } else if (ev.type === 'error') {
          attempts.push(...withUnbilled(withTtft(ev.outcome.attempts, ttftMs), call.unbilled()));
          if (ev.partial) throw new ExecuteFailedError(ev.outcome.error, attempts, true);
          last = ev.outcome.error;
        }
      }
      if (signal.aborted) break;
    }
    throw new ExecuteFailedError(last ?? { kind: 'unavailable', message: 'no model could be tried', retryable: true }, attempts);
  }
}

/** What a stream has called so far: the attempts of the calls that ended, and the call under way. */
interface StreamState {
  attempts: AttemptInfo[];
  open?: { call: StreamProgress; invoked: number };
}

/** How a stream left before its end is recorded: its attempts, the open call's output billed. */
function abandoned(progress: StreamState): ExecuteFailedError {
  const open = progress.open;
  const left = open?.call.abandonedAttempt(performance.now() - open.invoked);
  const attempts = left ? [...progress.attempts, left] : progress.attempts;
  return new ExecuteFailedError({ kind: 'aborted', message: 'the client cancelled the call', retryable: false }, attempts, left !== undefined);
}

/** The invocation's attempts, the last (the one that streamed) with the time from the invocation to its first text or tool call. */
function withTtft(attempts: readonly AttemptInfo[], ttftMs: number | undefined): AttemptInfo[] {
  if (ttftMs === undefined || attempts.length === 0) return [...attempts];
  return [...attempts.slice(0, -1), { ...attempts[attempts.length - 1]!, ttftMs }];
}
