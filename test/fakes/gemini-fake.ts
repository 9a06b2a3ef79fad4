/**
 * A local Gemini API server (v1beta REST) for tests: replays recorded GenerateContentResponse
 * bodies and SSE streams (test/fixtures/gemini/), checks every request against the API's wire
 * format and records it, and injects faults per request. See ProviderFake in
 * test/executor/provider-conformance.ts.
 *
 * `url` is the adapter's base URL (`…/v1beta`); `origin` is what the official SDK takes as
 * `httpOptions.baseUrl`. Streams are `streamGenerateContent?alt=sse`: one `data:` event per
 * line of a `.chunks.txt` fixture, each event ended by CRLF CRLF as Google's servers do; a reply
 * with no recorded stream is streamed by cutting its text into a few chunks, the last one
 * carrying finishReason and usage. The fake knows the camelCase field names (what Google's
 * SDKs send); it reports snake_case ones as unknown.
 */
import { readFileSync } from 'node:fs';
import type { FakeOptions, ProviderFake, RecordedRequest, WireImage, WireReader } from './fake-contract.js';
import { bodyOf, isRecord, recordedStream, splitText, startProviderFake } from './provider-fake.js';

const FIXTURES = new URL('../fixtures/gemini/', import.meta.url);

export function readGeminiFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

export interface GeminiFake extends ProviderFake {
  /** http://127.0.0.1:port, the official SDK's httpOptions.baseUrl. */
  origin: string;
}

const PATH = /^\/v1beta\/models\/([^/:?]+):(generateContent|streamGenerateContent)(\?.*)?$/;

/** Google's answer to a bad OAuth token: 401 UNAUTHENTICATED (a bad API key is a 400, see error-400-api-key.json). */
const UNAUTHENTICATED = {
  error: {
    code: 401,
    message:
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    status: 'UNAUTHENTICATED',
  },
};

export function startGeminiFake(options: Partial<FakeOptions> = {}): Promise<GeminiFake> {
  const apiKey = options.apiKey ?? 'AIza-gemini-test-key';
  return startProviderFake({
    basePath: '/v1beta',
    readFixture: readGeminiFixture,
    check: (method, path, headers, body) => checkGeminiRequest(method, path, headers, body, { apiKey }),
    streaming: (request) => PATH.exec(request.path)?.[2] === 'streamGenerateContent',
    headers: () => ({ 'server-timing': 'gfet4t7; dur=412', vary: 'Origin, X-Origin, Referer', server: 'scaffolding on HTTPServer2' }),
    jsonContentType: 'application/json; charset=UTF-8',
    sseHeaders: { 'content-type': 'text/event-stream', 'content-disposition': 'attachment' },
    sseEvent: (line) => `data: ${line}\r\n\r\n`,
    errors: {
      server_error: { status: 500, fixture: 'error-500.json' },
      overloaded: { status: 503, fixture: 'error-503.json' },
      // Gemini says how long to wait in a google.rpc.RetryInfo detail, not in a header.
      rate_limit: { status: 429, fixture: 'error-429.json' },
      context_length: { status: 400, fixture: 'error-400-context-length.json' },
      auth: { status: 401, body: JSON.stringify(UNAUTHENTICATED, null, 2) },
    },
    faultChunks: 2,
    streamFaultsWithoutStream: 'json',
    streamLines: (name) =>
      recordedStream(readGeminiFixture, name) ??
      responseToChunks(JSON.parse(readGeminiFixture(`${name}.json`)) as Record<string, unknown>).map((c) => JSON.stringify(c)),
  });
}

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

/**
 * What Gemini streams for a response: the text of the first candidate in a few chunks, each a
 * whole GenerateContentResponse; the last one carries finishReason and the final usage.
 */
export function responseToChunks(response: Record<string, unknown>): Array<Record<string, unknown>> {
  const candidate = Array.isArray(response.candidates) && isRecord(response.candidates[0]) ? response.candidates[0] : undefined;
  const parts = candidate !== undefined && isRecord(candidate.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts.filter(isRecord) : [];
  const text = parts.map((p) => (typeof p.text === 'string' && p.thought !== true ? p.text : '')).join('');
  const other = parts.filter((p) => typeof p.text !== 'string');
  const usage = isRecord(response.usageMetadata) ? response.usageMetadata : {};
  const promptOnly = { promptTokenCount: usage.promptTokenCount, totalTokenCount: usage.promptTokenCount, promptTokensDetails: usage.promptTokensDetails };
  const meta = { modelVersion: response.modelVersion, responseId: response.responseId };
  if (candidate === undefined) return [response];

  const pieces = text === '' ? [] : splitText(text);
  const chunks: Array<Record<string, unknown>> = pieces.map((piece) => ({
    candidates: [{ content: { parts: [{ text: piece }], role: 'model' }, index: 0 }],
    usageMetadata: promptOnly,
    ...meta,
  }));
  const { content: _content, ...rest } = candidate;
  const lastParts = other.length > 0 ? other : pieces.length > 0 ? [{ text: '' }] : [];
  chunks.push({
    candidates: [{ ...(lastParts.length > 0 ? { content: { parts: lastParts, role: 'model' } } : {}), ...rest }],
    usageMetadata: usage,
    ...meta,
  });
  return chunks;
}

// ---------------------------------------------------------------------------------------------
// Request checks: what the Gemini API would reject
// ---------------------------------------------------------------------------------------------

const TOP_LEVEL_KEYS = new Set(['contents', 'systemInstruction', 'tools', 'toolConfig', 'generationConfig', 'safetySettings', 'cachedContent']);
const GENERATION_KEYS = new Set([
  'stopSequences', 'responseMimeType', 'responseSchema', 'responseJsonSchema', 'responseModalities', 'candidateCount',
  'maxOutputTokens', 'temperature', 'topP', 'topK', 'seed', 'presencePenalty', 'frequencyPenalty', 'responseLogprobs',
  'logprobs', 'enableEnhancedCivicAnswers', 'speechConfig', 'thinkingConfig', 'mediaResolution', 'imageConfig',
]);
const PART_DATA = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'];
const PART_KEYS = new Set([...PART_DATA, 'thought', 'thoughtSignature', 'videoMetadata', 'mediaResolution']);
const DECLARATION_KEYS = new Set(['name', 'description', 'parameters', 'parametersJsonSchema', 'response', 'responseJsonSchema', 'behavior']);
const FUNCTION_NAME = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export function checkGeminiRequest(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: unknown,
  expected: { apiKey: string },
): string[] {
  const problems: string[] = [];
  const problem = (text: string): void => void problems.push(text);
  if (method !== 'POST') problem(`method ${method}, want POST`);
  const route = PATH.exec(path);
  if (route === null) problem(`path ${path}, want /v1beta/models/{model}:generateContent or :streamGenerateContent?alt=sse`);
  else if (route[2] === 'streamGenerateContent' && new URLSearchParams((route[3] ?? '').slice(1)).get('alt') !== 'sse') {
    problem('streamGenerateContent without alt=sse answers a JSON array, not SSE');
  } else if (route[2] === 'generateContent' && route[3] !== undefined && route[3] !== '') problem('generateContent takes no query');
  if (expected.apiKey !== '' && headers['x-goog-api-key'] !== expected.apiKey) problem('x-goog-api-key is not the key');
  if (expected.apiKey === '' && headers['x-goog-api-key'] !== undefined) problem('x-goog-api-key sent to a keyless endpoint');
  if (!(headers['content-type'] ?? '').startsWith('application/json')) problem('content-type is not application/json');
  if (!isRecord(body)) return [...problems, 'body is not a JSON object'];

  for (const key of Object.keys(body)) if (!TOP_LEVEL_KEYS.has(key)) problem(`Invalid JSON payload received. Unknown name "${key}"`);
  checkContents(body.contents, problem);
  if (body.systemInstruction !== undefined) {
    const si = body.systemInstruction;
    if (!isRecord(si) || !Array.isArray(si.parts) || !si.parts.every((p: unknown) => isRecord(p) && typeof p.text === 'string')) {
      problem('systemInstruction must be a Content of text parts');
    }
  }
  const names = checkTools(body, problem);
  checkToolConfig(body.toolConfig, names, problem);
  checkGenerationConfig(body.generationConfig, problem);
  return problems;
}

function checkContents(contents: unknown, problem: (text: string) => void): void {
  if (!Array.isArray(contents) || contents.length === 0) return problem('* GenerateContentRequest.contents: contents is not specified');
  let pendingCalls = 0;
  contents.forEach((c: unknown, i) => {
    const at = `contents[${i}]`;
    if (!isRecord(c)) return problem(`${at} is not a Content`);
    if (c.role !== undefined && c.role !== 'user' && c.role !== 'model') problem(`${at}.role must be user or model`);
    if (!Array.isArray(c.parts) || c.parts.length === 0) return problem(`${at}.parts must not be empty`);
    let calls = 0;
    let responses = 0;
    c.parts.forEach((p: unknown, j) => {
      const where = `${at}.parts[${j}]`;
      if (!isRecord(p)) return problem(`${where} is not a Part`);
      for (const key of Object.keys(p)) if (!PART_KEYS.has(key)) problem(`${where}: unknown name "${key}"`);
      const data = PART_DATA.filter((key) => p[key] !== undefined);
      if (data.length !== 1) return problem(`${where} must hold exactly one of ${PART_DATA.join(', ')}`);
      if (p.thoughtSignature !== undefined && !(typeof p.thoughtSignature === 'string' && BASE64.test(p.thoughtSignature))) {
        problem(`${where}.thoughtSignature must be base64`);
      }
      if (p.text !== undefined && typeof p.text !== 'string') problem(`${where}.text must be a string`);
      if (p.inlineData !== undefined) {
        const d = p.inlineData;
        if (!isRecord(d) || typeof d.mimeType !== 'string' || typeof d.data !== 'string' || !BASE64.test(d.data)) {
          problem(`${where}.inlineData must be {mimeType, data (base64)}`);
        }
      }
      if (p.fileData !== undefined) {
        const f = p.fileData;
        if (!isRecord(f) || typeof f.fileUri !== 'string' || (f.mimeType !== undefined && typeof f.mimeType !== 'string')) {
          problem(`${where}.fileData must be {fileUri, mimeType}`);
        }
      }
      if (p.functionCall !== undefined) {
        calls++;
        const f = p.functionCall;
        if (c.role !== 'model') problem(`${where}: a functionCall belongs in a model turn`);
        if (!isRecord(f) || typeof f.name !== 'string' || !FUNCTION_NAME.test(f.name)) problem(`${where}.functionCall.name is invalid`);
        else if (f.args !== undefined && !isRecord(f.args)) problem(`${where}.functionCall.args must be an object`);
      }
      if (p.functionResponse !== undefined) {
        responses++;
        const f = p.functionResponse;
        if (c.role === 'model') problem(`${where}: a functionResponse belongs in a user turn`);
        if (!isRecord(f) || typeof f.name !== 'string' || !FUNCTION_NAME.test(f.name)) problem(`${where}.functionResponse.name is invalid`);
        else if (!isRecord(f.response)) problem(`${where}.functionResponse.response must be an object`);
      }
    });
    if (pendingCalls > 0 && responses !== pendingCalls) {
      problem('Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.');
    }
    if (pendingCalls === 0 && responses > 0) problem(`${at}: a function response turn must come right after a function call turn`);
    pendingCalls = calls;
  });
}

function checkTools(body: Record<string, unknown>, problem: (text: string) => void): Set<string> {
  const names = new Set<string>();
  if (body.tools === undefined) return names;
  if (!Array.isArray(body.tools)) {
    problem('tools must be an array');
    return names;
  }
  body.tools.forEach((tool: unknown, i) => {
    if (!isRecord(tool)) return problem(`tools[${i}] is not a Tool`);
    for (const key of Object.keys(tool)) {
      if (!['functionDeclarations', 'googleSearch', 'codeExecution', 'urlContext'].includes(key)) problem(`tools[${i}]: unknown name "${key}"`);
    }
    if (tool.functionDeclarations === undefined) return;
    if (!Array.isArray(tool.functionDeclarations)) return problem(`tools[${i}].functionDeclarations must be an array`);
    tool.functionDeclarations.forEach((fn: unknown, j) => {
      const at = `tools[${i}].functionDeclarations[${j}]`;
      if (!isRecord(fn) || typeof fn.name !== 'string' || !FUNCTION_NAME.test(fn.name)) return problem(`${at}.name is invalid`);
      names.add(fn.name);
      for (const key of Object.keys(fn)) if (!DECLARATION_KEYS.has(key)) problem(`${at}: unknown name "${key}"`);
      if (fn.parameters !== undefined && fn.parametersJsonSchema !== undefined) problem(`${at}: parameters and parametersJsonSchema are mutually exclusive`);
      const schema = fn.parametersJsonSchema ?? fn.parameters;
      if (schema !== undefined && !isRecord(schema)) problem(`${at}: the parameters schema must be an object`);
    });
  });
  return names;
}

function checkToolConfig(config: unknown, names: Set<string>, problem: (text: string) => void): void {
  if (config === undefined) return;
  const fcc = isRecord(config) ? config.functionCallingConfig : undefined;
  if (!isRecord(fcc)) return problem('toolConfig.functionCallingConfig is missing');
  if (!['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED'].includes(String(fcc.mode))) problem('functionCallingConfig.mode is invalid');
  if (fcc.allowedFunctionNames !== undefined) {
    if (fcc.mode !== 'ANY' && fcc.mode !== 'VALIDATED') problem('allowedFunctionNames is only allowed with mode ANY or VALIDATED');
    if (!Array.isArray(fcc.allowedFunctionNames) || !fcc.allowedFunctionNames.every((n: unknown) => typeof n === 'string' && names.has(n))) {
      problem('allowedFunctionNames must name declared functions');
    }
  }
}

function checkGenerationConfig(config: unknown, problem: (text: string) => void): void {
  if (config === undefined) return;
  if (!isRecord(config)) return problem('generationConfig must be an object');
  for (const key of Object.keys(config)) if (!GENERATION_KEYS.has(key)) problem(`generationConfig: unknown name "${key}"`);
  if (config.maxOutputTokens !== undefined && !(Number.isInteger(config.maxOutputTokens) && (config.maxOutputTokens as number) > 0)) {
    problem('generationConfig.maxOutputTokens must be a positive integer');
  }
  if (config.temperature !== undefined && !(typeof config.temperature === 'number' && config.temperature >= 0 && config.temperature <= 2)) {
    problem('generationConfig.temperature must be in [0, 2]');
  }
  if (config.responseSchema !== undefined && config.responseJsonSchema !== undefined) problem('responseSchema and responseJsonSchema are mutually exclusive');
  if ((config.responseSchema !== undefined || config.responseJsonSchema !== undefined) && config.responseMimeType !== 'application/json') {
    problem('a response schema needs responseMimeType application/json');
  }
}

// ---------------------------------------------------------------------------------------------
// Reading the request format, for the conformance suite
// ---------------------------------------------------------------------------------------------

const partsOf = (r: RecordedRequest, role: string): Array<Record<string, unknown>> => {
  const contents = bodyOf(r).contents;
  if (!Array.isArray(contents)) return [];
  return contents
    .filter((c: unknown): c is Record<string, unknown> => isRecord(c) && (c.role ?? 'user') === role)
    .flatMap((c) => (Array.isArray(c.parts) ? c.parts.filter(isRecord) : []));
};
const generationConfigOf = (r: RecordedRequest): Record<string, unknown> => {
  const config = bodyOf(r).generationConfig;
  return isRecord(config) ? config : {};
};

export const geminiWire: WireReader = {
  model: (r) => {
    const model = PATH.exec(r.path)?.[1];
    return model === undefined ? undefined : decodeURIComponent(model);
  },
  streaming: (r) => PATH.exec(r.path)?.[2] === 'streamGenerateContent',
  systemPrompt: (r) => {
    const si = bodyOf(r).systemInstruction;
    if (!isRecord(si) || !Array.isArray(si.parts)) return undefined;
    return si.parts.map((p: unknown) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join('');
  },
  images: (r) =>
    partsOf(r, 'user').flatMap((p): WireImage[] => {
      if (isRecord(p.inlineData)) return [{ data: String(p.inlineData.data), mediaType: String(p.inlineData.mimeType) }];
      if (isRecord(p.fileData)) return [{ url: String(p.fileData.fileUri), mediaType: String(p.fileData.mimeType) }];
      return [];
    }),
  toolNames: (r) => {
    const tools = bodyOf(r).tools;
    if (!Array.isArray(tools)) return [];
    return tools.flatMap((t: unknown) =>
      isRecord(t) && Array.isArray(t.functionDeclarations) ? t.functionDeclarations.map((f: unknown) => String(isRecord(f) ? f.name : '')) : [],
    );
  },
  assistantToolCalls: (r) =>
    partsOf(r, 'model').flatMap((p) => {
      if (!isRecord(p.functionCall)) return [];
      const call = p.functionCall;
      return [{ ...(typeof call.id === 'string' ? { id: call.id } : {}), name: String(call.name), arguments: call.args ?? {} }];
    }),
  toolResults: (r) =>
    partsOf(r, 'user').flatMap((p) => {
      if (!isRecord(p.functionResponse)) return [];
      const response = p.functionResponse;
      return [{ ...(typeof response.id === 'string' ? { id: response.id } : {}), name: String(response.name), output: JSON.stringify(response.response) }];
    }),
  jsonOutput: (r) => {
    const config = generationConfigOf(r);
    if (config.responseMimeType !== 'application/json') return undefined;
    const schema = config.responseJsonSchema ?? config.responseSchema;
    return schema === undefined ? {} : { schema };
  },
  maxOutputTokens: (r) => {
    const value = generationConfigOf(r).maxOutputTokens;
    return typeof value === 'number' ? value : undefined;
  },
};
