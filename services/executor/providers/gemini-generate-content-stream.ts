/**
 * A Gemini `streamGenerateContent?alt=sse` stream → neutral StreamEvents. Each SSE event's
 * data is a whole GenerateContentResponse holding the next slice of the answer: text parts
 * pass through as deltas, function calls arrive whole and pass through as tool calls, and the
 * last chunk carries `finishReason` and the final `usageMetadata`. An `{"error":{...}}` chunk
 * becomes a ProviderError; a stream that ends before a finish reason (or a prompt block) is
 * 'stream_interrupted'.
 */
import { errorFromHttp } from './errors.js';
import type { StreamEvent, Usage } from '../../shared/contracts/provider.js';
import { parseSse } from './sse.js';
import { classifyGeminiError } from './classify-gemini-error.js';
import { GEMINI_PROVIDER } from './gemini-generate-content-request.js';
import { geminiFinishReason, isRecord, malformedGeminiResponse, readGeminiChunk } from './gemini-generate-content-response.js';

const NO_HEADERS = { get: (): null => null };

export async function* geminiStreamEvents(
  body: ReadableStream<Uint8Array> | null,
  signal: AbortSignal,
  requestedModel: string,
): AsyncGenerator<StreamEvent, void, undefined> {
  let finishReason: string | undefined;
  let blockReason: string | undefined;
  let usage: Usage | undefined;
  let responseModel: string | undefined;
  let responseId: string | undefined;
  let sawToolCalls = false;

  for await (const sse of parseSse(body, signal, { provider: GEMINI_PROVIDER })) {
    let payload: unknown;
    try {
      payload = JSON.parse(sse.data);
    } catch {
      throw malformedGeminiResponse('a stream event is not valid JSON');
    }
    const errorRoot = Array.isArray(payload) ? payload[0] : payload;
    if (isRecord(errorRoot) && errorRoot.error !== undefined) throw streamError(errorRoot.error, sse.data);

    const chunk = readGeminiChunk(payload);
    if (chunk.text !== '') yield { type: 'text-delta', text: chunk.text };
    for (const toolCall of chunk.toolCalls) {
      sawToolCalls = true;
      yield { type: 'tool-call', toolCall };
    }
    if (chunk.usage !== undefined) usage = chunk.usage;
    if (chunk.modelVersion !== undefined) responseModel ??= chunk.modelVersion;
    if (chunk.responseId !== undefined) responseId ??= chunk.responseId;
    if (chunk.finishReason !== undefined) finishReason = chunk.finishReason;
    if (chunk.blockReason !== undefined) blockReason = chunk.blockReason;
  }

  if (finishReason === undefined && blockReason === undefined) {
    throw malformedGeminiResponse('the stream ended before the answer finished', 'stream_interrupted');
  }
  const finish: StreamEvent = {
    type: 'finish',
    finishReason: geminiFinishReason({ finishReason, blockReason }, sawToolCalls),
    usage: usage ?? { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0 },
    responseModel: responseModel ?? requestedModel,
  };
  if (responseId !== undefined) finish.responseId = responseId;
  yield finish;
}

function streamError(error: unknown, data: string): Error {
  const code = isRecord(error) && typeof error.code === 'number' && error.code >= 400 && error.code < 600 ? error.code : 500;
  return errorFromHttp(code, data, NO_HEADERS, GEMINI_PROVIDER, { classify: classifyGeminiError });
}
