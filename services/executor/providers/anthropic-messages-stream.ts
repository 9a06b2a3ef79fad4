/**
 * Anthropic Messages streaming events → neutral StreamEvents.
 *
 * The stream is `message_start`, then per content block `content_block_start`,
 * `content_block_delta`s and `content_block_stop`, then `message_delta` (stop_reason and
 * cumulative usage) and `message_stop`; `ping` may come anywhere and `error` ends it.
 * Tool arguments arrive as `input_json_delta` fragments and are emitted as one tool call at
 * the block's stop. The input of a forced JSON tool streams as text instead.
 * A stream that ends before `message_stop` is 'stream_interrupted'.
 */
import { errorFromHttp } from './errors.js';
import type { StreamEvent } from '../../shared/contracts/provider.js';
import { ANTHROPIC_PROVIDER } from './anthropic-messages-request.js';
import {
  anthropicFinishReason,
  isRecord,
  malformedAnthropicResponse,
  NO_ANTHROPIC_USAGE,
  readAnthropicUsage,
  statusForAnthropicErrorType,
  toNeutralUsage,
  type AnthropicUsageCounts,
} from './anthropic-messages-response.js';
import type { SseEvent } from './sse.js';
import { classifyAnthropicError } from './classify-anthropic-error.js';

interface OpenBlock {
  type: string;
  id?: string;
  name?: string;
  json: string[];
}

const NO_HEADERS = { get: (): null => null };

export class AnthropicStreamTranslator {
  private readonly blocks = new Map<number, OpenBlock>();
  private usage: AnthropicUsageCounts = NO_ANTHROPIC_USAGE;
  private stopReason: string | undefined;
  private responseModel: string;
  private responseId: string | undefined;
  private started = false;
  private finished = false;

  constructor(
    requestedModel: string,
    private readonly jsonToolName: string | undefined,
  ) {
    this.responseModel = requestedModel;
  }

  /** The neutral events one SSE event yields; throws a ProviderError for an error event. */
  push(sse: SseEvent): StreamEvent[] {
    if (sse.event === 'ping') return [];
    const payload = parsePayload(sse.data);
    const type = sse.event ?? (typeof payload.type === 'string' ? payload.type : undefined);
    switch (type) {
      case 'error':
        throw this.errorFrom(sse.data, payload);
      case 'message_start':
        return this.onMessageStart(payload);
      case 'content_block_start':
        return this.onBlockStart(payload);
      case 'content_block_delta':
        return this.onBlockDelta(payload);
      case 'content_block_stop':
        return this.onBlockStop(payload);
      case 'message_delta':
        if (isRecord(payload.delta) && typeof payload.delta.stop_reason === 'string') this.stopReason = payload.delta.stop_reason;
        this.usage = readAnthropicUsage(payload.usage, this.usage);
        return [];
      case 'message_stop':
        return this.onMessageStop();
      default:
        return []; // events added after this adapter was written
    }
  }

  /** Call when the SSE stream ended cleanly; throws unless `message_stop` was seen. */
  end(): void {
    if (!this.finished) {
      throw malformedAnthropicResponse('the stream ended before message_stop', 'stream_interrupted');
    }
  }

  private onMessageStart(payload: Record<string, unknown>): StreamEvent[] {
    const message = payload.message;
    if (!isRecord(message)) throw malformedAnthropicResponse('message_start carries no message');
    this.started = true;
    if (typeof message.id === 'string') this.responseId = message.id;
    if (typeof message.model === 'string' && message.model !== '') this.responseModel = message.model;
    this.usage = readAnthropicUsage(message.usage, this.usage);
    return [];
  }

  private onBlockStart(payload: Record<string, unknown>): StreamEvent[] {
    const block = payload.content_block;
    if (typeof payload.index !== 'number' || !isRecord(block) || typeof block.type !== 'string') {
      throw malformedAnthropicResponse('content_block_start lacks its index or block');
    }
    const open: OpenBlock = { type: block.type, json: [] };
    if (typeof block.id === 'string') open.id = block.id;
    if (typeof block.name === 'string') open.name = block.name;
    this.blocks.set(payload.index, open);
    if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') {
      return [{ type: 'text-delta', text: block.text }];
    }
    return [];
  }

  private onBlockDelta(payload: Record<string, unknown>): StreamEvent[] {
    const delta = payload.delta;
    const block = typeof payload.index === 'number' ? this.blocks.get(payload.index) : undefined;
    if (!isRecord(delta) || block === undefined) throw malformedAnthropicResponse('content_block_delta for no open block');
    if (delta.type === 'text_delta' && typeof delta.text === 'string') {
      return delta.text === '' ? [] : [{ type: 'text-delta', text: delta.text }];
    }
    if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
      block.json.push(delta.partial_json);
      if (this.isJsonTool(block) && delta.partial_json !== '') return [{ type: 'text-delta', text: delta.partial_json }];
    }
    return []; // thinking_delta, signature_delta, citations_delta
  }

  private onBlockStop(payload: Record<string, unknown>): StreamEvent[] {
    const index = typeof payload.index === 'number' ? payload.index : -1;
    const block = this.blocks.get(index);
    this.blocks.delete(index);
    if (block === undefined || block.type !== 'tool_use') return [];
    if (block.id === undefined || block.name === undefined) throw malformedAnthropicResponse('a tool_use block lacks its id or name');
    const json = block.json.join('');
    if (this.isJsonTool(block)) return json === '' ? [{ type: 'text-delta', text: '{}' }] : [];
    return [{ type: 'tool-call', toolCall: { id: block.id, name: block.name, arguments: json === '' ? '{}' : json } }];
  }

  private onMessageStop(): StreamEvent[] {
    if (!this.started) throw malformedAnthropicResponse('message_stop before message_start');
    this.finished = true;
    const finish: StreamEvent = {
      type: 'finish',
      finishReason: anthropicFinishReason(this.stopReason, this.jsonToolName),
      usage: toNeutralUsage(this.usage),
      responseModel: this.responseModel,
    };
    if (this.responseId !== undefined) finish.responseId = this.responseId;
    return [finish];
  }

  private isJsonTool(block: OpenBlock): boolean {
    return this.jsonToolName !== undefined && block.type === 'tool_use' && block.name === this.jsonToolName;
  }

  private errorFrom(data: string, payload: Record<string, unknown>): Error {
    const type = isRecord(payload.error) && typeof payload.error.type === 'string' ? payload.error.type : undefined;
    return errorFromHttp(statusForAnthropicErrorType(type), data, NO_HEADERS, ANTHROPIC_PROVIDER, { classify: classifyAnthropicError });
  }
}

function parsePayload(data: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw malformedAnthropicResponse('a stream event is not valid JSON');
  }
  if (!isRecord(value)) throw malformedAnthropicResponse('a stream event is not a JSON object');
  return value;
}
