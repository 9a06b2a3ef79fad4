/**
 * The cascade's quality checks, contract version 1.
 *
 * The cascade strategy asks a cheap model first and keeps its answer only when every configured
 * check passes; the first failure escalates the request to the next, stronger model. A check
 * looks at one answer (with the conversation that produced it) and returns a Verdict. A check:
 *
 *  - is built once per configured spec (`buildChecks`), holds no per-request state, and may be
 *    shared by concurrent requests;
 *  - never throws for a bad answer: a bad answer is `pass: false` with a `detail` that says why;
 *  - rejects only when `ctx.signal` aborts (with the signal's reason), so that a cancelled
 *    client call stops the cascade rather than escalating it;
 *  - keeps prompt and answer text out of `detail` (details go to decision records and spans);
 *    it names rules, phrases from its own lists, counts and positions instead. The judge's
 *    one-line reason is the exception: it is model text about the answer, shortened;
 *  - is 'deterministic' (pure computation over the text, microseconds) or 'llm' (calls a model,
 *    costs money and time, and reports that cost in its Verdict).
 */
import type { ChatMessage, FinishReason, ResponseFormat, ToolCall, Usage } from '../../../shared/contracts/provider.js';
import type { CheckSpec } from '../../../shared/config/check-spec.js';
import { ConfidenceCheck } from './confidence-check.js';
import { EmptyCheck } from './empty-check.js';
import { HedgingCheck } from './hedging-check.js';
import { JsonCheck } from './json-check.js';
import { JudgeCheck } from './judge-check.js';
import { RefusalCheck } from './refusal-check.js';
import { RegexCheck } from './regex-check.js';
import { TruncatedCheck } from './truncated-check.js';

export const CHECK_SPEC_VERSION = 'v1';

/** The assistant's answer under review: what the client would receive. */
export interface Answer {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
}

export interface CheckInput {
  /** The conversation sent to the model (before any `prepare`). */
  messages: ChatMessage[];
  /** What the client asked the answer to be; `{ type: 'text' }` when it asked nothing. */
  responseFormat: ResponseFormat;
  /** The answer after every check's `clean`. */
  answer: Answer;
  /** The answer as the model produced it, before `clean` (a check that reads what it asked for, such as a self-rating, reads this). Defaults to `answer`. */
  rawAnswer?: Answer;
}

/**
 * Calls a model for an LLM check: one complete, non-streamed answer from `model` (a catalog
 * id) to `messages`. It honours `signal` and rejects when the call fails; the cascade supplies
 * it, with the executor's retries and cost accounting behind it.
 */
export type JudgeCall = (messages: ChatMessage[], model: string, signal: AbortSignal) => Promise<{ text: string; usage: Usage; costUsd: number; model: string }>

export interface CheckContext {
  /** Needed by the judge check; a judge check without it fails with a clear detail. */
  judge?: JudgeCall;
  /** The request's signal: aborted when the client cancels or the deadline passes. */
  signal: AbortSignal;
}

export interface Verdict {
  /** The check's name (`Check.name`). */
  check: string;
  pass: boolean;
  /** Why, in one line, without prompt or answer text. */
  detail: string;
  /** LLM checks: what the judging cost. */
  usage?: Usage;
  costUsd?: number;
  judgeModel?: string;
}

export interface Check {
  /** A stable label, e.g. 'refusal', 'regex:/^\d+$/', 'judge:gpt-4.1-mini>=7'. */
  readonly name: string;
  /** 'deterministic' checks run before 'llm' ones, so that a cheap failure spares a model call. */
  readonly kind: 'deterministic' | 'llm';
  /** Judges one answer. Rejects only when `ctx.signal` aborts. */
  run(input: CheckInput, ctx: CheckContext): Promise<Verdict>;
  /** Optional: change the request before the cheap model is called (e.g. ask for a self-rating). Returns new messages; never mutates. */
  prepare?(messages: ChatMessage[]): ChatMessage[];
  /** Optional: clean the answer before it is returned or judged (e.g. strip the self-rating line). Returns a new answer; never mutates. */
  clean?(answer: Answer): Answer;
}

/** The registry: every check a spec can name, in one place. */
export function buildCheck(spec: CheckSpec): Check {
  if (typeof spec === 'string') {
    switch (spec) {
      case 'refusal':
        return new RefusalCheck();
      case 'hedging':
        return new HedgingCheck();
      case 'empty':
        return new EmptyCheck();
      case 'truncated':
        return new TruncatedCheck();
      case 'json':
        return new JsonCheck();
    }
  }
  if ('regex' in spec) return new RegexCheck(spec.regex);
  if ('confidence' in spec) return new ConfidenceCheck(spec.confidence);
  return new JudgeCheck(spec.judge);
}

export function buildChecks(specs: CheckSpec[]): Check[] {
  return specs.map(buildCheck);
}

/** Applies every check's `prepare`, in order: the messages to send to the cheap model. */
export function prepareMessages(checks: readonly Check[], messages: ChatMessage[]): ChatMessage[] {
  return checks.reduce((m, c) => (c.prepare ? c.prepare(m) : m), messages);
}

/** Applies every check's `clean`, in order: the answer to judge and to return. */
export function cleanAnswer(checks: readonly Check[], answer: Answer): Answer {
  return checks.reduce((a, c) => (c.clean ? c.clean(a) : a), answer);
}

export interface ChecksResult {
  /** Every check that ran passed. */
  pass: boolean;
  /** One per check that ran, in the order they ran; the last one failed when `pass` is false. */
  verdicts: Verdict[];
  /** The cleaned answer (what the client should receive if this answer is kept). */
  answer: Answer;
}

/**
 * Cleans the answer, then runs the deterministic checks (in configured order) and then the LLM
 * ones, stopping at the first failure. Rejects when `ctx.signal` aborts.
 */
export async function runChecks(checks: readonly Check[], input: CheckInput, ctx: CheckContext): Promise<ChecksResult> {
  const rawAnswer = input.rawAnswer ?? input.answer;
  const answer = cleanAnswer(checks, input.answer);
  const ordered = [...checks.filter((c) => c.kind === 'deterministic'), ...checks.filter((c) => c.kind !== 'deterministic')];
  const verdicts: Verdict[] = [];
  for (const check of ordered) {
    ctx.signal.throwIfAborted();
    const verdict = await check.run({ ...input, answer, rawAnswer }, ctx);
    verdicts.push(verdict);
    if (!verdict.pass) return { pass: false, verdicts, answer };
  }
  return { pass: true, verdicts, answer };
}
