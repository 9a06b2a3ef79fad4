/**
 * The catalog: the configured models in the form the router and executors use (prices per
 * token, capability sets, regions, credential status). Built once from a validated Config.
 */
import type { CapabilityName, Config, DeploymentConfig, ModelConfig, ProviderKind } from './config/schema.js';
import type { Usage } from './contracts/provider.js';

export interface CatalogDeployment {
  name: string;
  /** The adapter kind that serves this deployment (its own, or its model's). */
  provider: ProviderKind;
  baseUrl: string;
  region: string;
  /** The provider's name for the model. */
  modelName: string;
  /** The variable holding the API key (key-based kinds). */
  apiKeyEnv?: string;
  /** Variables that must all be set for the deployment to have credentials. */
  credentialEnv: readonly string[];
  headers: Record<string, string>;
  /** True when the deployment needs no key or its key variables are set. */
  hasCredentials: boolean;
  config: DeploymentConfig;
}

export interface CatalogModel {
  index: number;
  id: string;
  provider: ProviderKind;
  /** USD per token. */
  inputPrice: number;
  outputPrice: number;
  cachedInputPrice: number;
  cacheWritePrice: number;
  contextWindow: number;
  maxOutputTokens: number;
  capabilities: ReadonlySet<CapabilityName>;
  /** Supported languages; null = every common language. */
  languages: ReadonlySet<string> | null;
  regions: readonly string[];
  ttftMs: number;
  outputTokensPerSecond: number;
  rpm?: number;
  tpm?: number;
  deployments: readonly CatalogDeployment[];
  /** At least one deployment has credentials. */
  hasCredentials: boolean;
  /** Served by the simulator because no deployment has credentials. */
  simulated: boolean;
  /** Environment variables that would give it credentials (for messages). */
  missingCredentials: readonly string[];
  config: ModelConfig;
}

const PER_MILLION = 1e-6;

/**
 * What `u` costs at `m`'s prices, in USD, billed as the executor bills an attempt
 * (executor/resilience/cost.ts): cached and cache-write tokens at their own prices.
 */
export function usageCostUsd(m: Pick<CatalogModel, 'inputPrice' | 'outputPrice' | 'cachedInputPrice' | 'cacheWritePrice'>, u: Usage): number {
  const uncached = Math.max(0, u.inputTokens - u.cachedInputTokens - u.cacheWriteTokens);
  return uncached * m.inputPrice + u.cachedInputTokens * m.cachedInputPrice + u.cacheWriteTokens * m.cacheWritePrice + u.outputTokens * m.outputPrice;
}

function toDeployment(m: ModelConfig, d: DeploymentConfig, env: NodeJS.ProcessEnv): CatalogDeployment {
  const credentialEnv =
    d.provider === 'bedrock' ? [d.access_key_id_env, d.secret_access_key_env] : d.api_key_env ? [d.api_key_env] : [];
  const baseUrl = d.provider === 'bedrock' ? (d.base_url ?? `https://bedrock-runtime.${d.aws_region}.amazonaws.com`) : d.base_url;
  return {
    name: d.name,
    provider: d.provider,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    region: d.region,
    modelName: d.model_name ?? m.id,
    ...(d.provider !== 'bedrock' && d.api_key_env ? { apiKeyEnv: d.api_key_env } : {}),
    credentialEnv,
    headers: d.headers ?? {},
    hasCredentials: credentialEnv.every((name) => (env[name] ?? '') !== ''),
    config: d,
  };
}

export class Catalog {
  readonly models: readonly CatalogModel[];
  private readonly byId: ReadonlyMap<string, CatalogModel>;

  /**
   * `credentialsElsewhere`: the keys live in other processes (a router-only process; its
   * executors hold them), so every deployment counts as having credentials here.
   */
  constructor(config: Config, env: NodeJS.ProcessEnv = process.env, options: { credentialsElsewhere?: boolean } = {}) {
    const simulate = config.executor.simulate_without_credentials && !options.credentialsElsewhere;
    this.models = config.models.map((m, index) => {
      const deployments = m.deployments.map((d) => ({ ...toDeployment(m, d, env), ...(options.credentialsElsewhere ? { hasCredentials: true } : {}) }));
      const hasCredentials = deployments.some((d) => d.hasCredentials);
      const input = m.prices.input * PER_MILLION;
      return {
        index,
        id: m.id,
        provider: m.provider,
        inputPrice: input,
        outputPrice: m.prices.output * PER_MILLION,
        cachedInputPrice: (m.prices.cached_input ?? m.prices.input) * PER_MILLION,
        cacheWritePrice: (m.prices.cache_write ?? m.prices.input) * PER_MILLION,
        contextWindow: m.context_window,
        maxOutputTokens: m.max_output_tokens,
        capabilities: new Set(m.capabilities),
        languages: m.languages.includes('*') ? null : new Set(m.languages),
        regions: [...new Set(m.deployments.map((d) => d.region))],
        ttftMs: m.latency.ttft_ms,
        outputTokensPerSecond: m.latency.output_tokens_per_second,
        ...(m.limits.rpm !== undefined ? { rpm: m.limits.rpm } : {}),
        ...(m.limits.tpm !== undefined ? { tpm: m.limits.tpm } : {}),
        deployments,
        hasCredentials,
        simulated: !hasCredentials && simulate,
        missingCredentials: hasCredentials ? [] : [...new Set(deployments.flatMap((d) => (d.credentialEnv.length > 0 ? [d.credentialEnv.join(' and ')] : [])))],
        config: m,
      };
    });
    this.byId = new Map(this.models.map((m) => [m.id, m]));
  }

  get(id: string): CatalogModel | undefined {
    return this.byId.get(id);
  }

  get ids(): string[] {
    return this.models.map((m) => m.id);
  }
}
