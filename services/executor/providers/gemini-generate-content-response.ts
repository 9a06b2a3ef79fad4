/**
 * Gemini `GenerateContentResponse` bodies (whole, or one streamed chunk) → the neutral result.
 *
 * Only the first candidate counts. Text parts marked `thought: true` are the model's thinking
 * and are left out. Gemini gives function calls no id (or an id only some surfaces send): the
 * adapter makes one up, unique within the response. Usage: `promptTokenCount` already
 * includes `cachedContentTokenCount`; tool-use prompt tokens are input too, and thinking
 * tokens (`thoughtsTokenCount`, outside `candidatesTokenCount`) are billed as output.
 * A prompt Gemini refused (`promptFeedback.blockReason`, no candidates) is a 'content_filter'
 * answer with no text.
 */
import { randomUUID } from 'node:crypto';
import { ProviderError, type ProviderErrorKind } from './errors.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import type { ChatResult, FinishReason, ToolCall, Usage } from '../../shared/contracts/provider.js';
import { GEMINI_PROVIDER } from './gemini-generate-content-request.js';

/** What one response (or chunk) contributes. */
export interface GeminiChunk {
  text: string;
  toolCalls: ToolCall[];
  finishReason?: string;
  blockReason?: string;
  usage?: Usage;
  modelVersion?: string;
  responseId?: string;
}

export function readGeminiChunk(body: unknown): GeminiChunk {
  if (!isRecord(body)) throw malformedGeminiResponse('the response is not a JSON object');
  const chunk: GeminiChunk = { text: '', toolCalls: [] };
  const candidate = Array.isArray(body.candidates) ? body.candidates[0] : undefined;
  if (isRecord(candidate)) {
    const parts = isRecord(candidate.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : [];
    for (const part of parts) {
      if (!isRecord(part)) continue;
      if (typeof part.text === 'string' && part.thought !== true) chunk.text += part.text;
      if (isRecord(part.functionCall)) chunk.toolCalls.push(toToolCall(part.functionCall));
    }
    if (typeof candidate.finishReason === 'string') chunk.finishReason = candidate.finishReason;
  }
  if (isRecord(body.promptFeedback) && typeof body.promptFeedback.blockReason === 'string') {
    chunk.blockReason = body.promptFeedback.blockReason;
  }
  if (isRecord(body.usageMetadata)) chunk.usage = toGeminiUsage(body.usageMetadata);
  if (typeof body.modelVersion === 'string' && body.modelVersion !== '') chunk.modelVersion = body.modelVersion;
  if (typeof body.responseId === 'string' && body.responseId !== '') chunk.responseId = body.responseId;
  return chunk;
}

export function toGeminiUsage(usage: Record<string, unknown>): Usage {
  return {
    inputTokens: count(usage.promptTokenCount) + count(usage.toolUsePromptTokenCount),
    outputTokens: count(usage.candidatesTokenCount) + count(usage.thoughtsTokenCount),
    cachedInputTokens: count(usage.cachedContentTokenCount),
    cacheWriteTokens: 0,
  };
}

export function geminiFinishReason(chunk: Pick<GeminiChunk, 'finishReason' | 'blockReason'>, hasToolCalls: boolean): FinishReason {
  if (chunk.finishReason === undefined && chunk.blockReason !== undefined) return 'content_filter';
  return mapGeminiFinishReason(chunk.finishReason, hasToolCalls);
}

export function toGeminiChatResult(body: unknown, requestedModel: string): Omit<ChatResult, 'rateLimit'> {
  const chunk = readGeminiChunk(body);
  const hasCandidates = isRecord(body) && Array.isArray(body.candidates) && body.candidates.length > 0;
  if (!hasCandidates && chunk.blockReason === undefined) throw malformedGeminiResponse('the response has no candidates');
  const result: Omit<ChatResult, 'rateLimit'> = {
    message: { role: 'assistant', text: chunk.text, toolCalls: chunk.toolCalls },
    finishReason: geminiFinishReason(chunk, chunk.toolCalls.length > 0),
    usage: chunk.usage ?? { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0 },
    responseModel: chunk.modelVersion ?? requestedModel,
  };
  if (chunk.responseId !== undefined) result.responseId = chunk.responseId;
  return result;
}

function toToolCall(call: Record<string, unknown>): ToolCall {
  if (typeof call.name !== 'string' || call.name === '') throw malformedGeminiResponse('a functionCall has no name');
  return {
    id: typeof call.id === 'string' && call.id !== '' ? call.id : `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    name: call.name,
    arguments: JSON.stringify(isRecord(call.args) ? call.args : {}),
  };
}

export function malformedGeminiResponse(what: string, kind: ProviderErrorKind = 'malformed_response'): ProviderError {
  return new ProviderError({ kind, provider: GEMINI_PROVIDER, message: `${GEMINI_PROVIDER}: ${what}` });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
