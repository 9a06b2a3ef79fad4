/**
 * What the decision log's index needs of one stored entry, read straight from its protobuf
 * bytes: the fields ListDecisions filters on and GetDecision joins by, nothing else. The
 * candidates, features (but the script), plan and attempts are skipped over by their length,
 * so indexing an entry costs a small part of decoding it (record-codec.ts `decodeEntry`).
 *
 * Field numbers are those of proto/switchyard/v1/decision_record.proto and routing.proto
 * (Labels); the index equivalence test (test/record/segment-index-equivalence.test.ts) fails
 * when they drift. As in a full decode, a record of a newer schema version is not read, and the
 * last occurrence of a field wins.
 */
import protobuf from 'protobufjs';
import { RECORD_VERSION } from './record-codec.js';

export interface RecordFields {
  kind: 'record';
  id: string;
  timeUnixMs: number;
  model: string;
  /** The outcome's answering model; '' without an outcome. */
  answered: string;
  policy: string;
  tenant: string;
  userTier: string;
  task: string;
  session: string;
  /** The routing-data segment (decision-views.ts `segmentOf`). */
  segment: string;
  /** The `extra` labels as canonical JSON (sorted pairs), '' when there are none. */
  extra: string;
}

/** Feedback: its target is the decision id, or `episode:<id>` (as ViewFolder joins it). */
export interface FeedbackFields {
  kind: 'feedback';
  target: string;
}

export interface OutcomeFields {
  kind: 'outcome';
  id: string;
  model: string;
}

export type EntryFields = RecordFields | FeedbackFields | OutcomeFields;

type Reader = protobuf.Reader;
const LEN = 2;

function end(r: Reader): number {
  return r.uint32() + r.pos;
}

function int64(r: Reader): number {
  const v = r.int64() as unknown as number | { toNumber(): number };
  return typeof v === 'number' ? v : v.toNumber();
}

/** Calls `field` for every field of the message ending at `stop`; what it does not consume is skipped. */
function fields(r: Reader, stop: number, field: (no: number, wire: number) => boolean): void {
  while (r.pos < stop) {
    const tag = r.uint32();
    if (!field(tag >>> 3, tag & 7)) r.skipType(tag & 7);
  }
}

function labels(r: Reader, out: RecordFields): Record<string, string> {
  const extra: Record<string, string> = Object.create(null);
  fields(r, end(r), (no, wire) => {
    if (wire !== LEN) return false;
    if (no === 1) out.tenant = r.string();
    else if (no === 2) out.userTier = r.string();
    else if (no === 3) out.task = r.string();
    else if (no === 4) out.session = r.string();
    else if (no === 5) {
      let k = '';
      let v = '';
      fields(r, end(r), (n, w) => {
        if (w !== LEN || (n !== 1 && n !== 2)) return false;
        if (n === 1) k = r.string();
        else v = r.string();
        return true;
      });
      extra[k] = v;
    } else return false;
    return true;
  });
  return extra;
}

/** The field `no` (a string) of the submessage at the reader, '' when absent. */
function stringField(r: Reader, no: number): string {
  let out = '';
  fields(r, end(r), (n, w) => {
    if (n !== no || w !== LEN) return false;
    out = r.string();
    return true;
  });
  return out;
}

function record(r: Reader): RecordFields | undefined {
  const out: RecordFields = { kind: 'record', id: '', timeUnixMs: 0, model: '', answered: '', policy: '', tenant: '', userTier: '', task: '', session: '', segment: '', extra: '' };
  let version = 0;
  let script = '';
  let extra: Record<string, string> | undefined;
  fields(r, end(r), (no, wire) => {
    if (no === 1 && wire === 0) version = r.uint32();
    else if (no === 3 && wire === 0) out.timeUnixMs = int64(r);
    else if (wire !== LEN) return false;
    else if (no === 2) out.id = r.string();
    else if (no === 5) {
      out.tenant = out.userTier = out.task = out.session = '';
      extra = labels(r, out);
    } else if (no === 6) out.policy = r.string();
    else if (no === 10) script = stringField(r, 3);
    else if (no === 12) out.model = r.string();
    else if (no === 19) out.answered = stringField(r, 2);
    else return false;
    return true;
  });
  if (version > RECORD_VERSION) return undefined;
  out.segment = out.task || script || 'default';
  const pairs = extra ? Object.entries(extra).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
  out.extra = pairs.length ? JSON.stringify(pairs) : '';
  return out;
}

function feedback(r: Reader): FeedbackFields {
  let id = '';
  let episode = '';
  fields(r, end(r), (no, wire) => {
    if (wire !== LEN || (no !== 1 && no !== 2)) return false;
    if (no === 1) id = r.string();
    else episode = r.string();
    return true;
  });
  return { kind: 'feedback', target: id || `episode:${episode}` };
}

function outcome(r: Reader): OutcomeFields {
  const out: OutcomeFields = { kind: 'outcome', id: '', model: '' };
  fields(r, end(r), (no, wire) => {
    if (wire !== LEN || (no !== 1 && no !== 2)) return false;
    if (no === 1) out.id = r.string();
    else out.model = r.string();
    return true;
  });
  return out;
}

/** The indexed fields of one encoded DecisionLogEntry; undefined when it is none the log reads (or cannot be read). */
export function entryFields(payload: Uint8Array): EntryFields | undefined {
  try {
    const r = protobuf.Reader.create(payload);
    let out: EntryFields | undefined;
    fields(r, r.len, (no, wire) => {
      if (wire !== LEN || no < 1 || no > 3) return false;
      out = no === 1 ? record(r) : no === 2 ? feedback(r) : outcome(r);
      return true;
    });
    return out;
  } catch {
    return undefined;
  }
}
