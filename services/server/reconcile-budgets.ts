/**
 * `switchyard budgets reconcile`: opens the decision log's store and the shared ledger the way
 * a router would (from the config and the environment), reconciles every budgeted tenant's
 * spend counters for one day and its month (router/tenancy/reconcile-spend.ts), and closes both.
 */
import { createBus, natsOptions, natsServers } from '../shared/bus/create-bus.js';
import type { NatsBus } from '../shared/bus/nats-bus.js';
import type { Config } from '../shared/config/schema.js';
import type { Logger } from '../shared/log.js';
import { openRecordStore } from '../router/record/decision-log.js';
import { KvTenancyStore } from '../router/tenancy/kv-cas-store.js';
import { Ledger } from '../router/tenancy/ledger.js';
import { reconcileSpend, type SpendDrift } from '../router/tenancy/reconcile-spend.js';
import { tenantsOf } from '../router/tenancy/tenant.js';

export type { SpendDrift } from '../router/tenancy/reconcile-spend.js';

export interface ReconcileBudgetsOptions {
  config: Config;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Any time within the day to reconcile. */
  at: number;
  fix: boolean;
}

/** A cluster that has just lost a node may time out a request or two: a reconciliation recomputes every drift from what it reads, so running it again is safe. */
const ATTEMPTS = 5;

/** Throws when no NATS server is configured (the ledger lives in NATS key-value across replicas). */
export async function reconcileBudgets(o: ReconcileBudgetsOptions): Promise<SpendDrift[]> {
  for (let i = 1; ; i++) {
    try {
      return await reconcileOnce(o);
    } catch (e) {
      if (i >= ATTEMPTS || /no NATS server is configured/.test((e as Error).message)) throw e;
      o.log.warn('budgets reconcile: trying again', { attempt: i, error: (e as Error).message });
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

async function reconcileOnce(o: ReconcileBudgetsOptions): Promise<SpendDrift[]> {
  if (natsServers(o.config.bus, o.env).length === 0) {
    throw new Error('no NATS server is configured (NATS_URL or bus.nats.servers): without NATS each router keeps its ledger in its own memory, and nothing outside it can read it');
  }
  const bus = createBus(o.config.bus, o.env, 'switchyard-reconcile', (m) => o.log.warn(m)) as NatsBus;
  const kv = new KvTenancyStore({ nats: natsOptions(o.config.bus, o.env, 'switchyard-reconcile'), replicas: o.config.bus.kv_replicas, onRevocation: () => undefined, onError: (m) => o.log.warn(m) });
  try {
    await bus.connected();
    const store = openRecordStore(o.config, bus, o.log);
    try {
      const ledger = new Ledger({ store: kv, holdTtlMs: o.config.executor.total_timeout_ms + 60_000 });
      return await reconcileSpend({ entries: store.scan(), tenants: tenantsOf(o.config), ledger, at: o.at, fix: o.fix });
    } finally {
      await store.close();
    }
  } finally {
    await kv.close();
    await bus.close();
  }
}
