/**
 * What the status page counts, from the decision log's events (DecisionLog.on 'record' and
 * 'feedback'), in bounded memory: decisions per second over the last minute (one bucket per
 * second), the share of decisions by model and the money spent against the reference model
 * since start, and the most recent decisions with their outcome and the feedback that joined
 * them. Prompt text is kept only when the record carries it (router.prompt_logging), and then
 * only its first characters.
 */
import type { RecordView } from '../router/record/record-view.js';
import type { Feedback } from '../generated/switchyard/v1/Feedback.js';

export interface RecentDecision {
  id: string;
  timeMs: number;
  model: string;
  /** The model that answered (Execute); empty for Decide, or when none answered. */
  answeredModel: string;
  policy: string;
  segment: string;
  /** ok, an error kind, or `decided` for a Decide record. */
  outcome: string;
  costUsd: number;
  latencyMs: number;
  feedback: { metric: string; value: number }[];
  /** The last message's first characters; only with prompt logging on. */
  prompt?: string;
}

export interface BoardSnapshot {
  decisionsPerSecond: number;
  decisions: number;
  byModel: { model: string; decisions: number; share: number }[];
  costUsd: number;
  referenceCostUsd: number;
  savingsUsd: number;
  recent: RecentDecision[];
}

const WINDOW_S = 60;
const PROMPT_CHARS = 80;
const FEEDBACK_PER_DECISION = 8;

export class StatusBoard {
  private readonly buckets = new Float64Array(WINDOW_S);
  private readonly bucketSecond = new Float64Array(WINDOW_S).fill(-1);
  private total = 0;
  private readonly byModel = new Map<string, number>();
  private cost = 0;
  private reference = 0;
  /** The most recent decisions, a ring: slot `next` holds the oldest once it is full. */
  private readonly recent: (RecentDecision | undefined)[];
  private next = 0;
  private readonly byId = new Map<string, RecentDecision>();
  /** Feedback that came before its record (the record is built when the log's writer flushes), oldest first, bounded. */
  private readonly early = new Map<string, RecentDecision['feedback']>();

  constructor(
    private readonly o: { recent: number; segmentOf: (r: RecordView) => string; now?: () => number },
  ) {
    this.recent = new Array<RecentDecision | undefined>(o.recent).fill(undefined);
  }

  private get now(): number {
    return (this.o.now ?? Date.now)();
  }

  record(r: RecordView): void {
    const id = r.decisionId ?? '';
    const second = Math.floor(this.now / 1000);
    const slot = second % WINDOW_S;
    if (this.bucketSecond[slot] !== second) {
      this.bucketSecond[slot] = second;
      this.buckets[slot] = 0;
    }
    this.buckets[slot]!++;
    this.total++;
    const o = r.outcome;
    const model = (o ? o.answeredModel : '') || r.model || '';
    if (model) this.byModel.set(model, (this.byModel.get(model) ?? 0) + 1);
    const cost = Number(o?.costUsd ?? 0);
    const ref = Number(o?.referenceCostUsd ?? 0);
    if (o && ref > 0) {
      this.cost += cost;
      this.reference += ref;
    }
    const lastMessage = r.prompt?.at(-1)?.text;
    const d: RecentDecision = {
      id,
      timeMs: Number(r.timeUnixMs ?? 0),
      model: r.model ?? '',
      answeredModel: o?.answeredModel ?? '',
      policy: r.policy ?? '',
      segment: this.o.segmentOf(r),
      outcome: o ? o.errorCode || 'ok' : 'decided',
      costUsd: cost,
      latencyMs: Number(o?.latencyMs ?? 0),
      feedback: [],
    };
    // Set after the literal rather than spread into it: a spread made every row the slow way.
    if (lastMessage) d.prompt = lastMessage.slice(0, PROMPT_CHARS);
    // Feedback before its record is rare: the map is not searched while it holds none.
    const early = this.early.size > 0 ? this.early.get(id) : undefined;
    if (early) {
      d.feedback = early;
      this.early.delete(id);
    }
    // Into the ring over the oldest (a list shifted by one every decision cost more).
    const s = this.next;
    const oldest = this.recent[s];
    if (oldest) this.byId.delete(oldest.id);
    this.recent[s] = d;
    this.next = (s + 1) % this.recent.length;
    this.byId.set(id, d);
  }

  /** The recent decisions, newest first. */
  private newestFirst(): RecentDecision[] {
    const out: RecentDecision[] = [];
    const n = this.recent.length;
    for (let k = 1; k <= n; k++) {
      const d = this.recent[(this.next - k + n) % n];
      if (d) out.push(d);
    }
    return out;
  }

  feedback(f: Feedback): void {
    if (!f.decisionId) return;
    const list = this.byId.get(f.decisionId)?.feedback ?? this.earlyList(f.decisionId);
    if (list.length < FEEDBACK_PER_DECISION) list.push({ metric: f.metric ?? '', value: Number(f.value ?? 0) });
  }

  private earlyList(id: string): RecentDecision['feedback'] {
    let list = this.early.get(id);
    if (!list) {
      list = [];
      this.early.set(id, list);
      // Feedback for decisions never seen (older ones, other replicas') must not pile up.
      if (this.early.size > this.o.recent * 4) this.early.delete(this.early.keys().next().value!);
    }
    return list;
  }

  snapshot(): BoardSnapshot {
    const second = Math.floor(this.now / 1000);
    let lastMinute = 0;
    for (let i = 0; i < WINDOW_S; i++) {
      // Whole seconds only: the current one is still filling.
      const s = this.bucketSecond[i]!;
      if (s < second && s >= second - WINDOW_S) lastMinute += this.buckets[i]!;
    }
    const byModel = [...this.byModel]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([model, n]) => ({ model, decisions: n, share: this.total > 0 ? n / this.total : 0 }));
    return {
      decisionsPerSecond: lastMinute / WINDOW_S,
      decisions: this.total,
      byModel,
      costUsd: this.cost,
      referenceCostUsd: this.reference,
      savingsUsd: this.reference - this.cost,
      recent: this.newestFirst().map((d) => ({ ...d, feedback: [...d.feedback] })),
    };
  }
}
