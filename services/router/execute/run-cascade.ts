/**
 * The cascade: the cheapest stage first; its answer is kept when every check passes, else the
 * request escalates to the next, stronger stage. The last stage's answer is returned as it is.
 * A stage that fails to answer escalates too. Every model call, judge calls included, goes into
 * the trail with its cost; a rejected answer's attempt names the check that rejected it.
 */
import type { AttemptInfo } from '../../shared/contracts/invoke.js';
import { totals } from '../../shared/contracts/usage.js';
import { prepareMessages, runChecks, type Check, type JudgeCall } from './checks/check.js';
import { ExecuteFailedError, invokeInput, provenance, type ExecuteResult, type StrategyContext } from './execute-types.js';
import { runSingle } from './run-single.js';

export async function runCascade(ctx: StrategyContext, checks: readonly Check[]): Promise<ExecuteResult> {
  const stages = ctx.decision.plan.models;
  const attempts: AttemptInfo[] = [];
  const judge: JudgeCall = async (messages, model, signal) => {
    const outcome = await ctx.executor.invoke({ ...invokeInput(ctx, model, 'judge', { messages, responseFormat: { type: 'text' } }), allowedRegions: [] }, signal);
    attempts.push(...outcome.attempts);
    if (!outcome.ok) throw new Error(`judge ${model} failed: ${outcome.error.message}`);
    return { text: outcome.result.message.text, usage: outcome.usage, costUsd: outcome.costUsd, model };
  };
  for (let i = 0; i < stages.length - 1; i++) {
    const model = stages[i]!;
    const outcome = await ctx.executor.invoke(invokeInput(ctx, model, 'cascade', { messages: prepareMessages(checks, ctx.decision.request.messages) }), ctx.signal);
    attempts.push(...outcome.attempts);
    if (!outcome.ok) {
      if (ctx.signal.aborted || !outcome.error.retryable) {
        if (outcome.error.kind !== 'context_length') throw new ExecuteFailedError(outcome.error, attempts);
      }
      continue;
    }
    const r = outcome.result;
    const answer = { text: r.message.text, toolCalls: r.message.toolCalls, finishReason: r.finishReason };
    const verdict = await runChecks(checks, { messages: ctx.decision.request.messages, responseFormat: ctx.decision.request.responseFormat, answer }, { judge, signal: ctx.signal });
    const mine = [...attempts].reverse().find((a) => a.model === model && a.outcome === 'success');
    const failed = verdict.verdicts.find((v) => !v.pass);
    if (mine) mine.check = verdict.verdicts.map((v) => `${v.check}: ${v.pass ? 'pass' : 'fail'} (${v.detail})`).join('; ');
    if (!failed) {
      const t = totals(attempts);
      return { decision: ctx.decision, model, message: { text: verdict.answer.text, toolCalls: verdict.answer.toolCalls }, finishReason: verdict.answer.finishReason, attempts, ...t, ...provenance(r) };
    }
    if (mine) mine.outcome = 'rejected';
  }
  // The last stage answers as it is, with the decision's fallbacks behind it.
  const lastStage = stages[stages.length - 1]!;
  const rest = ctx.decision.response.fallbacks!.filter((f) => !stages.includes(f));
  try {
    const final = await runSingle({ ...ctx }, [lastStage, ...rest]);
    final.attempts.forEach((a) => (a.step = a.step === 'primary' ? 'cascade' : a.step));
    const all = [...attempts, ...final.attempts];
    return { ...final, attempts: all, ...totals(all) };
  } catch (e) {
    if (e instanceof ExecuteFailedError) throw new ExecuteFailedError(e.error, [...attempts, ...e.attempts]);
    throw e;
  }
}
