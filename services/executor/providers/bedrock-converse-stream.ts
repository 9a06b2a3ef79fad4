/**
 * A Bedrock ConverseStream answer (event-stream frames, aws-event-stream.ts) to StreamEvents.
 * Events: messageStart, then per content block an optional contentBlockStart (a tool use's id
 * and name), contentBlockDelta (text, or a fragment of the tool input's JSON) and
 * contentBlockStop, then messageStop (the stop reason) and metadata (usage). A tool call is
 * emitted whole at its block's stop; the finish event once the stream ends after messageStop.
 * An exception frame (throttlingException, modelStreamErrorException, ...) becomes the
 * ProviderError its type implies; a stream that ends before messageStop was interrupted.
 */
import { parseEventStream } from './aws-event-stream.js';
import { bedrockErrorType, classifyBedrockError } from './classify-bedrock-error.js';
import { kindForStatus, ProviderError, sanitizeProviderMessage } from './errors.js';
import { isRecord, toBedrockUsage } from './bedrock-converse-response.js';
import { mapBedrockStopReason } from './map-bedrock-stop-reason.js';
import type { StreamEvent, ToolCall, Usage } from '../../shared/contracts/provider.js';

export interface BedrockStreamOptions {
  provider: string;
  model: string;
  requestId?: string;
}

const utf8 = new TextDecoder('utf-8');

export async function* bedrockStreamEvents(
  body: ReadableStream<Uint8Array> | null,
  signal: AbortSignal,
  options: BedrockStreamOptions,
): AsyncGenerator<StreamEvent, void, undefined> {
  const { provider } = options;
  const tools = new Map<number, ToolCall>();
  let stopReason: string | undefined;
  let usage: Usage | undefined;

  for await (const frame of parseEventStream(body, signal, provider)) {
    const type = frame.headers[':message-type'];
    if (type === 'exception' || type === 'error') throw streamError(frame.headers, frame.payload, provider);
    if (type !== 'event') continue;
    const event = parsePayload(frame.payload, provider);
    const index = typeof event.contentBlockIndex === 'number' ? event.contentBlockIndex : 0;
    switch (frame.headers[':event-type']) {
      case 'contentBlockStart': {
        const start = isRecord(event.start) && isRecord(event.start.toolUse) ? event.start.toolUse : undefined;
        if (start !== undefined) {
          tools.set(index, { id: typeof start.toolUseId === 'string' ? start.toolUseId : `tooluse_${index}`, name: String(start.name ?? ''), arguments: '' });
        }
        break;
      }
      case 'contentBlockDelta': {
        const delta = isRecord(event.delta) ? event.delta : {};
        if (typeof delta.text === 'string' && delta.text !== '') yield { type: 'text-delta', text: delta.text };
        const tool = tools.get(index);
        if (tool !== undefined && isRecord(delta.toolUse) && typeof delta.toolUse.input === 'string') tool.arguments += delta.toolUse.input;
        break;
      }
      case 'contentBlockStop': {
        const tool = tools.get(index);
        if (tool !== undefined) {
          tools.delete(index);
          yield { type: 'tool-call', toolCall: { ...tool, arguments: tool.arguments === '' ? '{}' : tool.arguments } };
        }
        break;
      }
      case 'messageStop':
        stopReason = typeof event.stopReason === 'string' ? event.stopReason : 'end_turn';
        break;
      case 'metadata':
        usage = toBedrockUsage(event.usage);
        break;
      default:
      // messageStart and newer events carry nothing the contract reports.
    }
  }

  if (stopReason === undefined) {
    throw new ProviderError({ kind: 'stream_interrupted', provider, message: `${provider}: the stream ended before messageStop` });
  }
  const finish: StreamEvent = {
    type: 'finish',
    finishReason: mapBedrockStopReason(stopReason),
    usage: usage ?? toBedrockUsage(undefined),
    responseModel: options.model,
  };
  if (options.requestId !== undefined && options.requestId !== '') finish.responseId = options.requestId;
  yield finish;
}

function parsePayload(payload: Uint8Array, provider: string): Record<string, unknown> {
  let event: unknown;
  try {
    event = JSON.parse(utf8.decode(payload));
  } catch (cause) {
    throw new ProviderError({ kind: 'malformed_response', provider, message: `${provider}: a stream event is not valid JSON`, cause });
  }
  if (!isRecord(event)) throw new ProviderError({ kind: 'malformed_response', provider, message: `${provider}: a stream event is not a JSON object` });
  return event;
}

/** Statuses the exception types have as HTTP errors, for the kind when no type is known. */
const STATUS_BY_TYPE: Record<string, number> = {
  ThrottlingException: 429,
  ValidationException: 400,
  ServiceUnavailableException: 503,
  InternalServerException: 500,
  ModelStreamErrorException: 424,
};

/** An exception frame (`:exception-type`, JSON `{"message"}`) or an error frame (`:error-code`, `:error-message`). */
function streamError(headers: Record<string, string>, payload: Uint8Array, provider: string): ProviderError {
  const code = bedrockErrorType(headers[':exception-type'] ?? headers[':error-code']);
  let message = headers[':error-message'];
  try {
    const body: unknown = JSON.parse(utf8.decode(payload));
    if (isRecord(body) && typeof body.message === 'string') message = body.message;
  } catch {
    // an error frame may carry no JSON
  }
  const status = code === undefined ? 500 : (STATUS_BY_TYPE[code] ?? 500);
  const refined = classifyBedrockError({ status, ...(code !== undefined ? { code } : {}), ...(message !== undefined ? { message } : {}) }) ?? {};
  const safe = message === undefined ? '' : sanitizeProviderMessage(message);
  return new ProviderError({
    kind: refined.kind ?? kindForStatus(status),
    provider,
    ...(refined.retryable !== undefined ? { retryable: refined.retryable } : {}),
    message: `${provider}: error in the stream${code !== undefined ? ` (${code})` : ''}${safe !== '' ? `: ${safe}` : ''}`,
    ...(code !== undefined ? { providerCode: code } : {}),
  });
}
