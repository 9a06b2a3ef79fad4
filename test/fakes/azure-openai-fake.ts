/**
 * A local Azure OpenAI server for tests: the Chat Completions wire format at Azure's
 * deployment paths (/openai/deployments/{deployment}/chat/completions?api-version=...), the
 * `api-key` header (or an Entra ID Bearer token), Azure's error bodies (test/fixtures/azure-openai/)
 * and headers, and Azure's content-filter annotations on the replies OpenAI's recorded bodies
 * and chunks (test/fixtures/openai/) carry: `prompt_filter_results` on a body and in a first
 * chunk with no choices and no id or model, `content_filter_results` on every choice.
 */
import { readFileSync } from 'node:fs';
import type { FakeOptions, ProviderFake } from './fake-contract.js';
import { checkOpenAIChatBody, includesUsage, readOpenAIFixture, sseLines } from './openai-fake.js';
import { isRecord, startProviderFake, type BaseProviderFake } from './provider-fake.js';

export interface AzureFakeOptions extends Partial<FakeOptions> {
  /** How the key arrives: 'api-key' header (default) or 'entra' (Authorization: Bearer). */
  auth?: 'api-key' | 'entra';
  /** api-versions the resource knows; others get Azure's 404. */
  apiVersions?: readonly string[];
}

const FIXTURES = new URL('../fixtures/azure-openai/', import.meta.url);

/** Azure's own fixture when there is one, else OpenAI's recorded body. */
export function readAzureFixture(name: string): string {
  try {
    return readFileSync(new URL(name, FIXTURES), 'utf8');
  } catch {
    return readOpenAIFixture(name);
  }
}

export const AZURE_API_VERSIONS = ['2024-06-01', '2024-10-21', '2025-01-01-preview', '2025-04-01-preview'] as const;
/** Headers Azure sends with every answer (rate-limit values as Azure reports them). */
export const AZURE_HEADERS: Record<string, string> = {
  'x-ratelimit-remaining-requests': '99',
  'x-ratelimit-limit-requests': '100',
  'x-ratelimit-remaining-tokens': '99976',
  'x-ratelimit-limit-tokens': '100000',
  'x-ms-region': 'Sweden Central',
  'x-ms-rai-invoked': 'true',
  'x-content-type-options': 'nosniff',
};
const PATH = /^\/openai\/deployments\/([^/?]+)\/chat\/completions\?(.*)$/;
const SAFE = { filtered: false, severity: 'safe' };
const CONTENT_FILTER = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };
const PROMPT_FILTER = [{ prompt_index: 0, content_filter_results: { ...CONTENT_FILTER, jailbreak: { filtered: false, detected: false } } }];

export async function startAzureOpenAIFake(options: AzureFakeOptions = {}): Promise<BaseProviderFake> {
  const apiKey = options.apiKey ?? 'azure-test-key';
  const auth = options.auth ?? 'api-key';
  const versions = new Set<string>(options.apiVersions ?? AZURE_API_VERSIONS);
  const fake = await startProviderFake({
    basePath: '',
    readFixture: readAzureFixture,
    check: (method, path, headers, body) => {
      const problems: string[] = [];
      if (method !== 'POST') problems.push(`method ${method}, want POST`);
      const match = PATH.exec(path);
      const version = new URLSearchParams(match?.[2] ?? '').get('api-version');
      if (match === null) problems.push(`path ${path}, want /openai/deployments/{deployment}/chat/completions?api-version=...`);
      else if (version === null || !versions.has(version)) problems.push(`api-version ${String(version)} is not supported`);
      if (auth === 'api-key' && headers['api-key'] !== apiKey) problems.push('api-key header is not the key');
      if (auth === 'entra' && headers.authorization !== `Bearer ${apiKey}`) problems.push('authorization is not "Bearer <token>"');
      if (headers.authorization !== undefined && auth === 'api-key') problems.push('authorization sent beside api-key');
      if (!(headers['content-type'] ?? '').startsWith('application/json')) problems.push('content-type is not application/json');
      const maxTokensField = version !== null && version >= '2024-09-01' ? 'max_completion_tokens' : 'max_tokens';
      const old = version !== null && version < '2024-08-01';
      if (old && isRecord(body) && body.stream_options !== undefined) problems.push(`stream_options is not known to api-version ${version}`);
      return [...problems, ...checkOpenAIChatBody(body, { maxTokensField, extraKeys: ['data_sources', 'user_security_context'], modelOptional: true })];
    },
    streaming: (request) => request.body.stream === true,
    headers: () => ({
      'apim-request-id': crypto.randomUUID(),
      'x-request-id': crypto.randomUUID(),
      ...AZURE_HEADERS,
    }),
    jsonContentType: 'application/json',
    sseHeaders: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
    sseEvent: (line) => `data: ${line}\n\n`,
    errors: {
      server_error: { status: 500, fixture: 'error-500.json' },
      overloaded: { status: 503, fixture: 'error-503.json' },
      rate_limit: { status: 429, fixture: 'error-429.json', headers: { 'retry-after': '2', 'retry-after-ms': '2000', 'x-ratelimit-remaining-requests': '0' } },
      context_length: { status: 400, fixture: 'error-400-context-length.json' },
      auth: { status: 401, fixture: 'error-401.json' },
    },
    faultChunks: 3,
    streamFaultsWithoutStream: 'sse',
    replyBody: (name) => withFilterResults(readAzureFixture(`${name}.json`)),
    streamLines: (name, request) => {
      const lines = sseLines(`${name}.chunks.txt`, includesUsage(request)).map(withChunkFilterResults);
      const promptChunk = { choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: PROMPT_FILTER };
      return [JSON.stringify(promptChunk), ...lines];
    },
  });
  return fake satisfies ProviderFake;
}

/** An OpenAI body with Azure's annotations; a body that is not a completion passes unchanged. */
function withFilterResults(text: string): string {
  const body = JSON.parse(text) as unknown;
  if (!isRecord(body) || !Array.isArray(body.choices)) return text;
  body.prompt_filter_results = PROMPT_FILTER;
  for (const choice of body.choices) if (isRecord(choice)) choice.content_filter_results = CONTENT_FILTER;
  return JSON.stringify(body);
}

function withChunkFilterResults(line: string): string {
  if (line === '[DONE]') return line;
  const chunk = JSON.parse(line) as unknown;
  if (!isRecord(chunk) || !Array.isArray(chunk.choices)) return line;
  for (const choice of chunk.choices) if (isRecord(choice)) choice.content_filter_results = isRecord(choice.delta) && choice.delta.content ? CONTENT_FILTER : {};
  return JSON.stringify(chunk);
}
