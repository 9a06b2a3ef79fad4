/**
 * OpenAI-compatible servers (kind 'openai-compatible'): vLLM, SGLang, Ollama, NVIDIA NIM and
 * the like speak the Chat Completions wire format with small differences, which this dialect
 * absorbs: the key is optional (no Authorization header when it is empty), the output limit
 * goes in `max_tokens`, and a stream may lack the usage chunk or the final `data: [DONE]`
 * (then usage is reported as zeros, and a stream is complete once its choice has a
 * finish_reason). Servers that reject `stream_options` get an adapter made with
 * `streamUsage: false`.
 */
import { createOpenAIChatAdapter, type OpenAIChatAdapterOptions } from './openai-chat.js';
import type { ProviderAdapter } from '../../shared/contracts/provider.js';

export const OPENAI_COMPATIBLE_DIALECT: OpenAIChatAdapterOptions = {
  kind: 'openai-compatible',
  maxTokensField: 'max_tokens',
  streamUsage: true,
  requireDone: false,
};

export function createOpenAICompatibleAdapter(overrides: Partial<Omit<OpenAIChatAdapterOptions, 'kind'>> = {}): ProviderAdapter {
  return createOpenAIChatAdapter({ ...OPENAI_COMPATIBLE_DIALECT, ...overrides });
}

export const openAICompatibleAdapter: ProviderAdapter = createOpenAICompatibleAdapter();
