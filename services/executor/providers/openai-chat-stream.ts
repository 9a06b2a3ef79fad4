/**
 * An OpenAI Chat Completions SSE stream (`chat.completion.chunk` events, then `data: [DONE]`)
 * to StreamEvents. Text deltas pass straight through; tool calls arrive as fragments keyed by
 * `index` (id and name in the first, `arguments` spread over the rest) and are emitted whole
 * once the choice finishes; usage arrives in a last chunk with empty `choices` when
 * `stream_options.include_usage` was sent. An error object in place of a chunk becomes a
 * ProviderError; a stream that ends before its finish reason (or before `[DONE]`, when
 * required) is 'stream_interrupted'.
 */
import { ProviderError, sanitizeProviderMessage, type ProviderErrorKind } from './errors.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { isRecord, toUsage, ZERO_USAGE } from './openai-chat-response.js';
import type { StreamEvent, ToolCall, Usage } from '../../shared/contracts/provider.js';
import { parseSse } from './sse.js';

export interface OpenAIStreamOptions {
  provider: string;
  requestedModel: string;
  /** OpenAI always ends with `[DONE]`; some compatible servers just close the body. */
  requireDone: boolean;
}

interface PartialToolCall {
  id: string;
  name: string;
  arguments: string;
}

export async function* openAIStreamEvents(
  body: ReadableStream<Uint8Array> | null,
  signal: AbortSignal,
  options: OpenAIStreamOptions,
): AsyncGenerator<StreamEvent, void, undefined> {
  const { provider } = options;
  let responseModel: string | undefined;
  let responseId: string | undefined;
  let fingerprint: string | undefined;
  let finishRaw: string | undefined;
  let usage: Usage | undefined;
  let sawDone = false;
  const calls = new Map<number, PartialToolCall>();

  for await (const sse of parseSse(body, signal, { provider })) {
    if (sse.data.trim() === '[DONE]') {
      sawDone = true;
      break;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(sse.data);
    } catch (cause) {
      throw new ProviderError({ kind: 'malformed_response', provider, message: `${provider}: a stream event is not valid JSON`, cause });
    }
    if (!isRecord(chunk)) {
      throw new ProviderError({ kind: 'malformed_response', provider, message: `${provider}: a stream event is not a JSON object` });
    }
    if (chunk.error !== undefined && chunk.error !== null) throw streamError(chunk.error, provider);
    if (sse.event === 'error') throw streamError(chunk, provider);

    if (responseModel === undefined && typeof chunk.model === 'string' && chunk.model !== '') responseModel = chunk.model;
    if (responseId === undefined && typeof chunk.id === 'string' && chunk.id !== '') responseId = chunk.id;
    if (fingerprint === undefined && typeof chunk.system_fingerprint === 'string' && chunk.system_fingerprint !== '') fingerprint = chunk.system_fingerprint;
    if (isRecord(chunk.usage)) usage = toUsage(chunk.usage);

    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    for (const choice of choices) {
      if (!isRecord(choice) || (typeof choice.index === 'number' && choice.index !== 0)) continue;
      const delta = isRecord(choice.delta) ? choice.delta : {};
      if (typeof delta.content === 'string' && delta.content !== '') yield { type: 'text-delta', text: delta.content };
      if (typeof delta.refusal === 'string' && delta.refusal !== '') yield { type: 'text-delta', text: delta.refusal };
      if (Array.isArray(delta.tool_calls)) {
        for (const [position, fragment] of delta.tool_calls.entries()) addFragment(calls, fragment, position);
      }
      if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '' && finishRaw === undefined) {
        finishRaw = choice.finish_reason;
        for (const call of completedCalls(calls)) yield { type: 'tool-call', toolCall: call };
      }
    }
  }

  if (options.requireDone && !sawDone) {
    throw new ProviderError({ kind: 'stream_interrupted', provider, message: `${provider}: the stream ended before [DONE]` });
  }
  if (finishRaw === undefined) {
    throw new ProviderError({ kind: 'stream_interrupted', provider, message: `${provider}: the stream ended before the answer finished` });
  }
  const finish: StreamEvent = {
    type: 'finish',
    finishReason: mapOpenAIFinishReason(finishRaw),
    usage: usage ?? { ...ZERO_USAGE },
    responseModel: responseModel ?? options.requestedModel,
  };
  if (responseId !== undefined) finish.responseId = responseId;
  if (fingerprint !== undefined) finish.systemFingerprint = fingerprint;
  yield finish;
}

function addFragment(calls: Map<number, PartialToolCall>, fragment: unknown, position: number): void {
  if (!isRecord(fragment)) return;
  const index = typeof fragment.index === 'number' ? fragment.index : position;
  let call = calls.get(index);
  if (call === undefined) {
    call = { id: '', name: '', arguments: '' };
    calls.set(index, call);
  }
  if (typeof fragment.id === 'string' && fragment.id !== '' && call.id === '') call.id = fragment.id;
  const fn = isRecord(fragment.function) ? fragment.function : {};
  if (typeof fn.name === 'string' && fn.name !== '' && call.name === '') call.name = fn.name;
  if (typeof fn.arguments === 'string') call.arguments += fn.arguments;
  else if (isRecord(fn.arguments)) call.arguments += JSON.stringify(fn.arguments);
}

function completedCalls(calls: Map<number, PartialToolCall>): ToolCall[] {
  return [...calls.entries()]
    .sort(([a], [b]) => a - b)
    .filter(([, call]) => call.name !== '')
    .map(([index, call]) => ({ id: call.id === '' ? `call_${index}` : call.id, name: call.name, arguments: call.arguments }));
}

/** `{"error":{"message","type","param","code"}}` sent in place of a chunk. */
function streamError(error: unknown, provider: string): ProviderError {
  const e = isRecord(error) ? error : { message: typeof error === 'string' ? error : undefined };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const type = typeof e.type === 'string' ? e.type : undefined;
  const label = code ?? type;
  const message = typeof e.message === 'string' ? sanitizeProviderMessage(e.message) : '';
  const kind: ProviderErrorKind =
    code === 'context_length_exceeded'
      ? 'context_length'
      : code === 'rate_limit_exceeded' || type === 'rate_limit_error'
        ? 'rate_limit'
        : code === 'content_filter'
          ? 'content_filter'
          : type === 'invalid_request_error'
            ? 'bad_request'
            : 'server';
  return new ProviderError({
    kind,
    provider,
    message: `${provider}: error in the stream${label !== undefined ? ` (${label})` : ''}${message !== '' ? `: ${message}` : ''}`,
    ...(label !== undefined ? { providerCode: label } : {}),
  });
}
