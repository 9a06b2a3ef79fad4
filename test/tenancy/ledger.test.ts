import { describe, expect, it } from 'vitest';
import { MemoryCasStore } from '../../services/router/tenancy/cas-store.js';
import { Ledger, LimitExceededError, type Limit } from '../../services/router/tenancy/ledger.js';
import { spendLimits } from '../../services/router/tenancy/tenant-limits.js';
import type { Tenant } from '../../services/router/tenancy/tenant.js';

const limit = (n: number): Limit => ({ key: 'acme.usd.d1', limit: n, describe: (used, held, asked) => `used ${used} held ${held} asked ${asked}` });

function ledger(now: { t: number }, store = new MemoryCasStore()) {
  return new Ledger({ store, now: () => now.t, holdTtlMs: 1_000 });
}

describe('ledger - reservations', () => {
  it('admits holds while used + held + asked stays within the limit, and says why it refuses', async () => {
    const clock = { t: 0 };
    const l = ledger(clock);
    await l.reserve(limit(100), 60);
    await l.reserve(limit(100), 40);
    const refused = l.reserve(limit(100), 1);
    await expect(refused).rejects.toBeInstanceOf(LimitExceededError);
    await expect(refused).rejects.toThrow('used 0 held 100 asked 1');
  });

  it('settling replaces the hold by the real amount', async () => {
    const l = ledger({ t: 0 });
    const h = await l.reserve(limit(100), 60);
    await l.settle(h, 7);
    expect(await l.read('acme.usd.d1')).toEqual({ used: 7, held: 0, holds: 0 });
  });

  it("a crashed replica's holds expire and free the budget; a late settle still counts its spend", async () => {
    const clock = { t: 0 };
    const store = new MemoryCasStore();
    const crashed = ledger(clock, store);
    const live = ledger(clock, store);
    const h = await crashed.reserve(limit(100), 90);
    await expect(live.reserve(limit(100), 20)).rejects.toBeInstanceOf(LimitExceededError);
    clock.t = 1_000;
    await live.reserve(limit(100), 20);
    await crashed.settle(h, 5);
    expect(await live.read('acme.usd.d1')).toEqual({ used: 5, held: 20, holds: 1 });
  });

  it('concurrent writers on one counter never admit more than the limit', async () => {
    const store = new MemoryCasStore();
    const replicas = [ledger({ t: 0 }, store), ledger({ t: 0 }, store), ledger({ t: 0 }, store)];
    const results = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => replicas[i % 3]!.take(limit(25), 1)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(25);
    expect((await replicas[0]!.read('acme.usd.d1')).used).toBe(25);
  });
});

describe('ledger - periods', () => {
  const t: Tenant = { id: 'acme', models: null, policies: null, regions: null, dailyUsd: 1, monthlyUsd: 20 };

  it('day and month counters are keyed by UTC period and say when they reset', () => {
    const now = Date.UTC(2026, 11, 31, 23, 59, 30);
    const [day, month] = spendLimits(t, now);
    expect(day!.key).toBe('acme.usd.d20261231');
    expect(month!.key).toBe('acme.usd.m202612');
    expect(day!.limit).toBe(1e9);
    const msg = day!.describe(990_000_000, 5_000_000, 20_000_000);
    expect(msg).toContain('daily budget of $1.00');
    expect(msg).toContain('$0.990000 spent');
    expect(msg).toContain('resets at 2027-01-01T00:00:00.000Z');
    expect(month!.describe(0, 0, 1)).toContain('resets at 2027-01-01T00:00:00.000Z');
  });
});
