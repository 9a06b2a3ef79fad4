/**
 * The shadow budget over NATS: two replicas spend from one daily counter in a JetStream
 * key-value bucket on a real nats-server, so together they never pass the budget by more than
 * what one reservation's real cost exceeds its worst case (nothing, here); while NATS is down a
 * reservation fails instead of going uncounted.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KvBudgetStore } from '../../services/router/shadow/kv-budget-store.js';
import { ShadowBudget } from '../../services/router/shadow/shadow-budget.js';
import { Ledger } from '../../services/router/tenancy/ledger.js';
import { worstCase } from '../../services/router/tenancy/metered-executor.js';
import { NatsBus } from '../../services/shared/bus/nats-bus.js';
import { Catalog } from '../../services/shared/catalog.js';
import { loadConfig } from '../../services/shared/config/load-config.js';
import type { InvokeInput } from '../../services/shared/contracts/invoke.js';
import { startNatsServer, type NatsServer } from '../support/nats-server.js';

let nats: NatsServer;
const buses: NatsBus[] = [];
const catalog = new Catalog(loadConfig().config, {});
const NOW = Date.UTC(2026, 0, 10, 12);

const call: InvokeInput = {
  model: 'gpt-4.1',
  request: { messages: [{ role: 'user', content: [{ type: 'text', text: 'Grade these two answers, please.' }] }], maxOutputTokens: 200 },
  allowedRegions: [],
  decisionId: '0190f0f0-0000-7000-8000-000000000000',
  step: 'shadow_reference',
};

function replica(name: string): ShadowBudget {
  const bus = new NatsBus({ servers: [nats.url], name, reconnectWaitMs: 50 });
  buses.push(bus);
  const ledger = new Ledger({ store: new KvBudgetStore(() => bus.connection()), now: () => NOW, holdTtlMs: 60_000 });
  return new ShadowBudget({ ledger, catalog, dailyUsd: 0.02, now: () => NOW });
}

beforeAll(async () => {
  nats = await startNatsServer({ jetStreamDir: mkdtempSync(join(tmpdir(), 'switchyard-shadow-js-')) });
});
afterAll(async () => {
  for (const b of buses) await b.close();
  await nats?.stop();
});

describe('shadow budget - shared over NATS key-value', () => {
  it('two replicas spend from one daily budget and stop together when it is spent', async () => {
    const [a, b] = [replica('shadow-a'), replica('shadow-b')];
    await Promise.all(buses.map((bus) => bus.connected()));
    const worstUsd = worstCase(call, catalog).nanoUsd / 1e9;
    const spendOnce = async (r: ShadowBudget): Promise<boolean> => {
      const got = await r.reserve([call]);
      if ('refused' in got) return false;
      await r.settle(got.hold, worstUsd);
      return true;
    };
    // Each replica spends once from the shared budget, in turn (which of two racing replicas wins
    // each round is up to the scheduler, so only this part says both can spend).
    expect([await spendOnce(a), await spendOnce(b)]).toEqual([true, true]);
    // Then both at once, until both are refused.
    const granted = await Promise.all([a, b].map(async (r) => {
      let n = 0;
      while (await spendOnce(r)) n++;
      return n;
    }));
    const total = 2 + granted[0]! + granted[1]!;
    expect(total).toBe(Math.floor(0.02 / worstUsd));
    const [sa, sb] = await Promise.all([a.spentToday(), b.spentToday()]);
    expect(sa).toEqual(sb);
    expect(sa.spentUsd).toBeCloseTo(total * worstUsd, 9);
    expect(sa.spentUsd).toBeLessThanOrEqual(0.02);
    expect(sa.heldUsd).toBe(0);
  });

  it('while NATS is down a reservation fails rather than go uncounted', async () => {
    const r = replica('shadow-c');
    await buses.at(-1)!.connected();
    await nats.stop();
    await expect(r.reserve([call])).rejects.toThrow(/^the shadow budget (cannot be read|cannot open its key-value bucket|\(NATS key-value\) cannot be reached)/);
  }, 20_000);
});
