/**
 * Bedrock Converse response bodies and usage objects to the provider-neutral result. Converse
 * names no model and no response id in the body; the adapter passes the request's model and
 * the `x-amzn-requestid` header. Bedrock reports cache reads and writes beside `inputTokens`
 * (which counts only the uncached part), so they are added back, as the contract wants.
 */
import { ProviderError } from './errors.js';
import { mapBedrockStopReason } from './map-bedrock-stop-reason.js';
import type { ChatResult, ToolCall, Usage } from '../../shared/contracts/provider.js';

export function toBedrockUsage(usage: unknown): Usage {
  if (!isRecord(usage)) return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0 };
  const cachedInputTokens = count(usage.cacheReadInputTokens);
  const cacheWriteTokens = count(usage.cacheWriteInputTokens);
  return {
    inputTokens: count(usage.inputTokens) + cachedInputTokens + cacheWriteTokens,
    outputTokens: count(usage.outputTokens),
    cachedInputTokens,
    cacheWriteTokens,
  };
}

export function toBedrockChatResult(body: unknown, provider: string, model: string, requestId: string | undefined): Omit<ChatResult, 'rateLimit'> {
  const malformed = (what: string): ProviderError =>
    new ProviderError({ kind: 'malformed_response', provider, status: 200, message: `${provider}: ${what}` });
  if (!isRecord(body)) throw malformed('the response is not a JSON object');
  const message = isRecord(body.output) && isRecord(body.output.message) ? body.output.message : undefined;
  if (message === undefined || !Array.isArray(message.content)) throw malformed('the response has no output message');
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const [i, block] of message.content.entries()) {
    if (!isRecord(block)) continue;
    if (typeof block.text === 'string') text += block.text;
    else if (isRecord(block.toolUse)) {
      const use = block.toolUse;
      if (typeof use.name !== 'string') throw malformed(`tool use block ${i} has no name`);
      toolCalls.push({ id: typeof use.toolUseId === 'string' ? use.toolUseId : `tooluse_${i}`, name: use.name, arguments: JSON.stringify(use.input ?? {}) });
    }
    // reasoningContent, citations and other blocks carry nothing the contract reports.
  }
  const stopReason = typeof body.stopReason === 'string' ? body.stopReason : undefined;
  const result: Omit<ChatResult, 'rateLimit'> = {
    message: { role: 'assistant', text, toolCalls },
    finishReason: stopReason === undefined && toolCalls.length > 0 ? 'tool_calls' : mapBedrockStopReason(stopReason),
    usage: toBedrockUsage(body.usage),
    responseModel: model,
  };
  if (requestId !== undefined && requestId !== '') result.responseId = requestId;
  return result;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
