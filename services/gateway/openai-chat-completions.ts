/**
 * `POST /v1/chat/completions` in OpenAI's wire format: the answer as a chat.completion, or
 * streamed as chat.completion.chunk events ending in `data: [DONE]` (with
 * `stream_options.include_usage`, a last chunk that carries only the usage). A stream that fails
 * after it began ends with a `data: {"error": ...}` event, which OpenAI's SDKs raise.
 */
import type { ExecuteResult } from '../router/execute/execute-types.js';
import type { FinishReason, ToolCall, Usage } from '../shared/contracts/provider.js';
import type { ErrorShape, GatewayDeps, GatewayRoute } from './gateway-types.js';
import type { HttpErrorInfo } from './http-error.js';
import { readJsonObject, sendJson } from './http-io.js';
import { openAIChatRequest, openAIFieldName } from './openai-chat-request.js';
import { executeOnce, executeStreaming } from './run-execute.js';

const OPENAI_TYPES: Record<HttpErrorInfo['type'], string> = {
  invalid_request_error: 'invalid_request_error',
  authentication_error: 'invalid_request_error',
  permission_error: 'invalid_request_error',
  not_found_error: 'invalid_request_error',
  request_too_large: 'invalid_request_error',
  rate_limit_error: 'requests',
  api_error: 'server_error',
  overloaded_error: 'server_error',
  timeout_error: 'server_error',
};

function openAIError(e: HttpErrorInfo) {
  return { error: { message: e.message, type: OPENAI_TYPES[e.type], param: e.param, code: e.code } };
}

export const openAIErrors: ErrorShape = {
  body: openAIError,
  streamEvent: (e) => ({ data: openAIError(e) }),
};

export function openAIFinishReason(r: FinishReason): string {
  switch (r) {
    case 'length':
      return 'length';
    case 'tool_calls':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

function usageOf(u: Usage) {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cachedInputTokens },
  };
}

const toolCallOf = (c: ToolCall) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } });

function completion(result: ExecuteResult, created: number) {
  const { text, toolCalls } = result.message;
  return {
    id: `chatcmpl-${result.decision.response.decisionId}`,
    object: 'chat.completion',
    created,
    model: result.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text || (toolCalls.length > 0 ? null : ''), refusal: null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls.map(toolCallOf) } : {}) },
        logprobs: null,
        finish_reason: openAIFinishReason(result.finishReason),
      },
    ],
    usage: usageOf(result.usage),
  };
}

export function chatCompletionsRoute(deps: GatewayDeps): GatewayRoute {
  const limit = deps.config.server.max_request_bytes * 2 + 1024 * 1024;
  return {
    method: 'POST',
    path: '/v1/chat/completions',
    errors: openAIErrors,
    async handle(r) {
      const body = await readJsonObject(r.req, limit);
      const { request, stream, includeUsage } = openAIChatRequest(body, r.caller);
      const created = Math.floor(Date.now() / 1000);
      if (!stream) {
        const { result, headers } = await executeOnce(deps, r, request, openAIFieldName);
        sendJson(r.res, 200, completion(result, created), headers);
        return;
      }
      let id = '';
      let model = '';
      let toolIndex = 0;
      const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...(includeUsage ? { usage: null } : {}),
      });
      await executeStreaming(deps, r, request, openAIFieldName, openAIErrors, {
        begin(sse, answering, decision) {
          id = `chatcmpl-${decision.response.decisionId}`;
          model = answering;
          sse.send(chunk({ role: 'assistant', content: '', refusal: null }));
        },
        textDelta: (sse, text) => sse.send(chunk({ content: text })),
        toolCall: (sse, call) => sse.send(chunk({ tool_calls: [{ index: toolIndex++, ...toolCallOf(call) }] })),
        finish(sse, result) {
          sse.send(chunk({}, openAIFinishReason(result.finishReason)));
          if (includeUsage) sse.send({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageOf(result.usage) });
          sse.send('[DONE]');
        },
      });
    },
  };
}
