/**
 * The request-log line every server writes once per RPC: `msg: "rpc"`, the method, the gRPC
 * status, the latency, the ids of the call's span, and what the caller adds (decision id,
 * model, tenant…). OK calls log at info, failures at warn, internal errors at error. Callers
 * pass no prompt text and no key.
 */
import { status } from '@grpc/grpc-js';
import { isSpanContextValid, type Span } from '@opentelemetry/api';
import { statusName } from './grpc/status-name.js';
import { logsAt, type Logger } from './log.js';

const levelOf = (code: number) => (code === status.OK ? 'info' : code === status.INTERNAL || code === status.UNKNOWN ? 'error' : 'warn');

/** Whether a call ending with `code` gets a line at the logger's level: callers skip building the fields when not. */
export function rpcLogged(log: Logger, code: number): boolean {
  return logsAt(log, levelOf(code));
}

export function logRpc(log: Logger, rpc: string, code: number, latencyMs: number, span: Span, fields: Record<string, unknown>): void {
  const level = levelOf(code);
  if (!logsAt(log, level)) return;
  const sc = span.spanContext();
  fields.rpc = rpc;
  fields.status = statusName(code);
  fields.latency_ms = Math.round(latencyMs * 1000) / 1000;
  if (isSpanContextValid(sc)) {
    fields.trace_id = sc.traceId;
    fields.span_id = sc.spanId;
  }
  log[level]('rpc', fields);
}
