/**
 * Runs a translated request through the Execute engine, the same path the gRPC handlers take,
 * for any wire format. A streamed answer opens its HTTP stream only with its first content, so
 * everything that fails before it (validation, no eligible model, every fallback failing before
 * a token) is still answered with an error status; once content has gone out, a failure ends the
 * stream with the wire format's error event, never as a silent, truncated success.
 */
import type { ExecuteRequest__Output } from '../generated/switchyard/v1/ExecuteRequest.js';
import type { Message, Message__Output } from '../generated/switchyard/v1/Message.js';
import type { Decision } from '../router/decide/decide.js';
import type { ExecuteResult } from '../router/execute/execute-types.js';
import type { ToolCall } from '../shared/contracts/provider.js';
import type { ErrorShape, GatewayDeps, GatewayRequest } from './gateway-types.js';
import { HttpError, httpErrorOf, type FieldNamer } from './http-error.js';
import { SseWriter } from './http-io.js';
import { COST_HEADER, costHeader, decisionHeaders, explainTopKOf } from './route-headers.js';

/**
 * An ExecuteRequest as the gRPC layer would decode it (every field present), from the fields a
 * translator sets; messages may leave out what they do not use.
 */
export function executeRequestOf(fields: Omit<Partial<ExecuteRequest__Output>, 'messages'> & { messages: Message[] }): ExecuteRequest__Output {
  const { messages, ...rest } = fields;
  return {
    tools: [],
    responseFormat: null,
    maxOutputTokens: 0,
    requirements: null,
    preferences: null,
    policy: '',
    labels: null,
    strategy: 'STRATEGY_UNSPECIFIED',
    model: '',
    ...rest,
    messages: messages.map((m) => ({ toolCallId: '', name: '', ...m, role: (m.role ?? 'ROLE_UNSPECIFIED') as Message__Output['role'], content: (m.content ?? []) as Message__Output['content'], toolCalls: (m.toolCalls ?? []) as Message__Output['toolCalls'] })),
  };
}

function logger(deps: GatewayDeps) {
  return (msg: string, e: unknown) => deps.log.error(msg, { error: e });
}

/** One complete answer with its routing headers; errors come back as HttpError. */
export async function executeOnce(
  deps: GatewayDeps,
  r: GatewayRequest,
  request: ExecuteRequest__Output,
  fieldName: FieldNamer,
): Promise<{ result: ExecuteResult; headers: Record<string, string> }> {
  try {
    const result = await deps.engine.execute(authorized(deps, request, r), r.signal, undefined, r.caller.rights);
    return { result, headers: { ...decisionHeaders(r.requestId, result.decision, result.model), ...costHeader(result.costUsd) } };
  } catch (e) {
    throw new HttpError(httpErrorOf(e, fieldName, logger(deps)));
  }
}

/** What a wire format writes for each part of a streamed answer. */
export interface StreamSink {
  /** The first content is about to go out, from `model`. */
  begin(sse: SseWriter, model: string, decision: Decision): void;
  textDelta(sse: SseWriter, text: string): void;
  toolCall(sse: SseWriter, call: ToolCall): void;
  /** The answer is complete: write its last events (the stream is then ended). */
  finish(sse: SseWriter, result: ExecuteResult): void;
}

export async function executeStreaming(
  deps: GatewayDeps,
  r: GatewayRequest,
  request: ExecuteRequest__Output,
  fieldName: FieldNamer,
  errors: ErrorShape,
  sink: StreamSink,
): Promise<void> {
  const sse = new SseWriter(r.res);
  let decision: Decision | undefined;
  let model = '';
  const begin = () => {
    if (sse.started) return;
    sse.open({ ...decisionHeaders(r.requestId, decision!, model), trailer: COST_HEADER });
    sink.begin(sse, model, decision!);
  };
  try {
    for await (const ev of deps.engine.executeStream(authorized(deps, request, r), r.signal, undefined, r.caller.rights)) {
      if (r.signal.aborted) break;
      if (ev.type === 'decision') {
        decision = ev.decision;
        model = ev.decision.response.model!;
      } else if (ev.type === 'start') model = ev.model;
      else if (ev.type === 'text-delta') {
        begin();
        sink.textDelta(sse, ev.text);
      } else if (ev.type === 'tool-call') {
        begin();
        sink.toolCall(sse, ev.toolCall);
      } else {
        model = ev.result.model;
        begin();
        sink.finish(sse, ev.result);
        sse.end(costHeader(ev.result.costUsd));
        return;
      }
    }
  } catch (e) {
    if (r.signal.aborted) return;
    const info = httpErrorOf(e, fieldName, logger(deps));
    if (!sse.started) throw new HttpError(info);
    const ev = errors.streamEvent(info);
    sse.send(ev.data, ev.event);
    sse.end();
    return;
  }
  // The client went away: the engine saw the same signal and stopped; nothing is left to write.
  if (!r.res.destroyed) r.res.destroy();
}

/**
 * The request held to the caller's rights (PERMISSION_DENIED names the rule it breaks; unchanged
 * without tenancy), with the explain_top_k its headers ask for.
 */
function authorized(deps: GatewayDeps, request: ExecuteRequest__Output, r: GatewayRequest): ExecuteRequest__Output {
  const topK = explainTopKOf(r.req.headers);
  const asked = topK === undefined ? request : { ...request, explainTopK: topK };
  return deps.tenancy ? deps.tenancy.authorize(asked, r.caller.rights) : asked;
}
