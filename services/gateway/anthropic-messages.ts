/**
 * `POST /v1/messages` in Anthropic's wire format: the answer as a message, or streamed with the
 * real event sequence (message_start, ping, content_block_start / _delta / _stop per block,
 * message_delta with the stop reason and usage, message_stop). A stream that fails after it
 * began ends with an `error` event, which Anthropic's SDKs raise.
 */
import type { ExecuteResult } from '../router/execute/execute-types.js';
import type { FinishReason, ToolCall, Usage } from '../shared/contracts/provider.js';
import { anthropicMessagesRequest } from './anthropic-messages-request.js';
import type { ErrorShape, GatewayDeps, GatewayRoute } from './gateway-types.js';
import type { HttpErrorInfo } from './http-error.js';
import { readJsonObject, sendJson, type SseWriter } from './http-io.js';
import { executeOnce, executeStreaming } from './run-execute.js';

function anthropicError(e: HttpErrorInfo) {
  // Anthropic has no type for a gateway timeout; its SDKs branch on the status, not the type.
  return { type: 'error', error: { type: e.type === 'timeout_error' ? 'api_error' : e.type, message: e.message } };
}

export const anthropicErrors: ErrorShape = {
  body: anthropicError,
  streamEvent: (e) => ({ event: 'error', data: anthropicError(e) }),
};

export function anthropicStopReason(r: FinishReason): string {
  switch (r) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/** Anthropic counts cached and cache-write tokens apart from input_tokens; Usage counts them in it. */
function usageOf(u: Usage) {
  return {
    input_tokens: Math.max(0, u.inputTokens - u.cachedInputTokens - u.cacheWriteTokens),
    output_tokens: u.outputTokens,
    cache_creation_input_tokens: u.cacheWriteTokens,
    cache_read_input_tokens: u.cachedInputTokens,
  };
}

function parsedInput(c: ToolCall): unknown {
  try {
    return JSON.parse(c.arguments || '{}');
  } catch {
    return {};
  }
}

function message(result: ExecuteResult) {
  const { text, toolCalls } = result.message;
  return {
    id: `msg_${result.decision.response.decisionId}`,
    type: 'message',
    role: 'assistant',
    model: result.model,
    content: [...(text ? [{ type: 'text', text }] : []), ...toolCalls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: parsedInput(c) }))],
    stop_reason: anthropicStopReason(result.finishReason),
    stop_sequence: null,
    usage: usageOf(result.usage),
  };
}

/** Content blocks of a streamed message: a text block is opened by the first text and closed by a tool call or the end. */
class BlockWriter {
  private index = -1;
  private textOpen = false;

  constructor(private readonly sse: SseWriter) {}

  text(text: string): void {
    if (!this.textOpen) {
      this.index++;
      this.textOpen = true;
      this.sse.send({ type: 'content_block_start', index: this.index, content_block: { type: 'text', text: '' } }, 'content_block_start');
    }
    this.sse.send({ type: 'content_block_delta', index: this.index, delta: { type: 'text_delta', text } }, 'content_block_delta');
  }

  toolUse(c: ToolCall): void {
    this.closeText();
    this.index++;
    this.sse.send({ type: 'content_block_start', index: this.index, content_block: { type: 'tool_use', id: c.id, name: c.name, input: {} } }, 'content_block_start');
    this.sse.send({ type: 'content_block_delta', index: this.index, delta: { type: 'input_json_delta', partial_json: c.arguments || '{}' } }, 'content_block_delta');
    this.sse.send({ type: 'content_block_stop', index: this.index }, 'content_block_stop');
  }

  closeText(): void {
    if (!this.textOpen) return;
    this.textOpen = false;
    this.sse.send({ type: 'content_block_stop', index: this.index }, 'content_block_stop');
  }
}

export function messagesRoute(deps: GatewayDeps): GatewayRoute {
  const limit = deps.config.server.max_request_bytes * 2 + 1024 * 1024;
  return {
    method: 'POST',
    path: '/v1/messages',
    errors: anthropicErrors,
    async handle(r) {
      const body = await readJsonObject(r.req, limit);
      const { request, stream, fieldName } = anthropicMessagesRequest(body, r.caller);
      if (!stream) {
        const { result, headers } = await executeOnce(deps, r, request, fieldName);
        sendJson(r.res, 200, message(result), headers);
        return;
      }
      let blocks: BlockWriter | undefined;
      await executeStreaming(deps, r, request, fieldName, anthropicErrors, {
        begin(sse, model, decision) {
          blocks = new BlockWriter(sse);
          const usage = { input_tokens: decision.response.features?.estimatedInputTokens ?? 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
          const start = { id: `msg_${decision.response.decisionId}`, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage };
          sse.send({ type: 'message_start', message: start }, 'message_start');
          sse.send({ type: 'ping' }, 'ping');
        },
        textDelta: (_sse, text) => blocks!.text(text),
        toolCall: (_sse, call) => blocks!.toolUse(call),
        finish(sse, result) {
          blocks!.closeText();
          sse.send({ type: 'message_delta', delta: { stop_reason: anthropicStopReason(result.finishReason), stop_sequence: null }, usage: usageOf(result.usage) }, 'message_delta');
          sse.send({ type: 'message_stop' }, 'message_stop');
        },
      });
    },
  };
}
