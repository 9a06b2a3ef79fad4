/**
 * GetDecision and ListDecisions answered from the log's index (log-index.ts) with the results
 * a full scan folded into views (decision-views.ts) gives, reading only the frames of the
 * decisions they return: each one's record, the feedback about it or its episode, and the
 * reported outcome that counts.
 *
 * ListDecisions filters the index's rows, not the records: each filter is turned, per segment,
 * into the dictionary numbers it needs (a segment lacking one is skipped whole). Segments are
 * visited newest id first and each one's rows in descending id order, so a page stops once it
 * has its rows and no later row can outrank them.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { DecisionView__Output } from '../../generated/switchyard/v1/DecisionView.js';
import type { ListDecisionsRequest__Output } from '../../generated/switchyard/v1/ListDecisionsRequest.js';
import type { ListDecisionsResponse } from '../../generated/switchyard/v1/ListDecisionsResponse.js';
import { MAX_PAGE, ViewFolder } from './decision-views.js';
import type { LogIndex } from './log-index.js';
import { decodeEntry } from './record-codec.js';
import { ATTR, type EntryAt, type SegmentIndex } from './segment-index.js';

/** The views of `ids` (those that have a record), each as a full scan would fold it. */
export async function viewsOf(dir: string, index: LogIndex, segs: readonly SegmentIndex[], ids: readonly string[]): Promise<Map<string, DecisionView__Output>> {
  const at: EntryAt[] = [];
  const found: string[] = [];
  for (const id of ids) {
    let first: EntryAt | undefined;
    let session = '';
    for (const s of segs) {
      const row = s.find(id);
      if (row < 0) continue;
      first = { seg: s.name, off: s.off[row]!, len: s.len[row]! };
      session = s.dict[s.attr(row, ATTR.session)]!;
      break; // segments are in the log's order: the first copy is the one a scan keeps
    }
    if (!first) continue;
    found.push(id);
    at.push(first, ...index.feedbackAbout(id));
    if (session) at.push(...index.feedbackAbout(`episode:${session}`));
    const outcome = index.outcomeOf(id);
    if (outcome) at.push(outcome);
  }
  const folder = new ViewFolder();
  for (const payload of await readEntries(dir, at)) {
    const e = decodeEntry(payload);
    if (e) folder.add(e);
  }
  const out = new Map<string, DecisionView__Output>();
  for (const id of found) {
    const v = folder.view(id);
    if (v) out.set(id, v);
  }
  return out;
}

/** Entries closer than this in one segment are read with one read. */
const SPAN_GAP = 64 * 1024;

/** The payloads at `at`, once each, in the log's order. */
async function readEntries(dir: string, at: EntryAt[]): Promise<Buffer[]> {
  const seen = new Set<string>();
  const unique = at.filter((a) => {
    const k = `${a.seg}\0${a.off}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
  unique.sort((a, b) => (a.seg < b.seg ? -1 : a.seg > b.seg ? 1 : a.off - b.off));
  const out: Buffer[] = [];
  for (let i = 0; i < unique.length; ) {
    const seg = unique[i]!.seg;
    const fh = await open(join(dir, seg), 'r').catch(() => undefined); // gone: retention ran since
    try {
      while (i < unique.length && unique[i]!.seg === seg) {
        // One read for a run of nearby entries.
        let j = i + 1;
        let end = unique[i]!.off + unique[i]!.len;
        while (j < unique.length && unique[j]!.seg === seg && unique[j]!.off - end < SPAN_GAP) end = Math.max(end, unique[j]!.off + unique[j++]!.len);
        if (fh) {
          const start = unique[i]!.off;
          const buf = Buffer.allocUnsafe(end - start);
          const { bytesRead } = await fh.read(buf, 0, buf.length, start);
          for (; i < j; i++) {
            const { off, len } = unique[i]!;
            if (off + len - start <= bytesRead) out.push(buf.subarray(off - start, off - start + len));
          }
        }
        i = j;
      }
    } finally {
      await fh?.close();
    }
  }
  return out;
}

type RowTest = (row: number) => boolean;

/** The request's filters as a test of a segment's rows; undefined when no row of the segment can pass. */
function rowTest(s: SegmentIndex, f: ListDecisionsRequest__Output, index: LogIndex, outcomeModel: boolean): RowTest | undefined {
  const tests: RowTest[] = [];
  const start = Number(f.startTimeUnixMs);
  const end = Number(f.endTimeUnixMs);
  if (start) {
    if (s.timeMax < start) return undefined;
    tests.push((r) => s.time[r]! >= start);
  }
  if (end) {
    if (s.timeMin >= end) return undefined;
    tests.push((r) => s.time[r]! < end);
  }
  const equal = (a: number, value: string): boolean => {
    const c = s.has(value);
    if (c < 0) return false;
    tests.push((r) => s.attr(r, a) === c);
    return true;
  };
  if (f.policy && !equal(ATTR.policy, f.policy)) return undefined;
  if (f.segment && !equal(ATTR.segment, f.segment)) return undefined;
  const l = f.labels;
  if (l) {
    if (l.tenant && !equal(ATTR.tenant, l.tenant)) return undefined;
    if (l.userTier && !equal(ATTR.userTier, l.userTier)) return undefined;
    if (l.task && !equal(ATTR.task, l.task)) return undefined;
    if (l.session && !equal(ATTR.session, l.session)) return undefined;
    const want = Object.entries(l.extra ?? {});
    if (want.length) {
      const ok = cached(s, (code) => {
        const json = s.dict[code]!;
        const have: Record<string, string> = json ? Object.fromEntries(JSON.parse(json) as [string, string][]) : {};
        return want.every(([k, v]) => Object.hasOwn(have, k) && have[k] === v);
      });
      tests.push((r) => ok(s.attr(r, ATTR.extra)));
    }
  }
  if (f.model) {
    const c = s.has(f.model);
    if (c < 0 && !outcomeModel) return undefined;
    const m = f.model;
    tests.push((r) => s.attr(r, ATTR.model) === c || s.attr(r, ATTR.answered) === c || (outcomeModel && index.outcomeOf(s.ids[r]!)?.model === m));
  }
  if (f.feedback === 'FEEDBACK_FILTER_WITH' || f.feedback === 'FEEDBACK_FILTER_WITHOUT') {
    const want = f.feedback === 'FEEDBACK_FILTER_WITH';
    const episode = cached(s, (code) => s.dict[code] !== '' && index.feedbackAbout(`episode:${s.dict[code]}`).length > 0);
    tests.push((r) => (index.feedbackAbout(s.ids[r]!).length > 0 || episode(s.attr(r, ATTR.session))) === want);
  }
  return tests.length === 0 ? () => true : (r) => tests.every((t) => t(r));
}

/** `test` of a dictionary number, computed once per number. */
function cached(s: SegmentIndex, test: (code: number) => boolean): (code: number) => boolean {
  const memo = new Int8Array(s.dict.length);
  return (code) => {
    if (memo[code] === 0) memo[code] = test(code) ? 1 : -1;
    return memo[code] === 1;
  };
}

/** The ids of the page, newest first, and whether a later page has any. */
export function pageIds(segs: readonly SegmentIndex[], f: ListDecisionsRequest__Output, index: LogIndex): { ids: string[]; more: boolean } {
  const size = Math.min(f.pageSize || 100, MAX_PAGE);
  const limit = size + 1;
  const token = f.pageToken;
  const outcomeModel = Boolean(f.model) && index.anyOutcomeWith(f.model);
  let best: string[] = [];
  const order = segs.filter((s) => s.rows > 0).sort((a, b) => (a.idMax < b.idMax ? 1 : a.idMax > b.idMax ? -1 : 0));
  for (const s of order) {
    const floor = best.length >= limit ? best[limit - 1]! : undefined;
    if (floor !== undefined && s.idMax < floor) break;
    if (token && s.idMin >= token) continue;
    const test = rowTest(s, f, index, outcomeModel);
    if (!test) continue;
    const byId = s.byId();
    let i = byId.length - 1;
    if (token) {
      let lo = 0;
      let hi = byId.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (s.ids[byId[mid]!]! < token) lo = mid + 1;
        else hi = mid;
      }
      i = lo - 1;
    }
    const found: string[] = [];
    for (; i >= 0 && found.length < limit; i--) {
      const row = byId[i]!;
      const id = s.ids[row]!;
      if (floor !== undefined && id < floor) break;
      if (found.length && found[found.length - 1] === id) continue; // a record stored twice
      if (test(row)) found.push(id);
    }
    if (found.length) best = [...new Set([...best, ...found])].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)).slice(0, limit);
  }
  return { ids: best.slice(0, size), more: best.length > size };
}

export async function listIndexed(dir: string, index: LogIndex, f: ListDecisionsRequest__Output): Promise<ListDecisionsResponse> {
  const segs = await index.refresh();
  const { ids, more } = pageIds(segs, f, index);
  const views = await viewsOf(dir, index, segs, ids);
  const decisions = ids.flatMap((id) => views.get(id) ?? []); // one missing: retention took its segment since
  return { decisions, nextPageToken: more ? ids[ids.length - 1]! : '' };
}

export async function getIndexed(dir: string, index: LogIndex, id: string): Promise<DecisionView__Output | undefined> {
  const segs = await index.refresh();
  return (await viewsOf(dir, index, segs, [id])).get(id);
}
