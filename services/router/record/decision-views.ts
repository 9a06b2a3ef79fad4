/**
 * Reading the decision log: entries fold into views (a record with the feedback and the
 * reported outcome that joined it, wherever they landed in the log and in whatever order),
 * which are then filtered and paged, newest first. Decision ids are UUIDv7, so their order is
 * time order and a page token is the last id of the page.
 *
 * Joins: feedback for a decision joins it by id; feedback for an episode joins every decision
 * whose `session` label is that episode; a repeated idempotency key (per target and metric)
 * counts once; a record stored twice is read once.
 */
import type { DecisionLogEntry__Output } from '../../generated/switchyard/v1/DecisionLogEntry.js';
import type { DecisionRecord__Output } from '../../generated/switchyard/v1/DecisionRecord.js';
import type { DecisionView__Output } from '../../generated/switchyard/v1/DecisionView.js';
import type { Feedback__Output } from '../../generated/switchyard/v1/Feedback.js';
import type { ListDecisionsRequest__Output } from '../../generated/switchyard/v1/ListDecisionsRequest.js';
import type { ReportedOutcome__Output } from '../../generated/switchyard/v1/ReportedOutcome.js';
import { segmentKey } from '../../shared/segment.js';

export class ViewFolder {
  private readonly records = new Map<string, DecisionRecord__Output>();
  private readonly feedback = new Map<string, Feedback__Output[]>();
  private readonly seenKeys = new Set<string>();
  private readonly outcomes = new Map<string, ReportedOutcome__Output>();

  add(e: DecisionLogEntry__Output): void {
    if (e.record) {
      if (!this.records.has(e.record.decisionId)) this.records.set(e.record.decisionId, e.record);
    } else if (e.feedback) {
      const f = e.feedback;
      const target = f.decisionId || `episode:${f.episodeId}`;
      if (f.idempotencyKey) {
        const k = `${target}\0${f.metric}\0${f.idempotencyKey}`;
        if (this.seenKeys.has(k)) return;
        this.seenKeys.add(k);
      }
      const list = this.feedback.get(target) ?? [];
      list.push(f);
      this.feedback.set(target, list);
    } else if (e.reportedOutcome) {
      this.outcomes.set(e.reportedOutcome.decisionId, e.reportedOutcome);
    }
  }

  view(id: string): DecisionView__Output | undefined {
    const record = this.records.get(id);
    if (!record) return undefined;
    const session = record.labels?.session;
    const feedback = [...(this.feedback.get(id) ?? []), ...(session ? (this.feedback.get(`episode:${session}`) ?? []) : [])];
    return { record, feedback, reportedOutcome: this.outcomes.get(id) ?? null };
  }

  /** Every view, newest first. */
  views(): DecisionView__Output[] {
    const ids = [...this.records.keys()].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    return ids.map((id) => this.view(id)!);
  }
}

/** The routing-data segment of a record: its task label, else the prompt's script. */
export function segmentOf(r: DecisionRecord__Output): string {
  return segmentKey(r.labels?.task, r.features?.script);
}

export function matches(v: DecisionView__Output, f: ListDecisionsRequest__Output): boolean {
  const r = v.record!;
  if (f.startTimeUnixMs && r.timeUnixMs < f.startTimeUnixMs) return false;
  if (f.endTimeUnixMs && r.timeUnixMs >= f.endTimeUnixMs) return false;
  if (f.model && r.model !== f.model && r.outcome?.answeredModel !== f.model && v.reportedOutcome?.model !== f.model) return false;
  if (f.policy && r.policy !== f.policy) return false;
  if (f.segment && segmentOf(r) !== f.segment) return false;
  const l = f.labels;
  if (l) {
    const have = r.labels;
    for (const k of ['tenant', 'userTier', 'task', 'session'] as const) if (l[k] && have?.[k] !== l[k]) return false;
    for (const [k, val] of Object.entries(l.extra ?? {})) if (have?.extra?.[k] !== val) return false;
  }
  if (f.feedback === 'FEEDBACK_FILTER_WITH' && v.feedback.length === 0) return false;
  if (f.feedback === 'FEEDBACK_FILTER_WITHOUT' && v.feedback.length > 0) return false;
  return true;
}

export const MAX_PAGE = 1000;

export function page(views: DecisionView__Output[], f: ListDecisionsRequest__Output): { decisions: DecisionView__Output[]; nextPageToken: string } {
  const size = Math.min(f.pageSize || 100, MAX_PAGE);
  const out: DecisionView__Output[] = [];
  for (const v of views) {
    if (f.pageToken && v.record!.decisionId >= f.pageToken) continue;
    if (!matches(v, f)) continue;
    if (out.length === size) return { decisions: out, nextPageToken: out[out.length - 1]!.record!.decisionId };
    out.push(v);
  }
  return { decisions: out, nextPageToken: '' };
}
