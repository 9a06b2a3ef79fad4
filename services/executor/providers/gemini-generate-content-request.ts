/**
 * The neutral ChatRequest → a Gemini `generateContent` request body (v1beta REST, camelCase).
 *
 * - System messages become `systemInstruction`; assistant turns have role `model`; tool
 *   results are `functionResponse` parts in a user turn. Consecutive turns of one role are
 *   merged, so the answers to one model turn's calls travel together, as Gemini requires.
 * - A functionResponse needs the function's name: the tool message's `name`, else the name of
 *   the call it answers. Its `response` is the tool's text parsed when it is a JSON object,
 *   else `{"output": text}` (Gemini's documented key for a function's output).
 * - Function calls replayed from history carry Gemini 3's thought signature only as Google's
 *   documented placeholder for history the adapter cannot restore: the neutral ToolCall has no
 *   room for the real signature, and Gemini 3 rejects a call turn with none.
 * - Images: base64 data and `data:` URLs go inline (`inlineData`); http(s) URLs go as
 *   `fileData` (Gemini fetches public URLs itself) with the part's mediaType, else the type
 *   the URL's extension implies; a URL of unknown type is a bad_request.
 * - Tools declare their JSON Schema as `parametersJsonSchema`; JSON output uses
 *   `responseMimeType: application/json`, with `responseJsonSchema` for json_schema.
 */
import { ProviderError } from './errors.js';
import { imageMediaTypeFromUrl, isHttpUrl, parseBase64DataUrl } from './image-data-url.js';
import type { ChatMessage, ChatRequest, ContentPart } from '../../shared/contracts/provider.js';

export const GEMINI_PROVIDER = 'gemini';

/** Google's placeholder thought signature for function calls whose real signature is unknown. */
export const PLACEHOLDER_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

export type GeminiPart = Record<string, unknown>;

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiRequestBody {
  contents: GeminiContent[];
  systemInstruction?: { parts: Array<{ text: string }> };
  tools?: Array<{ functionDeclarations: Array<Record<string, unknown>> }>;
  toolConfig?: { functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] } };
  generationConfig?: {
    maxOutputTokens?: number;
    temperature?: number;
    responseMimeType?: string;
    responseJsonSchema?: Record<string, unknown>;
  };
}

export function toGeminiRequest(request: ChatRequest): GeminiRequestBody {
  const systemTexts: string[] = [];
  const contents: GeminiContent[] = [];
  const callNames = new Map<string, string>();

  request.messages.forEach((message, index) => {
    if (message.role === 'system') {
      for (const part of message.content) {
        if (part.type !== 'text') throw badRequest(`messages[${index}]: a system message may only hold text`);
        if (part.text !== '') systemTexts.push(part.text);
      }
      return;
    }
    let role: GeminiContent['role'] = 'user';
    let parts: GeminiPart[];
    if (message.role === 'assistant') {
      role = 'model';
      parts = modelParts(message, index);
      for (const call of message.toolCalls ?? []) callNames.set(call.id, call.name);
    } else if (message.role === 'tool') {
      parts = [functionResponsePart(message, index, callNames)];
    } else {
      // Gemini rejects empty text parts.
      parts = message.content.filter((part) => part.type !== 'text' || part.text !== '').map((part) => userPart(part, index));
    }
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last !== undefined && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  });

  const body: GeminiRequestBody = { contents };
  if (systemTexts.length > 0) body.systemInstruction = { parts: [{ text: systemTexts.join('\n\n') }] };

  const tools = request.tools ?? [];
  if (tools.length > 0) {
    body.tools = [
      {
        functionDeclarations: tools.map((tool) => ({
          name: tool.name,
          ...(tool.description !== undefined ? { description: tool.description } : {}),
          parametersJsonSchema: tool.parameters,
        })),
      },
    ];
    const config = functionCallingConfig(request.toolChoice);
    if (config !== undefined) body.toolConfig = { functionCallingConfig: config };
  }

  const generationConfig: NonNullable<GeminiRequestBody['generationConfig']> = {};
  if (request.maxOutputTokens !== undefined) generationConfig.maxOutputTokens = request.maxOutputTokens;
  if (request.temperature !== undefined) generationConfig.temperature = request.temperature;
  const format = request.responseFormat;
  if (format !== undefined && format.type !== 'text') {
    generationConfig.responseMimeType = 'application/json';
    if (format.type === 'json_schema') generationConfig.responseJsonSchema = format.schema;
  }
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return body;
}

function functionCallingConfig(choice: string | undefined): NonNullable<GeminiRequestBody['toolConfig']>['functionCallingConfig'] | undefined {
  switch (choice) {
    case undefined:
      return undefined;
    case 'auto':
      return { mode: 'AUTO' };
    case 'none':
      return { mode: 'NONE' };
    case 'required':
      return { mode: 'ANY' };
    default:
      return { mode: 'ANY', allowedFunctionNames: [choice] };
  }
}

function userPart(part: ContentPart, index: number): GeminiPart {
  if (part.type === 'text') return { text: part.text };
  if (part.data !== undefined) {
    if (part.mediaType === undefined) throw badRequest(`messages[${index}]: an image given as data needs a mediaType`);
    return { inlineData: { mimeType: part.mediaType, data: part.data } };
  }
  const url = part.url ?? '';
  if (url.startsWith('data:')) {
    const inline = parseBase64DataUrl(url);
    if (inline === undefined) throw badRequest(`messages[${index}]: an image data URL must be base64 with a media type`);
    return { inlineData: { mimeType: inline.mediaType, data: inline.data } };
  }
  if (isHttpUrl(url)) {
    const mimeType = part.mediaType ?? imageMediaTypeFromUrl(url);
    if (mimeType === undefined) {
      throw badRequest(`messages[${index}]: an image URL needs a mediaType (Gemini cannot tell the type from this URL)`);
    }
    return { fileData: { mimeType, fileUri: url } };
  }
  throw badRequest(`messages[${index}]: an image needs an http(s) or data: URL, or base64 data`);
}

function modelParts(message: ChatMessage, index: number): GeminiPart[] {
  const parts: GeminiPart[] = [];
  for (const part of message.content) {
    if (part.type !== 'text') throw badRequest(`messages[${index}]: an assistant message may only hold text`);
    if (part.text !== '') parts.push({ text: part.text });
  }
  (message.toolCalls ?? []).forEach((call, i) => {
    const part: GeminiPart = { functionCall: { name: call.name, args: callArgs(call.arguments, index) } };
    // Gemini signs the first call of a step; the others never carry one.
    if (i === 0) part.thoughtSignature = PLACEHOLDER_THOUGHT_SIGNATURE;
    parts.push(part);
  });
  return parts;
}

function callArgs(argumentsText: string, index: number): Record<string, unknown> {
  if (argumentsText.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(argumentsText);
  } catch {
    throw badRequest(`messages[${index}]: tool call arguments are not valid JSON`);
  }
  if (!isJsonObject(value)) throw badRequest(`messages[${index}]: tool call arguments must be a JSON object`);
  return value;
}

function functionResponsePart(message: ChatMessage, index: number, callNames: Map<string, string>): GeminiPart {
  const name = message.name ?? (message.toolCallId !== undefined ? callNames.get(message.toolCallId) : undefined);
  if (name === undefined || name === '') {
    throw badRequest(`messages[${index}]: a tool message needs the tool's name (or a toolCallId naming an earlier call)`);
  }
  const text = message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
  return { functionResponse: { name, response: functionResponse(text) } };
}

function functionResponse(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (isJsonObject(value)) return value;
  } catch {
    // Not JSON: the text is the output.
  }
  return { output: text };
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badRequest(message: string): ProviderError {
  return new ProviderError({ kind: 'bad_request', provider: GEMINI_PROVIDER, retryable: false, message: `${GEMINI_PROVIDER}: ${message}` });
}
