import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../services/executor/resilience/circuit-breaker.js';
import { orderDeployments, type DeploymentCandidate } from '../../services/executor/resilience/deployment-balancer.js';
import { RateLimiter } from '../../services/executor/resilience/rate-limiter.js';
import { ManualClock, serverError } from './support/fakes.js';

interface Dep {
  id: string;
  region?: string;
  weight?: number;
}

function setup(): { clock: ManualClock; candidate: (id: string, region?: string) => DeploymentCandidate<Dep> & { breaker: CircuitBreaker; limiter: RateLimiter } } {
  const clock = new ManualClock({ startMs: 0 });
  return {
    clock,
    candidate: (id, region) => ({
      deployment: region === undefined ? { id } : { id, region },
      breaker: new CircuitBreaker({ minCalls: 1, openMs: 10_000, clock }),
      limiter: new RateLimiter({ rpm: 60, tpm: 10_000, clock }),
    }),
  };
}

const ids = (deployments: Dep[]): string[] => deployments.map((d) => d.id);

describe('deployment balancer - only healthy deployments', () => {
  it('leaves out a deployment whose breaker is open, and takes it back when half-open with probe room', async () => {
    const { clock, candidate } = setup();
    const a = candidate('a');
    const b = candidate('b');
    a.breaker.onFailure(serverError());
    const first = orderDeployments([a, b], { random: () => 0.5 });
    expect(ids(first.order)).toEqual(['b']);
    expect(first.excluded).toEqual([{ deployment: a.deployment, reason: 'circuit_open' }]);

    await clock.advance(10_000);
    expect(ids(orderDeployments([a, b], { random: () => 0.5 }).order).sort()).toEqual(['a', 'b']);

    expect(a.breaker.canPass()).toBe(true); // the one probe slot is taken
    expect(orderDeployments([a, b]).excluded).toEqual([{ deployment: a.deployment, reason: 'circuit_open' }]);
  });

  it('leaves out a deployment whose rate limiter has no room, with the wait', () => {
    const { candidate } = setup();
    const a = candidate('a');
    const b = candidate('b');
    a.limiter.coolDown(3_000);
    const result = orderDeployments([a, b], { estimatedTokens: 500 });
    expect(ids(result.order)).toEqual(['b']);
    expect(result.excluded).toEqual([{ deployment: a.deployment, reason: 'rate_limited', detail: 'cooling_down', retryInMs: 3_000 }]);

    const big = orderDeployments([b], { estimatedTokens: 20_000 });
    expect(big.order).toEqual([]);
    expect(big.excluded[0]).toMatchObject({ reason: 'rate_limited', detail: 'request_exceeds_tpm' });
  });

  it('keeps to the allowed regions; a deployment without a region is left out when regions are restricted', () => {
    const { candidate } = setup();
    const eu = candidate('eu', 'eu-west-1');
    const us = candidate('us', 'us-east-1');
    const anywhere = candidate('anywhere');
    const result = orderDeployments([eu, us, anywhere], { allowedRegions: ['eu-west-1', 'eu-central-1'] });
    expect(ids(result.order)).toEqual(['eu']);
    expect(result.excluded.map((e) => [e.deployment.id, e.reason])).toEqual([
      ['us', 'region_not_allowed'],
      ['anywhere', 'region_not_allowed'],
    ]);
    expect(orderDeployments([eu, us, anywhere]).order).toHaveLength(3);
  });

  it('takes nothing from the breaker or the limiter', () => {
    const { candidate } = setup();
    const a = candidate('a');
    orderDeployments([a], { estimatedTokens: 9_000 });
    orderDeployments([a], { estimatedTokens: 9_000 });
    expect(a.limiter.tryAcquire(9_000).ok).toBe(true);
  });

  it('works without breaker or limiter', () => {
    expect(ids(orderDeployments([{ deployment: { id: 'x' } }]).order)).toEqual(['x']);
  });
});
