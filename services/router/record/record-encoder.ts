/**
 * Encodes a decision's record straight from what Decide and Execute already hold (the
 * PendingRecord's references) into the protobuf wire format of `DecisionLogEntry{record}`,
 * into one reused buffer (WireWriter): no intermediate DecisionRecord object, no enum-name conversion
 * (enum numbers come from the proto files once), no default values written. It produces what
 * RecordBuilder.build + encodeEntry produce (decoding either gives an equal entry; a test holds
 * this for many decisions) at a fraction of the CPU, which matters because records are encoded
 * on the process's one JavaScript thread, between requests.
 *
 * Field numbers are those of proto/switchyard/v1/decision_record.proto (and Labels,
 * StrategyPlan and Usage); a change there needs a change here, and the equivalence test fails
 * until it is made.
 */
import type { Config } from '../../shared/config/schema.js';
import type { AttemptInfo } from '../../shared/contracts/invoke.js';
import type { ChatMessage, Usage } from '../../shared/contracts/provider.js';
import { finishToProto } from '../../shared/grpc/convert.js';
import type { Labels } from '../../generated/switchyard/v1/Labels.js';
import type { Decision } from '../decide/decide.js';
import { writtenCandidates } from '../decide/decide-response-wire.js';
import { ExecuteFailedError } from '../execute/execute-types.js';
import type { PendingRecord, RecordBuilder } from './build-record.js';
import type { RecordFields } from './entry-index-fields.js';
import { messageText, promptDigest } from './prompt-hash.js';
import { RECORD_VERSION, enumValues } from './record-codec.js';
import { WireWriter } from './wire-writer.js';

type W = WireWriter;

interface Enums {
  source: Record<PendingRecord['source'], number>;
  role: Record<ChatMessage['role'], number>;
  responseFormat: Record<string, number>;
  capability: Record<string, number>;
  strategy: Record<string, number>;
  finish: Record<string, number>;
}

let enums: Enums | undefined;

/** Enum numbers by the names the code uses, read from the protos once. */
function enumNumbers(): Enums {
  if (enums) return enums;
  const src = enumValues('switchyard.v1.RecordSource');
  const role = enumValues('switchyard.v1.Role');
  const rf = enumValues('switchyard.v1.ResponseFormatType');
  const cap = enumValues('switchyard.v1.Capability');
  enums = {
    source: { decide: src.RECORD_SOURCE_DECIDE!, execute: src.RECORD_SOURCE_EXECUTE!, execute_stream: src.RECORD_SOURCE_EXECUTE_STREAM! },
    role: { system: role.ROLE_SYSTEM!, user: role.ROLE_USER!, assistant: role.ROLE_ASSISTANT!, tool: role.ROLE_TOOL! },
    responseFormat: { text: rf.RESPONSE_FORMAT_TYPE_TEXT!, json_object: rf.RESPONSE_FORMAT_TYPE_JSON_OBJECT!, json_schema: rf.RESPONSE_FORMAT_TYPE_JSON_SCHEMA! },
    capability: { tools: cap.CAPABILITY_TOOLS!, vision: cap.CAPABILITY_VISION!, json_output: cap.CAPABILITY_JSON_OUTPUT!, streaming: cap.CAPABILITY_STREAMING! },
    strategy: enumValues('switchyard.v1.Strategy'),
    finish: enumValues('switchyard.v1.FinishReason'),
  };
  return enums;
}

function str(w: W, field: number, v: string | undefined): void {
  if (v) w.tag(field, 2).string(v);
}
/** A string that repeats across records (see WireWriter.known). */
function known(w: W, field: number, v: string | undefined): void {
  if (v) w.tag(field, 2).known(v);
}
function u32(w: W, field: number, v: number | undefined): void {
  if (v) w.tag(field, 0).uint32(v);
}
function u64(w: W, field: number, v: number | undefined): void {
  if (v) w.tag(field, 0).int64(v);
}
function dbl(w: W, field: number, v: number | undefined): void {
  // proto3 leaves 0 out; -0 and NaN are not 0 to the wire, and protobufjs writes them too.
  if (v !== undefined && (v !== 0 || Object.is(v, -0))) w.tag(field, 1).double(v);
}
function bool(w: W, field: number, v: boolean | undefined): void {
  if (v) w.tag(field, 0).bool(true);
}
function knowns(w: W, field: number, vs: readonly string[] | undefined): void {
  if (vs) for (const v of vs) w.tag(field, 2).known(v);
}

function labels(w: W, l: Labels): void {
  const lb = w.tag(5, 2).fork();
  known(w, 1, l.tenant);
  known(w, 2, l.userTier);
  known(w, 3, l.task);
  str(w, 4, l.session);
  if (l.extra)
    for (const k of Object.keys(l.extra)) {
      const e = w.tag(5, 2).fork();
      w.tag(1, 2).string(k).tag(2, 2).string(l.extra[k]!);
      w.ldelim(e);
    }
  w.ldelim(lb);
}

function usage(w: W, field: number, u: Usage): void {
  const us = w.tag(field, 2).fork();
  u64(w, 1, u.inputTokens);
  u64(w, 2, u.outputTokens);
  u64(w, 3, u.cachedInputTokens);
  u64(w, 4, u.cacheWriteTokens);
  w.ldelim(us);
}

function attempt(w: W, a: AttemptInfo): void {
  const at = w.tag(1, 2).fork();
  known(w, 1, a.model);
  known(w, 2, a.deployment);
  known(w, 3, a.step);
  known(w, 4, a.outcome);
  str(w, 5, a.error);
  dbl(w, 6, a.latencyMs);
  dbl(w, 7, a.ttftMs);
  usage(w, 8, a.usage);
  dbl(w, 9, a.costUsd);
  w.ldelim(at);
}

/** The key of a record's candidate row: field 11, length-delimited. */
const CANDIDATE_KEY = (11 << 3) | 2;

/** The probability with which the decision could have chosen `model` (1 for the chosen one of a deterministic decision). */
function choiceProbability(d: Decision, model: string | undefined): number {
  if (d.propensities) return d.propensities.get(model ?? '') ?? 0;
  return model === d.response.model ? 1 : 0;
}

/**
 * The record's candidate rows (field 11). Each is the response's row (fields 1 to 9) and its
 * choice probability (field 10): when Decide's response was just written, its rows' bytes are
 * copied (decide-response-wire.ts) rather than encoded again.
 */
function candidates(w: W, d: Decision): void {
  const rows = d.response.candidates ?? [];
  const written = writtenCandidates(d.response);
  if (written && written.count === rows.length && rows.length > 0) {
    const { bytes, spans } = written;
    // A deterministic decision's chosen model is its first row, and only it has a probability
    // (1): the other rows differ from the response's in their key alone (field 11, not 4), so
    // they are copied at once and their keys rewritten.
    const from = d.propensities || rows[0]!.model !== d.response.model ? rows.length : 1;
    for (let i = 0; i < from; i++) {
      const p = choiceProbability(d, rows[i]!.model);
      const start = spans[3 * i + 1]!;
      const end = spans[3 * i + 2]!;
      // A 64-bit field takes 9 bytes: its key (one byte) and 8.
      w.tag(11, 2).uint32(end - start + (p === 0 ? 0 : 9)).bytes(bytes, start, end);
      if (p !== 0) w.tag(10, 1).double(p);
    }
    if (from < rows.length) {
      const first = spans[3 * from]!;
      const base = w.length - first;
      w.bytes(bytes, first, spans[3 * rows.length - 1]!);
      for (let i = from; i < rows.length; i++) w.patch(base + spans[3 * i]!, CANDIDATE_KEY);
    }
    return;
  }
  for (const c of rows) {
    const cand = w.tag(11, 2).fork();
    known(w, 1, c.model);
    known(w, 2, c.provider);
    bool(w, 3, c.eligible);
    known(w, 4, c.excludedReason);
    dbl(w, 5, c.predictedQuality);
    dbl(w, 6, c.estimatedCostUsd);
    dbl(w, 7, c.estimatedLatencyMs);
    dbl(w, 8, c.score);
    u32(w, 9, c.rank);
    dbl(w, 10, choiceProbability(d, c.model));
    w.ldelim(cand);
  }
}

export class RecordEncoder {
  private readonly e = enumNumbers();
  private readonly w = new WireWriter();
  /** Where `encodeTransient` writes, each record over the last. */
  private readonly scratch = new WireWriter();

  constructor(
    private readonly config: Config,
    private readonly builder: RecordBuilder,
    private readonly configHash: string,
  ) {}

  /** The bytes of `DecisionLogEntry{record}` for this pending record (a view, never written again). */
  encode(p: PendingRecord): Uint8Array {
    const w = this.w.reset();
    const entry = w.tag(1, 2).fork();
    this.record(w, p);
    w.ldelim(entry);
    return w.finish();
  }

  /**
   * `encode`, into one buffer written again by the next call: for a caller that copies the bytes
   * at once (the decision log's queue), so no buffer is allocated as records go by.
   */
  encodeTransient(p: PendingRecord): Uint8Array {
    const w = this.scratch.rewind();
    const entry = w.tag(1, 2).fork();
    this.record(w, p);
    w.ldelim(entry);
    return w.finish();
  }

  /**
   * The index fields (entry-index-fields.ts) of the record `encode` writes for `p`, taken from
   * the decision rather than read back from the bytes: what `entryFields` of those bytes gives
   * (a test holds the two equal for many decisions and endings).
   */
  fields(p: PendingRecord): RecordFields {
    const r = p.decision.response;
    const l = p.decision.request.labels;
    const task = l.task ?? '';
    let extra = '';
    if (l.extra) {
      const keys = Object.keys(l.extra);
      if (keys.length > 0) extra = JSON.stringify(keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((k) => [k, l.extra![k]]));
    }
    return {
      kind: 'record',
      id: r.decisionId ?? '',
      timeUnixMs: p.timeUnixMs ? Math.floor(p.timeUnixMs) : 0,
      model: r.model ?? '',
      answered: p.source === 'decide' ? '' : (p.result?.model ?? ''),
      policy: r.policy ?? '',
      tenant: l.tenant ?? '',
      userTier: l.userTier ?? '',
      task,
      session: l.session ?? '',
      segment: task || r.features?.script || 'default',
      extra,
    };
  }

  private record(w: W, p: PendingRecord): void {
    const { decision } = p;
    const r = decision.response;
    const req = decision.request;
    const e = this.e;
    u32(w, 1, RECORD_VERSION);
    str(w, 2, r.decisionId);
    if (p.timeUnixMs) w.tag(3, 0).int64(p.timeUnixMs);
    u32(w, 4, e.source[p.source]);
    labels(w, req.labels);
    known(w, 6, r.policy);
    knowns(w, 7, r.matchedRules);
    known(w, 8, this.configHash);
    known(w, 9, r.routerModel);
    // features
    const features = w.tag(10, 2).fork();
    u32(w, 1, decision.estimate.inputTokens);
    u32(w, 2, r.features?.promptChars);
    known(w, 3, r.features?.script);
    u32(w, 4, req.messages.length);
    u32(w, 5, req.tools.length);
    u32(w, 6, req.imageCount);
    u32(w, 7, e.responseFormat[req.responseFormat.type]);
    u32(w, 8, req.maxOutputTokens);
    if (req.requiredCapabilities.size > 0) {
      const packed = w.tag(9, 2).fork();
      for (const c of req.requiredCapabilities) w.int32(e.capability[c]!);
      w.ldelim(packed);
    }
    u32(w, 10, decision.estimate.expectedOutputTokens);
    w.ldelim(features);
    candidates(w, decision);
    known(w, 12, r.model);
    knowns(w, 13, r.fallbacks);
    if (r.plan) {
      const plan = w.tag(14, 2).fork();
      u32(w, 1, typeof r.plan.strategy === 'number' ? r.plan.strategy : e.strategy[r.plan.strategy ?? '']);
      knowns(w, 2, r.plan.models);
      knowns(w, 3, r.plan.checks);
      w.ldelim(plan);
    }
    str(w, 15, r.reason);
    u64(w, 16, r.decisionTimeNs as number);
    w.tag(17, 2).hex(promptDigest(req.messages));
    if (this.config.router.prompt_logging) {
      for (const m of req.messages) {
        const msg = w.tag(18, 2).fork();
        u32(w, 1, e.role[m.role]);
        str(w, 2, this.builder.clean(messageText(m)));
        w.ldelim(msg);
      }
    }
    if (p.source !== 'decide') this.outcome(w, p);
  }

  private outcome(w: W, p: PendingRecord): void {
    const res = p.result;
    const attempts = res?.attempts ?? (p.error instanceof ExecuteFailedError ? p.error.attempts : []);
    const total: Usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0 };
    let cost = 0;
    let checks = false;
    let escalations = 0;
    for (const a of attempts) {
      total.inputTokens += a.usage.inputTokens;
      total.outputTokens += a.usage.outputTokens;
      total.cachedInputTokens += a.usage.cachedInputTokens;
      total.cacheWriteTokens += a.usage.cacheWriteTokens;
      cost += a.costUsd;
      if (a.check) checks = true;
      if (a.outcome === 'rejected') escalations++;
    }
    const chosen = p.decision.response.model;
    const reference = this.builder.referenceModel(p.decision.response.policy!);
    let answering: AttemptInfo | undefined;
    if (res) for (let i = attempts.length - 1; i >= 0 && !answering; i--) if (attempts[i]!.model === res.model && attempts[i]!.outcome === 'success') answering = attempts[i];

    const out = w.tag(19, 2).fork();
    for (const a of attempts) attempt(w, a);
    known(w, 2, res?.model);
    bool(w, 3, res !== undefined && res.model === chosen);
    str(w, 4, res?.responseModel);
    str(w, 5, res?.systemFingerprint);
    u32(w, 6, this.e.finish[res ? finishToProto(res.finishReason) : 'FINISH_REASON_ERROR']);
    str(w, 7, this.builder.errorCode(p.error));
    usage(w, 8, total);
    dbl(w, 9, cost);
    known(w, 10, reference);
    dbl(w, 11, answering ? this.builder.costOf(reference, answering.usage) : 0);
    dbl(w, 12, p.latencyMs);
    dbl(w, 13, p.ttftMs);
    if (checks)
      for (const a of attempts) {
        if (!a.check) continue;
        const check = w.tag(14, 2).fork();
        known(w, 1, a.model);
        str(w, 2, a.check);
        bool(w, 3, a.outcome !== 'rejected');
        w.ldelim(check);
      }
    u32(w, 15, escalations);
    if (this.config.router.prompt_logging && res) str(w, 16, this.builder.clean(res.message.text));
    w.ldelim(out);
  }
}
