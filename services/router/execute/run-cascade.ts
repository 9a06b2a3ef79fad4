/**
 * The cascade: the cheapest stage first; its answer is kept when every check passes, else the
 * request escalates to the next, stronger stage. A stage that fails to answer escalates too.
 * The last stage's answer is checked as well: when it fails, the policy's
 * on_final_check_failure decides whether it is returned marked as failing (check status and
 * reason) or the call fails. Every model call, judge calls included, goes into the trail with
 * its cost; a rejected answer's attempt names the check that rejected it. The judge is called
 * through the same bounded executor as the stages, so it obeys the request's regions and lists.
 */
import type { AttemptInfo } from '../../shared/contracts/invoke.js';
import { totals } from '../../shared/contracts/usage.js';
import type { ChatResult } from '../../shared/contracts/provider.js';
import { prepareMessages, runChecks, type Check, type JudgeCall } from './checks/check.js';
import { ExecuteFailedError, invokeInput, provenance, type ExecuteResult, type StrategyContext } from './execute-types.js';
import { canFailOver } from './fallback-chain.js';
import { runSingle } from './run-single.js';

export async function runCascade(ctx: StrategyContext, checks: readonly Check[]): Promise<ExecuteResult> {
  const stages = ctx.decision.plan.models;
  const attempts: AttemptInfo[] = [];
  const judge: JudgeCall = async (messages, model, signal) => {
    const outcome = await ctx.executor.invoke(invokeInput(ctx, model, 'judge', { messages, responseFormat: { type: 'text' }, tools: [] }), signal);
    attempts.push(...outcome.attempts);
    if (!outcome.ok) throw new Error(`judge ${model} failed: ${outcome.error.message}`);
    return { text: outcome.result.message.text, usage: outcome.usage, costUsd: outcome.costUsd, model };
  };
  /** Runs the checks on `model`'s answer and notes the verdicts on its attempt. */
  const check = async (r: Pick<ChatResult, 'finishReason'> & { message: Pick<ChatResult['message'], 'text' | 'toolCalls'> }, model: string) => {
    const mine = [...attempts].reverse().find((a) => a.model === model && a.outcome === 'success');
    const answer = { text: r.message.text, toolCalls: r.message.toolCalls, finishReason: r.finishReason };
    const result = await runChecks(checks, { messages: ctx.decision.request.messages, responseFormat: ctx.decision.request.responseFormat, answer }, { judge, signal: ctx.signal });
    if (mine) mine.check = result.verdicts.map((v) => `${v.check}: ${v.pass ? 'pass' : 'fail'} (${v.detail})`).join('; ');
    const failed = result.verdicts.find((v) => !v.pass);
    return { pass: !failed, answer: result.answer, mine, reason: failed ? `${failed.check}: ${failed.detail}` : '' };
  };
  const prepared = { messages: prepareMessages(checks, ctx.decision.request.messages) };
  for (let i = 0; i < stages.length - 1; i++) {
    const model = stages[i]!;
    const outcome = await ctx.executor.invoke(invokeInput(ctx, model, 'cascade', prepared), ctx.signal);
    attempts.push(...outcome.attempts);
    if (!outcome.ok) {
      // Escalate past a stage that failed when another model can help (fallback-chain's rule:
      // retryable errors, context length, and errors tied to one endpoint such as a garbled answer).
      if (ctx.signal.aborted || !canFailOver(outcome.error)) throw new ExecuteFailedError(outcome.error, attempts);
      continue;
    }
    const verdict = await check(outcome.result, model);
    if (verdict.pass) {
      const t = totals(attempts);
      return { decision: ctx.decision, model, message: { text: verdict.answer.text, toolCalls: verdict.answer.toolCalls }, finishReason: verdict.answer.finishReason, attempts, ...t, check: { status: 'passed', reason: '' }, ...provenance(outcome.result) };
    }
    if (verdict.mine) verdict.mine.outcome = 'rejected';
  }
  // The last stage answers, with the decision's fallbacks behind it, and is checked too.
  const lastStage = stages[stages.length - 1]!;
  const rest = ctx.decision.response.fallbacks!.filter((f) => !stages.includes(f));
  let final: ExecuteResult;
  try {
    final = await runSingle(ctx, [lastStage, ...rest], prepared);
  } catch (e) {
    if (e instanceof ExecuteFailedError) throw new ExecuteFailedError(e.error, [...attempts, ...e.attempts]);
    throw e;
  }
  final.attempts.forEach((a) => (a.step = a.step === 'primary' ? 'cascade' : a.step));
  attempts.push(...final.attempts);
  const verdict = await check(final, final.model);
  if (!verdict.pass && ctx.decision.policy.on_final_check_failure === 'error') {
    throw new ExecuteFailedError({ kind: 'check_failed', message: verdict.reason, retryable: false }, attempts);
  }
  const answer = { text: verdict.answer.text, toolCalls: verdict.answer.toolCalls };
  return { ...final, message: answer, finishReason: verdict.answer.finishReason, attempts, ...totals(attempts), check: { status: verdict.pass ? 'passed' : 'failed', reason: verdict.reason } };
}
