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
import { buildChecks, type Check } from './checks/check.js';
import { ExecuteFailedError, invokeInput, type ExecuteResult, type StrategyContext } from './execute-types.js';
import { runCascade } from './run-cascade.js';
import { fallbackChain, runSingle } from './run-single.js';
import { runSpeculative } from './run-speculative.js';

export type ExecuteEvent =
  | { type: 'decision'; decision: Decision }
  /** A model's answer began streaming: the text that follows is its own, unless it fails before its first token and another model starts. */
  | { type: 'start'; model: string }
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; toolCall: ToolCall }
  | { type: 'done'; result: ExecuteResult };

export interface ExecuteEngineOptions {
  decider: Decider;
  executor: ExecutorClient;
  config: Config;
  catalog: Catalog;
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
   */
  private context(decision: Decision, signal: AbortSignal, deadline: number | undefined): { ctx: StrategyContext; release(): void } {
    const cap = Date.now() + this.o.config.executor.total_timeout_ms;
    const end = Math.min(deadline ?? cap, cap);
    const ctrl = new AbortController();
    const onAbort = () => ctrl.abort(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => ctrl.abort(new DOMException('the call deadline passed', 'TimeoutError')), Math.max(0, end - Date.now()));
    return {
      ctx: { decision, executor: this.o.executor, config: this.o.config, catalog: this.o.catalog, signal: ctrl.signal, deadline: end },
      release: () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
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

  async execute(raw: RouteRequestFields, signal: AbortSignal, deadline?: number): Promise<ExecuteResult> {
    const decision = this.o.decider.decide(raw);
    const { ctx, release } = this.context(decision, signal, deadline);
    try {
      return await this.run(ctx);
    } finally {
      release();
    }
  }

  async *executeStream(raw: RouteRequestFields, signal: AbortSignal, deadline?: number): AsyncGenerator<ExecuteEvent> {
    const decision = this.o.decider.decide(raw);
    yield { type: 'decision', decision };
    const { ctx, release } = this.context(decision, signal, deadline);
    try {
      yield* this.streamPlan(ctx);
    } finally {
      release();
    }
  }

  private async *streamPlan(ctx: StrategyContext): AsyncGenerator<ExecuteEvent> {
    const { decision, signal } = ctx;
    if (decision.plan.strategy !== 'single') {
      const result = await this.run(ctx);
      yield { type: 'start', model: result.model };
      if (result.message.text) yield { type: 'text-delta', text: result.message.text };
      for (const toolCall of result.message.toolCalls) yield { type: 'tool-call', toolCall };
      yield { type: 'done', result };
      return;
    }
    const chain = fallbackChain(ctx, decision.plan.models);
    const attempts: AttemptInfo[] = [];
    let last: InvokeErrorInfo | undefined;
    for (let model = chain.next(), step = 'primary'; model !== undefined; model = chain.next(last), step = 'fallback') {
      for await (const ev of this.o.executor.invokeStream(invokeInput(ctx, model, step), signal)) {
        if (ev.type === 'text-delta' || ev.type === 'tool-call') yield ev;
        else if (ev.type === 'start') yield { type: 'start', model };
        else if (ev.type === 'done') {
          attempts.push(...ev.outcome.attempts);
          const r = ev.outcome.result;
          yield { type: 'done', result: { decision, model, message: { text: r.message.text, toolCalls: r.message.toolCalls }, finishReason: r.finishReason, attempts, ...totals(attempts) } };
          return;
        } else if (ev.type === 'error') {
          attempts.push(...ev.outcome.attempts);
          if (ev.partial) throw new ExecuteFailedError(ev.outcome.error, attempts, true);
          last = ev.outcome.error;
        }
      }
      if (signal.aborted) break;
    }
    throw new ExecuteFailedError(last ?? { kind: 'unavailable', message: 'no model could be tried', retryable: true }, attempts);
  }
}
