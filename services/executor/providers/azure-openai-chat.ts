/**
 * Azure OpenAI (kind 'azure-openai'): the OpenAI Chat Completions translation, sent to
 * {baseUrl}/openai/deployments/{deployment}/chat/completions?api-version={version}, where the
 * deployment is the request's model name and the api-version is the deployment's own. The
 * key goes in the `api-key` header; with `auth: entra` it is a Microsoft Entra ID token sent
 * as a Bearer token. Older api-versions know only `max_tokens` and no `stream_options`, so the
 * dialect follows the version.
 */
import { createOpenAIChatAdapter, type OpenAIChatRoute } from './openai-chat.js';
import type { OpenAIChatDialect } from './openai-chat-request.js';
import type { ChatRequest, ProviderAdapter, ProviderEndpoint } from '../../shared/contracts/provider.js';

/** Used when an endpoint names none (the latest GA data-plane version at the time of writing). */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

export function azureChatCompletionsUrl(baseUrl: string, deployment: string, apiVersion: string): string {
  const root = baseUrl.replace(/\/+$/, '').replace(/\/openai$/, '');
  return `${root}/openai/deployments/${encodeURIComponent(deployment)}/chat/completions?api-version=${encodeURIComponent(apiVersion)}`;
}

/** `max_completion_tokens` arrived with 2024-09-01-preview, `stream_options` with 2024-08-01-preview. */
export function azureDialect(apiVersion: string): OpenAIChatDialect {
  return {
    maxTokensField: apiVersion >= '2024-09-01' ? 'max_completion_tokens' : 'max_tokens',
    streamUsage: apiVersion >= '2024-08-01',
  };
}

function azureRoute(endpoint: ProviderEndpoint, request: ChatRequest): OpenAIChatRoute {
  const apiVersion = endpoint.azure?.apiVersion ?? AZURE_DEFAULT_API_VERSION;
  const headers: Record<string, string> = {};
  if (endpoint.apiKey !== '') {
    if (endpoint.azure?.auth === 'entra') headers.authorization = `Bearer ${endpoint.apiKey}`;
    else headers['api-key'] = endpoint.apiKey;
  }
  return { url: azureChatCompletionsUrl(endpoint.baseUrl, request.model, apiVersion), headers, dialect: azureDialect(apiVersion) };
}

export const azureOpenAIChatAdapter: ProviderAdapter = createOpenAIChatAdapter({
  kind: 'azure-openai',
  ...azureDialect(AZURE_DEFAULT_API_VERSION),
  requireDone: true,
  route: azureRoute,
});
