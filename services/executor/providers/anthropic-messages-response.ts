/**
 * Anthropic Messages answers (`"type": "message"`) and usage objects → the neutral result.
 *
 * Anthropic's `input_tokens` counts only the input after the last cache breakpoint: tokens read
 * from the cache (`cache_read_input_tokens`) and written to it (`cache_creation_input_tokens`)
 * are reported beside it. The neutral inputTokens is their sum.
 */
import { ProviderError, type ProviderErrorKind } from './errors.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import type { ChatResult, FinishReason, ToolCall, Usage } from '../../shared/contracts/provider.js';
import { ANTHROPIC_PROVIDER } from './anthropic-messages-request.js';

/** The parts of Anthropic's usage the neutral Usage is made of; absent counts are 0. */
export interface AnthropicUsageCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export const NO_ANTHROPIC_USAGE: AnthropicUsageCounts = Object.freeze({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });

/** Reads a `usage` object; counts it leaves out (or sets to null) keep the value of `base`. */
export function readAnthropicUsage(usage: unknown, base: AnthropicUsageCounts = NO_ANTHROPIC_USAGE): AnthropicUsageCounts {
  if (!isRecord(usage)) return base;
  return {
    input: count(usage.input_tokens) ?? base.input,
    output: count(usage.output_tokens) ?? base.output,
    cacheRead: count(usage.cache_read_input_tokens) ?? base.cacheRead,
    cacheWrite: count(usage.cache_creation_input_tokens) ?? base.cacheWrite,
  };
}

export function toNeutralUsage(counts: AnthropicUsageCounts): Usage {
  return {
    inputTokens: counts.input + counts.cacheRead + counts.cacheWrite,
    outputTokens: counts.output,
    cachedInputTokens: counts.cacheRead,
    cacheWriteTokens: counts.cacheWrite,
  };
}

/** The finish reason, reading a forced JSON tool's `tool_use` stop as the plain end of the answer. */
export function anthropicFinishReason(stopReason: string | null | undefined, jsonToolName: string | undefined): FinishReason {
  if (jsonToolName !== undefined && stopReason === 'tool_use') return 'stop';
  return mapAnthropicStopReason(stopReason);
}

export function toAnthropicChatResult(
  body: unknown,
  requestedModel: string,
  jsonToolName: string | undefined,
): Omit<ChatResult, 'rateLimit'> {
  if (!isRecord(body) || body.type !== 'message' || !Array.isArray(body.content)) {
    throw malformedAnthropicResponse('the response is not a message');
  }
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of body.content) {
    if (!isRecord(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') {
      text += block.text;
    } else if (block.type === 'tool_use') {
      if (typeof block.id !== 'string' || typeof block.name !== 'string') {
        throw malformedAnthropicResponse('a tool_use block lacks its id or name');
      }
      const input = JSON.stringify(block.input ?? {});
      if (block.name === jsonToolName) text += input;
      else toolCalls.push({ id: block.id, name: block.name, arguments: input });
    }
    // thinking, redacted_thinking and server-tool blocks carry nothing the neutral result holds.
  }
  const stopReason = typeof body.stop_reason === 'string' ? body.stop_reason : undefined;
  const result: Omit<ChatResult, 'rateLimit'> = {
    message: { role: 'assistant', text, toolCalls },
    finishReason: anthropicFinishReason(stopReason, jsonToolName),
    usage: toNeutralUsage(readAnthropicUsage(body.usage)),
    responseModel: typeof body.model === 'string' && body.model !== '' ? body.model : requestedModel,
  };
  if (typeof body.id === 'string') result.responseId = body.id;
  return result;
}

/** Anthropic `error.type` → the HTTP status Anthropic answers it with (for mid-stream errors). */
export function statusForAnthropicErrorType(type: string | undefined): number {
  switch (type) {
    case 'invalid_request_error':
      return 400;
    case 'authentication_error':
      return 401;
    case 'billing_error':
      return 402;
    case 'permission_error':
      return 403;
    case 'not_found_error':
      return 404;
    case 'request_too_large':
      return 413;
    case 'rate_limit_error':
      return 429;
    case 'timeout_error':
      return 504;
    case 'overloaded_error':
      return 529;
    default:
      return 500;
  }
}

export function malformedAnthropicResponse(what: string, kind: ProviderErrorKind = 'malformed_response'): ProviderError {
  return new ProviderError({ kind, provider: ANTHROPIC_PROVIDER, message: `${ANTHROPIC_PROVIDER}: ${what}` });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
}
