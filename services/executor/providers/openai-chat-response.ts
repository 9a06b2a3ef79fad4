/**
 * OpenAI Chat Completions response bodies (`chat.completion`) and usage objects to the
 * provider-neutral result. Tolerant of what compatible servers leave out (id, model, usage,
 * prompt_tokens_details); strict about what an answer cannot lack (a choice with a message).
 */
import { ProviderError } from './errors.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import type { ChatResult, ToolCall, Usage } from '../../shared/contracts/provider.js';

export const ZERO_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0 });

/** `usage` of a completion or of the last stream chunk; zeros when absent. */
export function toUsage(usage: unknown): Usage {
  if (!isRecord(usage)) return { ...ZERO_USAGE };
  const details = isRecord(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  return {
    inputTokens: nonNegative(usage.prompt_tokens),
    outputTokens: nonNegative(usage.completion_tokens),
    cachedInputTokens: nonNegative(details.cached_tokens),
    cacheWriteTokens: 0,
  };
}

export function toChatResult(body: unknown, provider: string, requestedModel: string): Omit<ChatResult, 'rateLimit'> {
  const malformed = (what: string): ProviderError =>
    new ProviderError({ kind: 'malformed_response', provider, status: 200, message: `${provider}: ${what}` });
  if (!isRecord(body)) throw malformed('the response is not a JSON object');
  const choices = body.choices;
  if (!Array.isArray(choices) || choices.length === 0) throw malformed('the response has no choices');
  const choice = (choices.find((c) => isRecord(c) && c.index === 0) ?? choices[0]) as unknown;
  if (!isRecord(choice) || !isRecord(choice.message)) throw malformed('the first choice has no message');
  const message = choice.message;

  const toolCalls: ToolCall[] = [];
  if (Array.isArray(message.tool_calls)) {
    for (const [i, call] of message.tool_calls.entries()) {
      const fn = isRecord(call) && isRecord(call.function) ? call.function : undefined;
      if (fn === undefined || typeof fn.name !== 'string') throw malformed(`tool call ${i} has no function name`);
      toolCalls.push({
        id: isRecord(call) && typeof call.id === 'string' ? call.id : `call_${i}`,
        name: fn.name,
        arguments: typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {}),
      });
    }
  }
  const text =
    typeof message.content === 'string' ? message.content : typeof message.refusal === 'string' ? message.refusal : '';
  const finishRaw = typeof choice.finish_reason === 'string' ? choice.finish_reason : undefined;
  const result: Omit<ChatResult, 'rateLimit'> = {
    message: { role: 'assistant', text, toolCalls },
    finishReason:
      finishRaw === undefined && toolCalls.length > 0 ? 'tool_calls' : mapOpenAIFinishReason(finishRaw ?? null),
    usage: toUsage(body.usage),
    responseModel: typeof body.model === 'string' && body.model !== '' ? body.model : requestedModel,
  };
  if (typeof body.id === 'string') result.responseId = body.id;
  if (typeof body.system_fingerprint === 'string' && body.system_fingerprint !== '') result.systemFingerprint = body.system_fingerprint;
  return result;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonNegative(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
