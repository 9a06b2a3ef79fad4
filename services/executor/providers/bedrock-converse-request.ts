/**
 * ChatRequest to a Bedrock Converse request body (POST /model/{modelId}/converse and
 * /converse-stream; the model travels in the path, not the body). System messages go to
 * `system`; tool calls become `toolUse` blocks of assistant messages and tool answers
 * `toolResult` blocks of user messages; consecutive messages of one role are merged, since
 * Converse wants user and assistant turns to alternate; images travel as base64 bytes (Converse
 * takes no image URLs); JSON output uses `outputConfig.textFormat` with a JSON schema.
 */
import { ProviderError } from './errors.js';
import { parseBase64DataUrl } from './image-data-url.js';
import type { ChatMessage, ChatRequest, ContentPart, ResponseFormat } from '../../shared/contracts/provider.js';

type Block =
  | { text: string }
  | { image: { format: string; source: { bytes: string } } }
  | { toolUse: { toolUseId: string; name: string; input: unknown } }
  | { toolResult: { toolUseId: string; content: Array<{ text: string }> } };

interface WireMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

const IMAGE_FORMATS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/jpg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' };

export function buildConverseBody(request: ChatRequest, provider: string): Record<string, unknown> {
  const system = request.messages.filter((m) => m.role === 'system').map((m) => ({ text: joinText(m.content) })).filter((b) => b.text !== '');
  const messages: WireMessage[] = [];
  for (const message of request.messages) {
    if (message.role === 'system') continue;
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const content = toBlocks(message, provider);
    if (content.length === 0) continue;
    const last = messages.at(-1);
    if (last !== undefined && last.role === role) last.content.push(...content);
    else messages.push({ role, content });
  }
  const body: Record<string, unknown> = { messages };
  if (system.length > 0) body.system = system;
  const inference: Record<string, number> = {};
  if (request.maxOutputTokens !== undefined) inference.maxTokens = request.maxOutputTokens;
  if (request.temperature !== undefined) inference.temperature = request.temperature;
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;
  const toolConfig = toToolConfig(request, messages);
  if (toolConfig !== undefined) body.toolConfig = toolConfig;
  const textFormat = toTextFormat(request.responseFormat);
  if (textFormat !== undefined) body.outputConfig = { textFormat };
  return body;
}

function toBlocks(message: ChatMessage, provider: string): Block[] {
  if (message.role === 'tool') {
    return [{ toolResult: { toolUseId: message.toolCallId ?? '', content: [{ text: joinText(message.content) }] } }];
  }
  const blocks: Block[] = [];
  for (const part of message.content) {
    if (part.type === 'text') {
      // Converse rejects blank text blocks.
      if (part.text.trim() !== '') blocks.push({ text: part.text });
    } else blocks.push(toImage(part, provider));
  }
  for (const call of message.toolCalls ?? []) {
    blocks.push({ toolUse: { toolUseId: call.id, name: call.name, input: parseArguments(call.arguments) } });
  }
  return blocks;
}

function toImage(part: Extract<ContentPart, { type: 'image' }>, provider: string): Block {
  const inline = part.data !== undefined ? { data: part.data, mediaType: part.mediaType ?? 'image/png' } : parseBase64DataUrl(part.url ?? '');
  const format = inline === undefined ? undefined : IMAGE_FORMATS[inline.mediaType];
  if (inline === undefined || format === undefined) {
    throw new ProviderError({
      kind: 'bad_request',
      provider,
      retryable: false,
      message: `${provider}: images must be base64 data (png, jpeg, gif or webp); Converse takes no image URLs`,
    });
  }
  return { image: { format, source: { bytes: inline.data } } };
}

/** The model's arguments are JSON text; Converse wants the object. Anything else is wrapped. */
function parseArguments(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text === '' ? '{}' : text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : { value };
  } catch {
    return { arguments: text };
  }
}

function toToolConfig(request: ChatRequest, messages: WireMessage[]): Record<string, unknown> | undefined {
  const tools = request.tools ?? [];
  if (tools.length === 0) return undefined;
  const usesTools = messages.some((m) => m.content.some((b) => 'toolUse' in b || 'toolResult' in b));
  // Converse has no "none": leave the tools out, unless the history holds tool blocks, which need them.
  if (request.toolChoice === 'none' && !usesTools) return undefined;
  const config: Record<string, unknown> = {
    tools: tools.map((tool) => ({
      toolSpec: {
        name: tool.name,
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        inputSchema: { json: tool.parameters },
      },
    })),
  };
  const choice = request.toolChoice;
  if (choice === 'auto') config.toolChoice = { auto: {} };
  else if (choice === 'required') config.toolChoice = { any: {} };
  else if (choice !== undefined && choice !== 'none') config.toolChoice = { tool: { name: choice } };
  return config;
}

function toTextFormat(format: ResponseFormat | undefined): Record<string, unknown> | undefined {
  if (format === undefined || format.type === 'text') return undefined;
  const schema = format.type === 'json_schema' ? format.schema : { type: 'object' };
  const name = format.type === 'json_schema' ? format.name : 'json_object';
  return { type: 'json_schema', structure: { jsonSchema: { schema: JSON.stringify(schema), name } } };
}

function joinText(parts: ContentPart[]): string {
  return parts
    .filter((part): part is Extract<ContentPart, { type: 'text' }> => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}
