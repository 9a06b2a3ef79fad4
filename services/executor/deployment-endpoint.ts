/**
 * Where and how an adapter reaches one deployment: its URL, and its credentials read from the
 * environment at start (never from the config file), in the shape its provider kind needs.
 */
import type { CatalogDeployment } from '../shared/catalog.js';
import type { ProviderEndpoint } from '../shared/contracts/provider.js';

export function deploymentEndpoint(d: CatalogDeployment, env: NodeJS.ProcessEnv): ProviderEndpoint {
  const read = (name: string | undefined): string => (name === undefined ? '' : (env[name] ?? ''));
  const endpoint: ProviderEndpoint = { baseUrl: d.baseUrl, apiKey: read(d.apiKeyEnv), headers: d.headers };
  const c = d.config;
  if (c.provider === 'bedrock') {
    const sessionToken = read(c.session_token_env);
    endpoint.aws = {
      region: c.aws_region,
      accessKeyId: read(c.access_key_id_env),
      secretAccessKey: read(c.secret_access_key_env),
      ...(sessionToken !== '' ? { sessionToken } : {}),
    };
  } else if (c.provider === 'azure-openai') {
    endpoint.azure = { apiVersion: c.api_version, auth: c.auth };
  }
  return endpoint;
}
