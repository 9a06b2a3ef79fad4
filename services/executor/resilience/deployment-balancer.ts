/**
 * Choosing among the deployments of one model.
 *
 * A model may be served by several deployments (an endpoint in a region, with its own
 * credentials). `orderDeployments` returns the ones worth trying, best first, and says why the
 * others are left out:
 *
 *  - a deployment outside `allowedRegions` (or without a region, when regions are restricted)
 *    is never tried: data residency is a hard rule;
 *  - a deployment whose breaker would not let a call pass (open, or half-open with every probe
 *    slot taken) is left out;
 *  - a deployment whose rate limiter has no room for the estimated tokens is left out, with the
 *    time until it would have room;
 *  - the rest are ordered by calls in flight, fewest first; deployments with equal counts are
 *    shuffled by weight (a deployment of weight 2 comes first twice as often as one of
 *    weight 1), with an injectable random source.
 *
 * Nothing is taken: the caller still asks the limiter (`tryAcquire`) and the breaker
 * (`canPass`) of the deployment it goes with, and moves down the list when they refuse. When
 * the list is exhausted, the caller moves on to the next model of the fallback chain.
 */
import type { Random } from './random.js';

/** What the balancer reads from a deployment. */
export interface BalancedDeployment {
  /** Unique among the model's deployments; names its breaker and limiter. */
  id: string;
  region?: string;
  /** Relative share among equally busy deployments; > 0, default 1. */
  weight?: number;
}

/** A deployment as configuration describes it. */
export interface ModelDeployment extends BalancedDeployment {
  /** The catalog model it serves. */
  model: string;
  /** The adapter kind, e.g. 'openai'. */
  provider: string;
  baseUrl: string;
  /** The environment variable holding the API key. */
  credentialsEnv?: string;
  /** The model's name at this deployment, when it differs from the catalog id. */
  providerModel?: string;
}

/** The part of CircuitBreaker the balancer uses. */
export interface BreakerView {
  wouldPass(): boolean;
}

/** The part of RateLimiter the balancer uses. */
export interface LimiterView {
  check(estimatedTokens: number): { ok: true } | { ok: false; reason: string; retryInMs: number };
  readonly inFlight: number;
}

export interface DeploymentCandidate<D extends BalancedDeployment = BalancedDeployment> {
  deployment: D;
  breaker?: BreakerView;
  limiter?: LimiterView;
  /** Calls in flight; default `limiter.inFlight`, else 0. */
  inFlight?: number;
}

export interface BalanceOptions {
  /** Tokens the call is expected to use, for the rate limiters. Default 0. */
  estimatedTokens?: number;
  /** Regions the request may go to; absent means any. */
  allowedRegions?: ReadonlySet<string> | readonly string[];
  random?: Random;
}

export type ExclusionReason = 'region_not_allowed' | 'circuit_open' | 'rate_limited';

export interface ExcludedDeployment<D extends BalancedDeployment = BalancedDeployment> {
  deployment: D;
  reason: ExclusionReason;
  /** The limiter's reason, for 'rate_limited'. */
  detail?: string;
  /** For 'rate_limited': milliseconds until the limiter would have room. */
  retryInMs?: number;
}

export interface DeploymentOrder<D extends BalancedDeployment = BalancedDeployment> {
  /** The deployments to try, in order. */
  order: D[];
  excluded: ExcludedDeployment<D>[];
}

export function orderDeployments<D extends BalancedDeployment>(
  candidates: readonly DeploymentCandidate<D>[],
  options: BalanceOptions = {},
): DeploymentOrder<D> {
  const random = options.random ?? Math.random;
  const estimatedTokens = options.estimatedTokens ?? 0;
  const regions = options.allowedRegions === undefined ? undefined : new Set(options.allowedRegions);
  const healthy: { deployment: D; inFlight: number; key: number }[] = [];
  const excluded: ExcludedDeployment<D>[] = [];

  for (const { deployment, breaker, limiter, inFlight } of candidates) {
    const weight = deployment.weight ?? 1;
    if (!(weight > 0 && Number.isFinite(weight))) {
      throw new RangeError(`deployment ${deployment.id}: weight must be a finite number > 0`);
    }
    if (regions !== undefined && (deployment.region === undefined || !regions.has(deployment.region))) {
      excluded.push({ deployment, reason: 'region_not_allowed' });
      continue;
    }
    if (breaker !== undefined && !breaker.wouldPass()) {
      excluded.push({ deployment, reason: 'circuit_open' });
      continue;
    }
    const room = limiter?.check(estimatedTokens);
    if (room !== undefined && !room.ok) {
      excluded.push({ deployment, reason: 'rate_limited', detail: room.reason, retryInMs: room.retryInMs });
      continue;
    }
    // Efraimidis–Spirakis: sorting by u^(1/w) descending draws a weighted order without replacement.
    healthy.push({ deployment, inFlight: inFlight ?? limiter?.inFlight ?? 0, key: random() ** (1 / weight) });
  }

  healthy.sort((a, b) => a.inFlight - b.inFlight || b.key - a.key);
  return { order: healthy.map((entry) => entry.deployment), excluded };
}
