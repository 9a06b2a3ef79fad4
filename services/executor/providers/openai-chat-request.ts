/**
 * ChatRequest to an OpenAI Chat Completions request body (POST /chat/completions), for
 * OpenAI itself and for servers that speak its wire format.
 */
import type { ChatMessage, ChatRequest, ContentPart, ResponseFormat } from '../../shared/contracts/provider.js';

export interface OpenAIChatDialect {
  /** OpenAI wants `max_completion_tokens` (`max_tokens` is deprecated and rejected by o-series models); most compatible servers know only `max_tokens`. */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** Send `stream_options: {include_usage: true}` with streaming requests. */
  streamUsage: boolean;
}

type WirePart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export type OpenAIWireMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | WirePart[] }
  | {
      role: 'assistant';
      content: string | null;
      tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
    }
  | { role: 'tool'; tool_call_id: string; content: string };

export function buildOpenAIChatBody(request: ChatRequest, dialect: OpenAIChatDialect, stream: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model,
    messages: request.messages.map(toWireMessage),
  };
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        parameters: tool.parameters,
      },
    }));
    if (request.toolChoice !== undefined) body.tool_choice = toWireToolChoice(request.toolChoice);
  }
  const format = toWireResponseFormat(request.responseFormat);
  if (format !== undefined) body.response_format = format;
  if (request.maxOutputTokens !== undefined) body[dialect.maxTokensField] = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (stream) {
    body.stream = true;
    if (dialect.streamUsage) body.stream_options = { include_usage: true };
  }
  return body;
}

function toWireMessage(message: ChatMessage): OpenAIWireMessage {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: joinText(message.content) };
    case 'user':
      return { role: 'user', content: toWireUserContent(message.content) };
    case 'assistant': {
      const text = joinText(message.content);
      const calls = message.toolCalls ?? [];
      return {
        role: 'assistant',
        content: text === '' && calls.length > 0 ? null : text,
        ...(calls.length > 0
          ? {
              tool_calls: calls.map((call) => ({
                id: call.id,
                type: 'function' as const,
                function: { name: call.name, arguments: call.arguments },
              })),
            }
          : {}),
      };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId ?? '', content: joinText(message.content) };
  }
}

/** A plain string when the message is text only (what every compatible server accepts), else parts. */
function toWireUserContent(parts: ContentPart[]): string | WirePart[] {
  if (parts.every((part) => part.type === 'text')) return joinText(parts);
  return parts.map((part): WirePart => {
    if (part.type === 'text') return { type: 'text', text: part.text };
    const url = part.url ?? `data:${part.mediaType ?? 'image/png'};base64,${part.data ?? ''}`;
    return { type: 'image_url', image_url: { url } };
  });
}

function joinText(parts: ContentPart[]): string {
  return parts
    .filter((part): part is Extract<ContentPart, { type: 'text' }> => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}

function toWireToolChoice(choice: string): unknown {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  return { type: 'function', function: { name: choice } };
}

function toWireResponseFormat(format: ResponseFormat | undefined): unknown {
  if (format === undefined || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  return {
    type: 'json_schema',
    json_schema: { name: format.name, schema: format.schema, ...(format.strict !== undefined ? { strict: format.strict } : {}) },
  };
}
