/**
 * Speculative draft-and-verify: a cheap model drafts; a strong model reads the draft and
 * either accepts it (a one-word reply, so the strong model's output cost stays small) or
 * writes the corrected answer. When the drafter fails, the verifier answers on its own.
 */
import { totals } from '../../shared/contracts/usage.js';
import type { AttemptInfo } from '../../shared/contracts/invoke.js';
import type { ChatMessage } from '../../shared/contracts/provider.js';
import { ExecuteFailedError, invokeInput, provenance, type ExecuteResult, type StrategyContext } from './execute-types.js';
import { runSingle } from './run-single.js';

export const ACCEPT_TOKEN = 'ACCEPT';

/** The verifier's conversation: the original one, then the draft to review. */
export function verifierMessages(messages: readonly ChatMessage[], draft: string, json: boolean): ChatMessage[] {
  const instruction =
    `Another assistant drafted the answer below to the conversation above. Check it for correctness and completeness.\n` +
    `If it is correct and complete, reply with exactly ${ACCEPT_TOKEN} and nothing else. ` +
    `Otherwise reply with the corrected, complete answer only${json ? ', as JSON' : ''}, written directly to the user, without mentioning the draft.\n\n` +
    `Draft answer:\n${draft}`;
  return [...messages, { role: 'user', content: [{ type: 'text', text: instruction }] }];
}

export function isAccept(text: string): boolean {
  return text.trim().replace(/[.!"'`*]/g, '').toUpperCase() === ACCEPT_TOKEN;
}

export async function runSpeculative(ctx: StrategyContext): Promise<ExecuteResult> {
  const [drafter, verifier] = ctx.decision.plan.models as [string, string];
  const req = ctx.decision.request;
  const attempts: AttemptInfo[] = [];
  const draft = await ctx.executor.invoke(invokeInput(ctx, drafter, 'draft'), ctx.signal);
  attempts.push(...draft.attempts);
  if (!draft.ok || draft.result.message.toolCalls.length > 0 || draft.result.finishReason !== 'stop') {
    if (ctx.signal.aborted) throw new ExecuteFailedError({ kind: 'aborted', message: 'the call was cancelled', retryable: false }, attempts);
    if (draft.ok) {
      // A tool call or a cut-off draft is not something to verify: answer it as it is.
      if (draft.result.message.toolCalls.length > 0) return done(ctx, drafter, draft.result, attempts);
      const mine = attempts[attempts.length - 1]!;
      mine.outcome = 'rejected';
      mine.check = `draft not verifiable: finish reason ${draft.result.finishReason}`;
    }
    return withTrail(attempts, () => runSingle(ctx, [verifier, ...ctx.decision.response.fallbacks!.filter((f) => f !== verifier && f !== drafter)]));
  }
  const json = req.responseFormat.type !== 'text';
  const verify = await ctx.executor.invoke(
    invokeInput(ctx, verifier, 'verify', { messages: verifierMessages(req.messages, draft.result.message.text, json), responseFormat: { type: 'text' }, tools: [] }),
    ctx.signal,
  );
  attempts.push(...verify.attempts);
  if (!verify.ok) {
    // Without a verdict the draft stands, and the trail says it went unverified.
    attempts[attempts.length - 1]!.check = 'verifier failed: draft returned unverified';
    return done(ctx, drafter, draft.result, attempts);
  }
  const verdict = attempts[attempts.length - 1]!;
  if (isAccept(verify.result.message.text)) {
    verdict.check = 'verifier accepted the draft';
    return done(ctx, drafter, draft.result, attempts);
  }
  verdict.check = 'verifier corrected the draft';
  const draftAttempt = attempts.find((a) => a.step === 'draft' && a.outcome === 'success');
  if (draftAttempt) draftAttempt.outcome = 'rejected';
  return done(ctx, verifier, verify.result, attempts);
}

function done(ctx: StrategyContext, model: string, r: { message: { text: string; toolCalls: ExecuteResult['message']['toolCalls'] }; finishReason: ExecuteResult['finishReason']; responseModel: string; systemFingerprint?: string }, attempts: AttemptInfo[]): ExecuteResult {
  return { decision: ctx.decision, model, message: { text: r.message.text, toolCalls: r.message.toolCalls }, finishReason: r.finishReason, attempts, ...totals(attempts), ...provenance(r) };
}

async function withTrail(before: AttemptInfo[], run: () => Promise<ExecuteResult>): Promise<ExecuteResult> {
  try {
    const r = await run();
    const all = [...before, ...r.attempts];
    return { ...r, attempts: all, ...totals(all) };
  } catch (e) {
    if (e instanceof ExecuteFailedError) throw new ExecuteFailedError(e.error, [...before, ...e.attempts]);
    throw e;
  }
}
