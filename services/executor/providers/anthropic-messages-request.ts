/**
 * The neutral ChatRequest → an Anthropic Messages request body (`POST /v1/messages`).
 *
 * - System messages become the top-level `system` text (Anthropic has no system role).
 * - Tool messages become `tool_result` blocks in a user turn; consecutive turns of one role
 *   are merged, so every result answering one assistant turn lands in the next user turn.
 * - `max_tokens` is required by Anthropic: the request's maxOutputTokens, else a default.
 * - `temperature` is clamped to Anthropic's 0..1.
 * - JSON output (Anthropic has no JSON mode): the request gets one extra tool whose
 *   `input_schema` is the wanted schema (`{"type":"object"}` for json_object) and
 *   `tool_choice` forces it; the adapter turns that tool's input back into the answer text and
 *   reports the turn as 'stop'. When the request carries tools of its own, forcing one would
 *   take the model's choice away, so the schema goes into the system prompt as an instruction
 *   instead.
 */
import { ProviderError } from './errors.js';
import { isHttpUrl, parseBase64DataUrl } from './image-data-url.js';
import type { ChatMessage, ChatRequest, ContentPart, ResponseFormat } from '../../shared/contracts/provider.js';

export const ANTHROPIC_PROVIDER = 'anthropic';
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

export type AnthropicBlock = Record<string, unknown> & { type: string };

export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: AnthropicBlock[];
}

export interface AnthropicRequestBody {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: string;
  tools?: Array<{ name: string; description?: string; input_schema: Record<string, unknown> }>;
  tool_choice?: { type: 'auto' | 'any' | 'none' } | { type: 'tool'; name: string };
  temperature?: number;
  stream?: boolean;
}

export interface AnthropicRequestPlan {
  body: AnthropicRequestBody;
  /** Set when JSON output is asked for through a forced tool: that tool's name. */
  jsonToolName?: string;
}

export interface AnthropicRequestOptions {
  defaultMaxTokens?: number;
}

export function toAnthropicRequest(request: ChatRequest, options: AnthropicRequestOptions = {}): AnthropicRequestPlan {
  const systemTexts: string[] = [];
  const messages: AnthropicMessage[] = [];
  request.messages.forEach((message, index) => {
    if (message.role === 'system') {
      const text = systemText(message, index);
      if (text !== '') systemTexts.push(text);
      return;
    }
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const content = blocksFor(message, index);
    if (content.length === 0) return;
    const last = messages[messages.length - 1];
    if (last !== undefined && last.role === role) {
      last.content.push(...content);
      // tool_result blocks must open the user turn that follows a tool_use turn.
      if (message.role === 'tool') sortToolResultsFirst(last);
    } else {
      messages.push({ role, content });
    }
  });

  const body: AnthropicRequestBody = {
    model: request.model,
    max_tokens: request.maxOutputTokens ?? options.defaultMaxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
    messages,
  };
  if (request.temperature !== undefined) body.temperature = Math.min(1, Math.max(0, request.temperature));

  const tools = request.tools ?? [];
  if (tools.length > 0) {
    body.tools = tools.map((tool) => ({
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      input_schema: tool.parameters,
    }));
    const choice = toolChoice(request.toolChoice);
    if (choice !== undefined) body.tool_choice = choice;
  }

  let jsonToolName: string | undefined;
  const format = request.responseFormat;
  if (format !== undefined && format.type !== 'text') {
    if (tools.length === 0) {
      jsonToolName = jsonToolNameFor(format);
      body.tools = [
        {
          name: jsonToolName,
          description: 'Give your answer by calling this tool: its input is the JSON answer.',
          input_schema: format.type === 'json_schema' ? format.schema : { type: 'object' },
        },
      ];
      body.tool_choice = { type: 'tool', name: jsonToolName };
    } else {
      systemTexts.push(jsonInstruction(format));
    }
  }
  if (systemTexts.length > 0) body.system = systemTexts.join('\n\n');

  return jsonToolName === undefined ? { body } : { body, jsonToolName };
}

function toolChoice(choice: string | undefined): AnthropicRequestBody['tool_choice'] {
  switch (choice) {
    case undefined:
      return undefined;
    case 'auto':
      return { type: 'auto' };
    case 'none':
      return { type: 'none' };
    case 'required':
      return { type: 'any' };
    default:
      return { type: 'tool', name: choice };
  }
}

function jsonToolNameFor(format: Exclude<ResponseFormat, { type: 'text' }>): string {
  if (format.type === 'json_schema') {
    const name = format.name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
    if (/[a-zA-Z0-9]/.test(name)) return name;
  }
  return 'json_response';
}

function jsonInstruction(format: Exclude<ResponseFormat, { type: 'text' }>): string {
  if (format.type === 'json_object') return 'Answer with a single JSON object and nothing else.';
  return `Answer with a single JSON value that conforms to this JSON Schema, and nothing else:\n${JSON.stringify(format.schema)}`;
}

function blocksFor(message: ChatMessage, index: number): AnthropicBlock[] {
  switch (message.role) {
    case 'assistant':
      return assistantBlocks(message, index);
    case 'tool':
      return [toolResultBlock(message, index)];
    default:
      return userBlocks(message.content, index);
  }
}

function systemText(message: ChatMessage, index: number): string {
  return message.content
    .map((part) => {
      if (part.type !== 'text') throw badRequest(`messages[${index}]: a system message may only hold text`);
      return part.text;
    })
    .join('\n');
}

function userBlocks(parts: ContentPart[], index: number): AnthropicBlock[] {
  const blocks: AnthropicBlock[] = [];
  for (const part of parts) {
    if (part.type === 'text') {
      if (part.text !== '') blocks.push({ type: 'text', text: part.text });
    } else {
      blocks.push(imageBlock(part, index));
    }
  }
  return blocks;
}

function imageBlock(part: Extract<ContentPart, { type: 'image' }>, index: number): AnthropicBlock {
  if (part.data !== undefined) {
    if (part.mediaType === undefined) throw badRequest(`messages[${index}]: an image given as data needs a mediaType`);
    return { type: 'image', source: { type: 'base64', media_type: part.mediaType, data: part.data } };
  }
  const url = part.url ?? '';
  if (url.startsWith('data:')) {
    const inline = parseBase64DataUrl(url);
    if (inline === undefined) throw badRequest(`messages[${index}]: an image data URL must be base64 with a media type`);
    return { type: 'image', source: { type: 'base64', media_type: inline.mediaType, data: inline.data } };
  }
  if (isHttpUrl(url)) return { type: 'image', source: { type: 'url', url } };
  throw badRequest(`messages[${index}]: an image needs an http(s) or data: URL, or base64 data`);
}

function assistantBlocks(message: ChatMessage, index: number): AnthropicBlock[] {
  const blocks: AnthropicBlock[] = [];
  for (const part of message.content) {
    if (part.type !== 'text') throw badRequest(`messages[${index}]: an assistant message may only hold text`);
    if (part.text !== '') blocks.push({ type: 'text', text: part.text });
  }
  for (const call of message.toolCalls ?? []) {
    blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: toolInput(call.arguments, index) });
  }
  return blocks;
}

function toolInput(argumentsText: string, index: number): Record<string, unknown> {
  if (argumentsText.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(argumentsText);
  } catch {
    throw badRequest(`messages[${index}]: tool call arguments are not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(`messages[${index}]: tool call arguments must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function toolResultBlock(message: ChatMessage, index: number): AnthropicBlock {
  if (message.toolCallId === undefined || message.toolCallId === '') {
    throw badRequest(`messages[${index}]: a tool message needs toolCallId`);
  }
  const block: AnthropicBlock = { type: 'tool_result', tool_use_id: message.toolCallId };
  const onlyText = message.content.every((part) => part.type === 'text');
  if (onlyText) {
    const text = message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
    if (text !== '') block.content = text;
  } else {
    block.content = userBlocks(message.content, index);
  }
  return block;
}

function isToolResult(block: AnthropicBlock): boolean {
  return block.type === 'tool_result';
}

function sortToolResultsFirst(message: AnthropicMessage): void {
  const results = message.content.filter(isToolResult);
  const others = message.content.filter((block) => !isToolResult(block));
  message.content = [...results, ...others];
}

function badRequest(message: string): ProviderError {
  return new ProviderError({ kind: 'bad_request', provider: ANTHROPIC_PROVIDER, retryable: false, message: `${ANTHROPIC_PROVIDER}: ${message}` });
}
