/**
 * Shadow evaluation, the online quality signal: a share of answered requests (per policy and
 * segment, shadow-share.ts) is also answered by the reference model, and the judge model
 * compares the two answers twice, A/B and B/A (pairwise-judge.ts). The routed answer's grade
 * (1 win, 0.5 tie, 0 loss) becomes feedback on the decision record under `shadow.metric`.
 *
 * Off the request path: `offer` is synchronous and O(1) (sample, check the bounds, queue); the
 * work starts on a later turn of the event loop, `concurrency` jobs at a time, from a bounded
 * queue whose overflow is dropped and counted. The client's answer never waits for it.
 *
 * A request's hard filters bind its shadow calls: the calls go through the request's bounds
 * (execute/request-bounds.ts: its regions, allow and deny lists, which carry the tenant's
 * rights, and a hard pin), and a request whose reference or judge is out of bounds is not
 * shadowed at all (skipped, with the reason), never sent elsewhere. Spend is paid from the
 * daily shadow budget (shadow-budget.ts), not the tenant's: each step reserves its worst case
 * first and is skipped when the budget cannot hold it.
 *
 * Every sampled request ends in one grade or one skip (metrics and `stats`), unless shutdown
 * cancels it or something unforeseen fails (then a warning is logged).
 */
import type { SubmitFeedbackRequest__Output } from '../../generated/switchyard/v1/SubmitFeedbackRequest.js';
import type { Catalog } from '../../shared/catalog.js';
import type { Config } from '../../shared/config/schema.js';
import type { ExecutorClient, InvokeInput, InvokeOutcome } from '../../shared/contracts/invoke.js';
import type { ChatMessage } from '../../shared/contracts/provider.js';
import type { Logger } from '../../shared/log.js';
import { NOOP_METRICS, type MetricsRecorder, type ShadowSkipReason } from '../../shared/metrics/metrics-recorder.js';
import type { Decision } from '../decide/decide.js';
import { outputTokensFor } from '../decide/estimates.js';
import type { ExecuteResult } from '../execute/execute-types.js';
import { boundExecutor, outOfBounds } from '../execute/request-bounds.js';
import { GRADE_VALUE, combineVerdicts, pairwisePrompt, parseVerdict, type Grade, type JudgedAnswer } from './pairwise-judge.js';
import type { ShadowBudget } from './shadow-budget.js';
import { segmentOfDecision, shareFor } from './shadow-share.js';

export interface ShadowEvaluatorOptions {
  config: Config;
  catalog: Catalog;
  /** The router's executor (in process or remote); each job binds it to its request. */
  executor: ExecutorClient;
  budget: ShadowBudget;
  /** Writes the grade as feedback on the decision record (DecisionLog.submitFeedback). */
  feedback?: (req: SubmitFeedbackRequest__Output) => void;
  metrics?: MetricsRecorder;
  log?: Logger;
  /** Uniform in [0, 1): which requests are sampled. Default Math.random. */
  random?: () => number;
}

export interface ShadowStats {
  sampled: number;
  graded: Record<Grade, number>;
  skipped: Partial<Record<ShadowSkipReason, number>>;
  /** Reference and judge calls made. */
  calls: number;
  spentUsd: number;
  /** Jobs waiting, and running. */
  queued: number;
  running: number;
}

interface Job {
  decision: Decision;
  answer: JudgedAnswer;
}

/** Thrown inside a job to end it with a skip. */
class Skip {
  constructor(readonly reason: ShadowSkipReason) {}
}

const REFERENCE_STEP = 'shadow_reference';

export class ShadowEvaluator {
  /** Jobs from `head` on are waiting; slots before it are emptied as jobs start. */
  private readonly queue: (Job | undefined)[] = [];
  private head = 0;
  private running = 0;
  private scheduled = false;
  private closed = false;
  private readonly abort = new AbortController();
  private idleWaiters: (() => void)[] = [];
  private readonly random: () => number;
  /** The budget refused the last reservation. */
  private paused = false;
  private readonly metrics: MetricsRecorder;
  private readonly counts: Omit<ShadowStats, 'queued' | 'running'> = { sampled: 0, graded: { win: 0, tie: 0, loss: 0 }, skipped: {}, calls: 0, spentUsd: 0 };

  constructor(private readonly o: ShadowEvaluatorOptions) {
    this.random = o.random ?? Math.random;
    this.metrics = o.metrics ?? NOOP_METRICS;
  }

  stats(): ShadowStats {
    return { ...this.counts, graded: { ...this.counts.graded }, skipped: { ...this.counts.skipped }, queued: this.queue.length - this.head, running: this.running };
  }

  /**
   * On the request's path, after the answer is known: samples the request and queues its
   * shadow job. Synchronous, O(1), never throws.
   */
  offer(done: { decision: Decision; result?: ExecuteResult }): void {
    const { decision, result } = done;
    if (this.closed || result === undefined) return;
    const s = this.o.config.shadow;
    const share = shareFor(s, decision.response.policy ?? '', segmentOfDecision(decision));
    if (!(share > 0) || this.random() >= share) return;
    this.counts.sampled++;
    const reference = s.reference_model!;
    if (result.model === reference) return this.skip('answered_by_reference');
    if (outOfBounds(decision, this.o.catalog, reference) !== null) return this.skip('reference_not_allowed');
    if (outOfBounds(decision, this.o.catalog, s.judge_model!) !== null) return this.skip('judge_not_allowed');
    if (this.queue.length - this.head >= s.queue_size) return this.skip('queue_full');
    this.queue.push({ decision, answer: { text: result.message.text, toolCalls: result.message.toolCalls } });
    this.schedule();
  }

  /** Resolves when no job is queued or running. */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === this.head) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Takes no more jobs, drops the queued ones, cancels the running ones' calls and waits for them to end. */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    this.head = 0;
    this.abort.abort(new DOMException('shadow evaluation is shutting down', 'AbortError'));
    this.wakeIfIdle();
    await this.idle();
  }

  /** Resolves the `idle` waiters when nothing is queued or running. */
  private wakeIfIdle(): void {
    if (this.running !== 0 || this.head !== this.queue.length) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private skip(reason: ShadowSkipReason): void {
    this.counts.skipped[reason] = (this.counts.skipped[reason] ?? 0) + 1;
    this.metrics.shadow({ kind: 'skip', reason });
  }

  /** Starts queued jobs on a later turn of the event loop, never on the request's. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const limit = this.o.config.shadow.concurrency;
    while (this.running < limit && this.head < this.queue.length) {
      const job = this.queue[this.head]!;
      this.queue[this.head++] = undefined;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.running++;
      void this.run(job).finally(() => {
        this.running--;
        this.pump();
        this.wakeIfIdle();
      });
    }
  }

  private async run(job: Job): Promise<void> {
    try {
      const grade = await this.grade(job);
      this.counts.graded[grade.grade]++;
      this.metrics.shadow({ kind: 'grade', policy: job.decision.response.policy ?? '', grade: grade.grade });
      this.o.feedback?.(this.feedbackRequest(job.decision, grade));
    } catch (e) {
      if (this.abort.signal.aborted) return;
      if (e instanceof Skip) return this.skip(e.reason);
      this.o.log?.warn('shadow evaluation failed', { decision_id: job.decision.response.decisionId, error: (e as Error)?.message ?? String(e) });
    }
  }

  private input(decision: Decision, model: string, step: string, request: InvokeInput['request']): InvokeInput {
    return {
      model,
      request,
      allowedRegions: decision.request.regions,
      decisionId: decision.response.decisionId!,
      step,
      deadline: Date.now() + this.o.config.executor.total_timeout_ms,
    };
  }

  /** Reserves, calls, settles; a failure to reach the budget or to fit in it is a skip. */
  private async paid(calls: InvokeInput[], executor: ExecutorClient, role: 'reference' | 'judge', policy: string): Promise<InvokeOutcome[]> {
    let reserved: Awaited<ReturnType<ShadowBudget['reserve']>>;
    try {
      reserved = await this.o.budget.reserve(calls);
    } catch (e) {
      this.o.log?.warn('the shadow budget cannot be reached; the request is not shadowed', { error: (e as Error)?.message ?? String(e) });
      throw new Skip('budget_unavailable');
    }
    if ('refused' in reserved) {
      // Said once when shadowing pauses (the reason names when the budget resets), not per request.
      if (!this.paused) this.o.log?.info('shadow evaluation paused', { reason: reserved.refused });
      this.paused = true;
      throw new Skip('budget');
    }
    if (this.paused) this.o.log?.info('shadow evaluation resumed');
    this.paused = false;
    const { hold } = reserved;
    const outcomes = await Promise.all(calls.map((c) => executor.invoke(c, this.abort.signal).catch((e): InvokeOutcome => this.failed(c, e))));
    const cost = outcomes.reduce((sum, r) => sum + r.costUsd, 0);
    await this.o.budget.settle(hold, cost).catch((e) => this.o.log?.warn('a shadow spend could not be settled; its reservation will expire', { error: (e as Error)?.message ?? String(e) }));
    this.counts.calls += outcomes.length;
    this.counts.spentUsd += cost;
    for (const r of outcomes) this.metrics.shadow({ kind: 'call', role, model: r.model, ok: r.ok, costUsd: r.costUsd, policy });
    return outcomes;
  }

  private failed(c: InvokeInput, e: unknown): InvokeOutcome {
    const usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0 };
    return { ok: false, model: c.model, error: { kind: 'unavailable', message: (e as Error)?.message ?? String(e), retryable: false }, usage, costUsd: 0, attempts: [] };
  }

  private async grade(job: Job): Promise<{ grade: Grade; verdicts: [string, string]; costUsd: number }> {
    const { decision } = job;
    const s = this.o.config.shadow;
    const req = decision.request;
    const policy = decision.response.policy ?? '';
    const executor = boundExecutor(this.o.executor, decision, this.o.catalog);
    const reference = this.input(decision, s.reference_model!, REFERENCE_STEP, {
      messages: req.messages,
      ...(req.tools.length ? { tools: req.tools } : {}),
      responseFormat: req.responseFormat,
      // The request's limit, else the one Decide priced it with (router.default_max_output_tokens),
      // so that the reservation is bounded by what the router expects, not the model's maximum.
      maxOutputTokens: outputTokensFor(this.o.catalog.get(s.reference_model!)!, decision.estimate),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    });
    const [ref] = await this.paid([reference], executor, 'reference', policy);
    if (!ref!.ok) throw new Skip('reference_failed');
    const referenceAnswer: JudgedAnswer = { text: ref!.result.message.text, toolCalls: ref!.result.message.toolCalls };
    const judge = (messages: ChatMessage[], step: string) =>
      this.input(decision, s.judge_model!, step, { messages, responseFormat: { type: 'text' }, maxOutputTokens: s.judge_max_output_tokens });
    const [ab, ba] = await this.paid(
      [judge(pairwisePrompt(req.messages, job.answer, referenceAnswer), 'shadow_judge_ab'), judge(pairwisePrompt(req.messages, referenceAnswer, job.answer), 'shadow_judge_ba')],
      executor,
      'judge',
      policy,
    );
    if (!ab!.ok || !ba!.ok) throw new Skip('judge_failed');
    const routedFirst = parseVerdict(ab!.result.message.text);
    const referenceFirst = parseVerdict(ba!.result.message.text);
    if (routedFirst === undefined || referenceFirst === undefined) throw new Skip('unparsable_verdict');
    return { grade: combineVerdicts(routedFirst, referenceFirst), verdicts: [routedFirst, referenceFirst], costUsd: ref!.costUsd + ab!.costUsd + ba!.costUsd };
  }

  private feedbackRequest(decision: Decision, g: { grade: Grade; verdicts: [string, string]; costUsd: number }): SubmitFeedbackRequest__Output {
    const s = this.o.config.shadow;
    return {
      decisionId: decision.response.decisionId!,
      episodeId: '',
      metric: s.metric,
      value: 'floatValue',
      floatValue: GRADE_VALUE[g.grade],
      comment: `shadow ${g.grade} against ${s.reference_model} (judge ${s.judge_model}: A/B ${g.verdicts[0]}, B/A ${g.verdicts[1]}; the routed answer is A in A/B; shadow cost $${g.costUsd.toFixed(6)})`,
      idempotencyKey: 'shadow',
    };
  }
}
