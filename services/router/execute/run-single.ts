/**
 * The single-model strategy: the chosen model, then the decision's fallbacks, bounded and never
 * revisiting a model; a context-length error skips to a model with a larger window; errors
 * that another model cannot fix (a bad request, a cancelled call) end the chain at once.
 */
import { FallbackChain } from './fallback-chain.js';
import type { AttemptInfo, InvokeErrorInfo, InvokeInput } from '../../shared/contracts/invoke.js';
import { ExecuteFailedError, invokeInput, provenance, type ExecuteResult, type StrategyContext } from './execute-types.js';
import { totals } from '../../shared/contracts/usage.js';
import type { Catalog } from '../../shared/catalog.js';

/** Context windows by model, built once per catalog (a catalog never changes) rather than per call. */
const windowsByCatalog = new WeakMap<Catalog, ReadonlyMap<string, number>>();

function contextWindows(catalog: Catalog): ReadonlyMap<string, number> {
  let windows = windowsByCatalog.get(catalog);
  if (!windows) {
    windows = new Map(catalog.models.map((m) => [m.id, m.contextWindow]));
    windowsByCatalog.set(catalog, windows);
  }
  return windows;
}

export function fallbackChain(ctx: StrategyContext, models: readonly string[]): FallbackChain {
  return new FallbackChain({
    model: models[0]!,
    fallbacks: models.slice(1),
    maxAttempts: ctx.config.executor.max_models,
    contextWindows: contextWindows(ctx.catalog),
  });
}

export async function runSingle(
  ctx: StrategyContext,
  models: readonly string[] = ctx.decision.plan.models,
  overrides: Partial<InvokeInput['request']> = {},
): Promise<ExecuteResult> {
  const chain = fallbackChain(ctx, models);
  const attempts: AttemptInfo[] = [];
  let last: InvokeErrorInfo | undefined;
  for (let model = chain.next(), step = 'primary'; model !== undefined; model = chain.next(last), step = 'fallback') {
    const outcome = await ctx.executor.invoke(invokeInput(ctx, model, step, overrides), ctx.signal);
    attempts.push(...outcome.attempts);
    if (outcome.ok) {
      const t = totals(attempts);
      const r = outcome.result;
      return { decision: ctx.decision, model, message: { text: r.message.text, toolCalls: r.message.toolCalls }, finishReason: r.finishReason, attempts, ...t, ...provenance(r) };
    }
    last = outcome.error;
    if (ctx.signal.aborted) break;
  }
  throw new ExecuteFailedError(last ?? { kind: 'unavailable', message: 'no model could be tried', retryable: true }, attempts);
}
