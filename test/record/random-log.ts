/**
 * Random decision logs for the index tests: records (some stored twice, as a retried batch does, some of a newer schema
 * version), feedback by decision (before or after its record, for unknown ids, with repeated
 * idempotency keys) and by episode, reported outcomes (several for one decision), spread over
 * segments of several writers; and random ListDecisions filters. Seeded: a failure repeats.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { v7 } from 'uuid';
import type { DecisionLogEntry } from '../../services/generated/switchyard/v1/DecisionLogEntry.js';
import type { ListDecisionsRequest__Output } from '../../services/generated/switchyard/v1/ListDecisionsRequest.js';
import { frame } from '../../services/router/record/file-record-store.js';
import { encodeEntry } from '../../services/router/record/record-codec.js';
import type { StoredEntry } from '../../services/router/record/record-store.js';

export const MODELS = ['m-a', 'm-b', 'm-c', 'm-d'];
const POLICIES = ['balanced', 'economy', 'quality'];
const TENANTS = ['', 't1', 't2', 't3'];
const TIERS = ['', 'free', 'pro'];
const TASKS = ['', 'code', 'chat'];
const SESSIONS = ['', 's1', 's2', 's3', 's4'];
const SCRIPTS = ['', 'latin', 'cjk'];
const EXTRA: Record<string, string>[] = [{}, { team: 'blue' }, { team: 'red', region: 'eu' }, { region: 'us' }, { team: '' }];
const KEYS = ['', '', 'k1', 'k2'];

export interface LoggedEntry {
  time: number;
  entry: DecisionLogEntry;
  stored: StoredEntry;
}

export function randomLog(rand: () => number, n: number, start = 1_767_000_000_000): LoggedEntry[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const bytes = () => Uint8Array.from({ length: 16 }, () => Math.floor(rand() * 256));
  const times = Array.from({ length: n }, (_, i) => start + i * 7 + Math.floor(rand() * 5));
  const ids = times.map((t) => v7({ msecs: t, random: bytes() }));
  const out: LoggedEntry[] = [];
  const push = (time: number, entry: DecisionLogEntry, about: string, kind: StoredEntry['kind']) => {
    out.push({ time, entry, stored: { key: about, about, kind, bytes: encodeEntry(entry) } });
  };
  let recorded = 0;
  for (let i = 0; i < n; i++) {
    const t = times[i]!;
    const u = rand();
    if (u < 0.03 && recorded > 0) {
      const again = out.findLast((e) => e.stored.kind === 'record')!; // a retried batch: the same bytes again
      out.push({ ...again, time: t });
    } else if (u < 0.55 || recorded === 0) {
      const j = recorded++;
      const id = ids[j]!;
      const answered = rand() < 0.5 ? pick(MODELS) : '';
      push(t, {
        record: {
          version: rand() < 0.02 ? 2 : 1,
          decisionId: id,
          timeUnixMs: times[j]! + Math.floor(rand() * 3),
          labels: { tenant: pick(TENANTS), userTier: pick(TIERS), task: pick(TASKS), session: pick(SESSIONS), extra: pick(EXTRA) },
          policy: pick(POLICIES),
          model: pick(MODELS),
          features: { script: pick(SCRIPTS), promptChars: 10 },
          reason: 'x'.repeat(Math.floor(rand() * 60)),
          ...(answered ? { outcome: { answeredModel: answered, costUsd: rand() } } : {}),
        },
      }, id, 'record');
    } else if (u < 0.85) {
      const episode = rand() < 0.2;
      const id = rand() < 0.1 ? v7({ msecs: t, random: bytes() }) : pick(ids); // unknown, earlier or later
      const key = pick(KEYS);
      push(t, { feedback: { ...(episode ? { episodeId: pick(SESSIONS.slice(1)) } : { decisionId: id }), metric: pick(['helpful', 'rating']), value: rand(), idempotencyKey: key, timeUnixMs: t } }, id, 'feedback');
    } else {
      const id = pick(ids.slice(0, Math.max(1, recorded + 5)));
      push(t, { reportedOutcome: { decisionId: id, model: pick(MODELS), timeUnixMs: t } }, id, 'outcome');
    }
  }
  return out;
}

/** Writes entries as a process that is not this one would: segments of `per` frames named for `pid`. */
export function writeForeign(dir: string, pid: number, entries: readonly LoggedEntry[], per: number, first = 0): string[] {
  const names: string[] = [];
  for (let i = 0; i < entries.length; i += per) {
    const name = `seg-${String(entries[i]!.time).padStart(13, '0')}-${pid}-${first + names.length}.log`;
    appendFrames(join(dir, name), entries.slice(i, i + per));
    names.push(name);
  }
  return names;
}

export function appendFrames(path: string, entries: readonly LoggedEntry[]): void {
  if (entries.length) appendFileSync(path, Buffer.concat(entries.map((e) => frame(e.stored.bytes))));
}

export function randomRequest(rand: () => number, start = 1_767_000_000_000, span = 10_000): ListDecisionsRequest__Output {
  const maybe = <T>(p: number, v: () => T, none: T): T => (rand() < p ? v() : none);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  return {
    startTimeUnixMs: maybe(0.2, () => start + Math.floor(rand() * span), 0),
    endTimeUnixMs: maybe(0.2, () => start + Math.floor(rand() * span), 0),
    model: maybe(0.3, () => pick([...MODELS, 'm-none']), ''),
    policy: maybe(0.2, () => pick(POLICIES), ''),
    segment: maybe(0.15, () => pick(['code', 'chat', 'latin', 'cjk', 'default']), ''),
    labels: maybe(
      0.4,
      () => ({ tenant: maybe(0.5, () => pick(TENANTS), ''), userTier: maybe(0.3, () => pick(TIERS), ''), task: maybe(0.2, () => pick(TASKS), ''), session: maybe(0.2, () => pick(SESSIONS), ''), extra: maybe(0.3, () => pick(EXTRA), {}) }),
      null,
    ),
    feedback: pick(['FEEDBACK_FILTER_UNSPECIFIED', 'FEEDBACK_FILTER_WITH', 'FEEDBACK_FILTER_WITHOUT'] as const),
    pageSize: pick([0, 2, 10, 40]),
    pageToken: '',
  };
}
