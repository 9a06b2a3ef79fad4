import { describe, expect, it } from 'vitest';
import { orderDeployments, type BalancedDeployment } from '../../services/executor/resilience/deployment-balancer.js';
import { RateLimiter } from '../../services/executor/resilience/rate-limiter.js';
import { seededRandom } from '../../services/executor/resilience/random.js';
import { ManualClock } from './support/fakes.js';

const ids = (deployments: BalancedDeployment[]): string[] => deployments.map((d) => d.id);

describe('deployment balancer - least in-flight, then weighted random', () => {
  it('puts the deployments with fewest calls in flight first, whatever their weight', () => {
    const order = orderDeployments(
      [
        { deployment: { id: 'busy', weight: 100 }, inFlight: 5 },
        { deployment: { id: 'idle' }, inFlight: 0 },
        { deployment: { id: 'some' }, inFlight: 2 },
      ],
      { random: seededRandom(1) },
    ).order;
    expect(ids(order)).toEqual(['idle', 'some', 'busy']);
  });

  it("reads calls in flight from the limiter when they are not given", () => {
    const clock = new ManualClock();
    const a = new RateLimiter({ clock });
    const b = new RateLimiter({ clock });
    a.tryAcquire(0);
    const order = orderDeployments([
      { deployment: { id: 'a' }, limiter: a },
      { deployment: { id: 'b' }, limiter: b },
    ]).order;
    expect(ids(order)).toEqual(['b', 'a']);
  });

  it('orders equally busy deployments by weight, reproducibly with a seed', () => {
    const candidates = [
      { deployment: { id: 'light', weight: 1 } },
      { deployment: { id: 'heavy', weight: 3 } },
    ];
    const run = (seed: number): string[][] => {
      const random = seededRandom(seed);
      return Array.from({ length: 20 }, () => ids(orderDeployments(candidates, { random }).order));
    };
    expect(run(9)).toEqual(run(9));

    const random = seededRandom(2024);
    let heavyFirst = 0;
    const draws = 20_000;
    for (let i = 0; i < draws; i++) {
      const order = orderDeployments(candidates, { random }).order;
      expect(order).toHaveLength(2);
      if (order[0]?.id === 'heavy') heavyFirst++;
    }
    // Weight 3 against 1: first three times in four.
    expect(heavyFirst / draws).toBeGreaterThan(0.73);
    expect(heavyFirst / draws).toBeLessThan(0.77);
  });

  it('lists every healthy deployment exactly once', () => {
    const candidates = ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ deployment: { id, weight: i + 1 }, inFlight: i % 2 }));
    const order = ids(orderDeployments(candidates, { random: seededRandom(5) }).order);
    expect([...order].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(order.slice(0, 3).sort()).toEqual(['a', 'c', 'e']); // in flight 0 before in flight 1
  });

  it('rejects a weight that is not positive', () => {
    expect(() => orderDeployments([{ deployment: { id: 'x', weight: 0 } }])).toThrow(/weight/);
    expect(() => orderDeployments([{ deployment: { id: 'x', weight: Number.NaN } }])).toThrow(/weight/);
  });
});
