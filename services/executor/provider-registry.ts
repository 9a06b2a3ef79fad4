/**
 * The provider adapters by kind, registered explicitly in one place. The config schema only
 * admits these kinds, so an unknown provider fails when the config loads.
 */
import type { ProviderKind } from '../shared/config/schema.js';
import { anthropicMessagesAdapter } from './providers/anthropic-messages.js';
import { azureOpenAIChatAdapter } from './providers/azure-openai-chat.js';
import { bedrockConverseAdapter } from './providers/bedrock-converse.js';
import { geminiGenerateContentAdapter } from './providers/gemini-generate-content.js';
import { openAIChatAdapter } from './providers/openai-chat.js';
import { openAICompatibleAdapter } from './providers/openai-compatible.js';
import type { ProviderAdapter } from '../shared/contracts/provider.js';

export const PROVIDER_ADAPTERS: Readonly<Record<ProviderKind, ProviderAdapter>> = {
  openai: openAIChatAdapter,
  anthropic: anthropicMessagesAdapter,
  gemini: geminiGenerateContentAdapter,
  'openai-compatible': openAICompatibleAdapter,
  bedrock: bedrockConverseAdapter,
  'azure-openai': azureOpenAIChatAdapter,
};
