/**
 * The executor's live state for each catalog model: its deployments with their adapters,
 * credentials, circuit breakers and rate limiters, the model's configured budget, its prices,
 * and latency statistics. Models without credentials are served by the simulator when the
 * configuration allows it.
 */
import type { Catalog, CatalogModel } from '../shared/catalog.js';
import type { Config } from '../shared/config/schema.js';
import { deploymentEndpoint } from './deployment-endpoint.js';
import { PROVIDER_ADAPTERS } from './provider-registry.js';
import type { ProviderAdapter, ProviderEndpoint } from '../shared/contracts/provider.js';
import { CircuitBreaker } from './resilience/circuit-breaker.js';
import type { Clock } from './resilience/clock.js';
import type { PriceTable } from './resilience/cost.js';
import { RateLimiter } from './resilience/rate-limiter.js';

export interface DeploymentRuntime {
  /** The deployment's name; unique within the model. */
  id: string;
  region: string;
  adapter: ProviderAdapter;
  endpoint: ProviderEndpoint;
  /** The provider's name for the model. */
  modelName: string;
  breaker: CircuitBreaker;
  /** Provider-reported limits and 429 cool-downs of this deployment. */
  limiter: RateLimiter;
  simulated: boolean;
  /** Environment variable the key comes from, for error messages. */
  apiKeyEnv?: string;
  hasCredentials: boolean;
}

/** Exponentially weighted moving average. */
export class Ewma {
  private value: number | undefined;
  constructor(private readonly alpha = 0.2) {}
  add(x: number): void {
    this.value = this.value === undefined ? x : this.value + this.alpha * (x - this.value);
  }
  get(): number | undefined {
    return this.value;
  }
}

export interface ModelRuntime {
  model: CatalogModel;
  deployments: DeploymentRuntime[];
  /** The model's configured RPM/TPM budget. */
  budget: RateLimiter;
  price: PriceTable;
  latencyMs: Ewma;
  ttftMs: Ewma;
}

export interface RuntimeOptions {
  config: Config;
  catalog: Catalog;
  env: NodeJS.ProcessEnv;
  /** Base URL (…/v1) of the simulator that serves models without credentials. */
  simulatorUrl?: string;
  clock?: Clock;
}

export function buildModelRuntimes(o: RuntimeOptions): ModelRuntime[] {
  const b = o.config.executor.breaker;
  const clockOpt = o.clock ? { clock: o.clock } : {};
  const breaker = () =>
    new CircuitBreaker({ windowMs: b.window_ms, minCalls: b.min_calls, failureRateThreshold: b.failure_rate, openMs: b.open_ms, ...clockOpt });
  return o.catalog.models.map((m) => {
    const simulate = m.simulated && o.simulatorUrl !== undefined;
    // The simulator stands in for each region the model is deployed in, so region filters
    // (a tenant's, a request's) select simulated deployments as they would real ones.
    const simRegions = m.regions.length > 0 ? m.regions : ['local'];
    const deployments: DeploymentRuntime[] = simulate
      ? simRegions.map((region) => ({
          id: simRegions.length === 1 ? 'simulator' : `simulator-${region}`,
          region,
          adapter: PROVIDER_ADAPTERS['openai-compatible'],
          endpoint: { baseUrl: o.simulatorUrl!, apiKey: '' },
          modelName: m.id,
          breaker: breaker(),
          limiter: new RateLimiter({ ...clockOpt }),
          simulated: true,
          hasCredentials: true,
        }))
      : m.deployments.map((d) => ({
          id: d.name,
          region: d.region,
          adapter: PROVIDER_ADAPTERS[d.provider],
          endpoint: deploymentEndpoint(d, o.env),
          modelName: d.modelName,
          breaker: breaker(),
          limiter: new RateLimiter({ ...clockOpt }),
          simulated: false,
          ...(d.apiKeyEnv ? { apiKeyEnv: d.apiKeyEnv } : {}),
          hasCredentials: d.hasCredentials,
        }));
    return {
      model: m,
      deployments,
      budget: new RateLimiter({ ...(m.rpm ? { rpm: m.rpm } : {}), ...(m.tpm ? { tpm: m.tpm } : {}), ...clockOpt }),
      price: {
        inputPerMTok: m.config.prices.input,
        outputPerMTok: m.config.prices.output,
        cachedInputPerMTok: m.config.prices.cached_input ?? m.config.prices.input,
        cacheWritePerMTok: m.config.prices.cache_write ?? m.config.prices.input,
      },
      latencyMs: new Ewma(),
      ttftMs: new Ewma(),
    };
  });
}
