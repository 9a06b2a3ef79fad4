/**
 * ExecuteResponse and ExecuteStreamResponse in protobuf wire format, written directly: the
 * Execute and ExecuteStream responses' encoders, as decide/decide-response-wire.ts is Decide's.
 * An ExecuteResponse carries the whole decision, which protobufjs's fromObject and Writer
 * encoded field by field with an object per field; here the decision is written in place as a
 * nested message by the same code that writes Decide's answers. Fields holding their proto3
 * default are left out, as protobufjs leaves them out; a oneof member that is set is written
 * even when it holds its default (an empty text delta), as protobufjs writes it. test/grpc holds
 * the bytes to proto-loader's decoding of its own encoding on random messages.
 */
import type { Attempt } from '../generated/switchyard/v1/Attempt.js';
import type { ExecuteResponse } from '../generated/switchyard/v1/ExecuteResponse.js';
import type { ExecuteStreamResponse } from '../generated/switchyard/v1/ExecuteStreamResponse.js';
import type { ToolCall } from '../generated/switchyard/v1/ToolCall.js';
import type { Usage } from '../generated/switchyard/v1/Usage.js';
import type { DecideResponse__Output as DecideResponse } from '../generated/switchyard/v1/DecideResponse.js';
import { writeDecideResponse } from './decide/decide-response-wire.js';
import { WireWriter } from './record/wire-writer.js';

const FINISH: Record<string, number> = {
  FINISH_REASON_UNSPECIFIED: 0,
  FINISH_REASON_STOP: 1,
  FINISH_REASON_LENGTH: 2,
  FINISH_REASON_TOOL_CALLS: 3,
  FINISH_REASON_CONTENT_FILTER: 4,
  FINISH_REASON_ERROR: 5,
  FINISH_REASON_OTHER: 6,
};
const OUTCOME: Record<string, number> = {
  ATTEMPT_OUTCOME_UNSPECIFIED: 0,
  ATTEMPT_OUTCOME_SUCCESS: 1,
  ATTEMPT_OUTCOME_REJECTED: 2,
  ATTEMPT_OUTCOME_RETRYABLE_ERROR: 3,
  ATTEMPT_OUTCOME_FATAL_ERROR: 4,
  ATTEMPT_OUTCOME_SKIPPED: 5,
};
const CHECK: Record<string, number> = { CHECK_STATUS_UNSPECIFIED: 0, CHECK_STATUS_PASSED: 1, CHECK_STATUS_FAILED: 2 };

const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;

/** One writer for every response: encoding is synchronous, so no two calls share it at once. */
const w = new WireWriter();

/** A 64-bit integer as the generated input types allow it (number, decimal string or Long). */
type Int64 = number | string | { toString(): string } | null | undefined;

function text(field: number, s: string | undefined): void {
  if (s) w.tag(field, LEN).string(s);
}

function known(field: number, s: string | undefined): void {
  if (s) w.tag(field, LEN).known(s);
}

function double(field: number, v: number | string | undefined): void {
  if (v === undefined) return;
  const x = Number(v);
  // -0 and NaN are written, as protobufjs writes them; only +0 is the default.
  if (!Object.is(x, 0)) w.tag(field, FIXED64).double(x);
}

function uint(field: number, v: Int64): void {
  const x = typeof v === 'number' ? v : v == null ? 0 : Number(v.toString());
  if (x) w.tag(field, VARINT).int64(x);
}

function enumField(field: number, v: string | number | undefined, names: Record<string, number>): void {
  const x = typeof v === 'number' ? v : v === undefined ? 0 : (names[v] ?? 0);
  if (x) w.tag(field, VARINT).int32(x);
}

function usage(field: number, u: Usage | null | undefined): void {
  if (!u) return;
  w.tag(field, LEN);
  const slot = w.fork();
  uint(1, u.inputTokens);
  uint(2, u.outputTokens);
  uint(3, u.cachedInputTokens);
  uint(4, u.cacheWriteTokens);
  w.ldelim(slot);
}

function toolCall(field: number, c: ToolCall): void {
  w.tag(field, LEN);
  const slot = w.fork();
  text(1, c.id);
  known(2, c.name);
  text(3, c.argumentsJson);
  w.ldelim(slot);
}

function attempt(a: Attempt): void {
  w.tag(7, LEN);
  const slot = w.fork();
  known(1, a.model);
  known(2, a.deployment);
  known(3, a.step);
  enumField(4, a.outcome, OUTCOME);
  text(5, a.error);
  double(6, a.latencyMs);
  usage(7, a.usage);
  double(8, a.costUsd);
  text(9, a.check);
  w.ldelim(slot);
}

function decision(field: number, d: DecideResponse): void {
  w.tag(field, LEN);
  const slot = w.fork();
  writeDecideResponse(w, d);
  w.ldelim(slot);
}

function writeExecuteResponse(r: ExecuteResponse): void {
  text(1, r.decisionId);
  known(2, r.model);
  if (r.message) {
    w.tag(3, LEN);
    const slot = w.fork();
    text(1, r.message.text);
    for (const c of r.message.toolCalls ?? []) toolCall(2, c);
    w.ldelim(slot);
  }
  enumField(4, r.finishReason, FINISH);
  usage(5, r.usage);
  double(6, r.costUsd);
  for (const a of r.attempts ?? []) attempt(a);
  if (r.decision) decision(8, r.decision as DecideResponse);
  enumField(9, r.checkStatus, CHECK);
  text(10, r.checkReason);
  known(11, r.responseModel);
  text(12, r.systemFingerprint);
}

export function encodeExecuteResponse(r: ExecuteResponse): Buffer {
  w.reset();
  writeExecuteResponse(r);
  return w.finish() as Buffer;
}

/** One event of ExecuteStream: the member of the `event` oneof that is set. */
export function encodeExecuteStreamResponse(r: ExecuteStreamResponse): Buffer {
  w.reset();
  if (r.decision != null) decision(1, r.decision as DecideResponse);
  if (r.textDelta != null) w.tag(2, LEN).string(r.textDelta);
  if (r.toolCall != null) toolCall(3, r.toolCall);
  if (r.done != null) {
    w.tag(4, LEN);
    const slot = w.fork();
    writeExecuteResponse(r.done);
    w.ldelim(slot);
  }
  return w.finish() as Buffer;
}
