/**
 * DecideResponse in protobuf wire format, written directly: the Decide RPC's response encoder.
 * grpc-js with proto-loader encodes a response by first converting the object to protobufjs
 * message objects (fromObject) and then through protobufjs's Writer, which allocates an
 * operation per field; for a decision that cost about half as much as making it. This writer
 * knows the message's fields (router_service.proto, routing.proto) and writes them into one
 * reused buffer (record/wire-writer.ts). Fields holding their proto3 default are left out, as
 * the format allows; a decoder gives back the same message (test/grpc checks it against
 * proto-loader's decoder).
 *
 * The candidate rows are most of a response's bytes, and the decision record holds the same
 * rows (RecordCandidate's fields 1 to 9 are Candidate's): the Decide response's encoder notes
 * where each row lies in the response it wrote last (`writtenCandidates`), so the record's
 * encoder copies those bytes instead of encoding the rows again. Decide records its decision
 * right after its response is written, so that response is the one noted.
 */
import type { DecideResponse__Output as DecideResponse } from '../../generated/switchyard/v1/DecideResponse.js';
import { WireWriter } from '../record/wire-writer.js';

const STRATEGY: Record<string, number> = { STRATEGY_UNSPECIFIED: 0, STRATEGY_SINGLE: 1, STRATEGY_CASCADE: 2, STRATEGY_SPECULATIVE: 3 };

const LEN = 2;
const VARINT = 0;
const FIXED64 = 1;

/** One writer for every response: encoding is synchronous, so no two calls share it at once. */
const own = new WireWriter();

/** Where the candidate rows of a response lie in its bytes. */
export interface WrittenCandidates {
  /** The response's bytes (as `encodeDecideResponse` returned them; never written again). */
  readonly bytes: Uint8Array;
  /** Rows noted: as many as the response's candidates. */
  readonly count: number;
  /** Row i's key (field 4) is byte spans[3i]; its fields (after its length) are bytes spans[3i+1] to spans[3i+2], where row i+1's key is. */
  readonly spans: Int32Array;
}

const written = { response: undefined as DecideResponse | undefined, bytes: new Uint8Array(0) as Uint8Array, count: 0, spans: new Int32Array(64) };

/** The candidate rows of `response` as they were written, when it is the response written last. */
export function writtenCandidates(response: DecideResponse): WrittenCandidates | undefined {
  return written.response === response ? written : undefined;
}

function text(w: WireWriter, field: number, s: string | undefined): void {
  if (s) w.tag(field, LEN).string(s);
}

/** A string from a small repeating set (model ids, providers, policies). */
function known(w: WireWriter, field: number, s: string | undefined): void {
  if (s) w.tag(field, LEN).known(s);
}

function double(w: WireWriter, field: number, v: number | undefined): void {
  // -0 and NaN are written, as protobufjs writes them; only +0 is the default.
  if (v !== undefined && !Object.is(v, 0)) w.tag(field, FIXED64).double(v);
}

function uint(w: WireWriter, field: number, v: number | undefined): void {
  if (v) w.tag(field, VARINT).int64(v);
}

export function encodeDecideResponse(r: DecideResponse): Buffer {
  own.reset();
  written.response = undefined;
  const rows = r.candidates?.length ?? 0;
  if (written.spans.length < 3 * rows) written.spans = new Int32Array(6 * rows);
  writeDecideResponse(own, r, written.spans);
  const out = own.finish();
  written.response = r;
  written.bytes = out;
  written.count = rows;
  return out;
}

/**
 * Writes the fields of `r` at the writer's position, as the body of a DecideResponse: the whole
 * message after `reset`, or a nested one between `fork` and `ldelim` (ExecuteResponse.decision).
 * With `spans`, notes where each candidate row lies (see WrittenCandidates).
 */
export function writeDecideResponse(w: WireWriter, r: DecideResponse, spans?: Int32Array): void {
  text(w, 1, r.decisionId);
  known(w, 2, r.model);
  for (const f of r.fallbacks ?? []) w.tag(3, LEN).known(f);
  const candidates = r.candidates ?? [];
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    if (spans) spans[3 * i] = w.length;
    w.tag(4, LEN);
    const slot = w.fork();
    known(w, 1, c.model);
    known(w, 2, c.provider);
    if (c.eligible) w.tag(3, VARINT).bool(true);
    text(w, 4, c.excludedReason);
    double(w, 5, c.predictedQuality);
    double(w, 6, c.estimatedCostUsd);
    double(w, 7, c.estimatedLatencyMs);
    double(w, 8, c.score);
    uint(w, 9, c.rank);
    const size = w.length - slot - 1;
    w.ldelim(slot);
    if (spans) {
      spans[3 * i + 1] = w.length - size;
      spans[3 * i + 2] = w.length;
    }
  }
  text(w, 5, r.reason);
  if (r.plan) {
    w.tag(6, LEN);
    const slot = w.fork();
    const strategy = typeof r.plan.strategy === 'number' ? r.plan.strategy : (STRATEGY[r.plan.strategy] ?? 0);
    if (strategy) w.tag(1, VARINT).int32(strategy);
    for (const m of r.plan.models ?? []) w.tag(2, LEN).known(m);
    for (const c of r.plan.checks ?? []) w.tag(3, LEN).string(c);
    w.ldelim(slot);
  }
  known(w, 7, r.policy);
  for (const m of r.matchedRules ?? []) w.tag(8, LEN).known(m);
  if (r.features) {
    w.tag(9, LEN);
    const slot = w.fork();
    uint(w, 1, r.features.estimatedInputTokens);
    text(w, 2, r.features.script);
    uint(w, 3, r.features.promptChars);
    w.ldelim(slot);
  }
  uint(w, 10, Number(r.decisionTimeNs ?? 0));
  known(w, 11, r.routerModel);
}
