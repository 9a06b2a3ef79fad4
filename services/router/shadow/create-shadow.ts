/**
 * Assembles shadow evaluation for a router process when the config turns it on (some share
 * above 0): the budget's ledger (a JetStream key-value bucket shared by every replica when the
 * bus is NATS, else this process's memory) and the evaluator, writing grades to the decision log.
 */
import type { Bus } from '../../shared/bus/bus.js';
import type { NatsBus } from '../../shared/bus/nats-bus.js';
import type { Catalog } from '../../shared/catalog.js';
import type { Config } from '../../shared/config/schema.js';
import { shadowOn } from '../../shared/config/shadow-schema.js';
import type { ExecutorClient } from '../../shared/contracts/invoke.js';
import type { Logger } from '../../shared/log.js';
import type { MetricsRecorder } from '../../shared/metrics/metrics-recorder.js';
import type { DecisionLog } from '../record/decision-log.js';
import { MemoryCasStore } from '../tenancy/cas-store.js';
import { Ledger } from '../tenancy/ledger.js';
import { KvBudgetStore } from './kv-budget-store.js';
import { ShadowBudget } from './shadow-budget.js';
import { ShadowEvaluator } from './shadow-evaluator.js';

export interface CreateShadowOptions {
  config: Config;
  catalog: Catalog;
  executor: ExecutorClient;
  bus: Bus;
  decisionLog?: DecisionLog;
  metrics: MetricsRecorder;
  log: Logger;
}

export function createShadowEvaluator(o: CreateShadowOptions): ShadowEvaluator | undefined {
  const s = o.config.shadow;
  if (!shadowOn(s)) return undefined;
  const store = o.bus.kind === 'nats' ? new KvBudgetStore(() => (o.bus as NatsBus).connection()) : new MemoryCasStore();
  // A reservation outlives a replica that dies before settling it by a whole call's time.
  const ledger = new Ledger({ store, holdTtlMs: o.config.executor.total_timeout_ms + 60_000 });
  const budget = new ShadowBudget({ ledger, catalog: o.catalog, dailyUsd: s.daily_budget_usd! });
  if (!o.decisionLog) o.log.warn('shadow evaluation is on but the decision log is off: grades reach metrics only');
  o.log.info('shadow evaluation on', { reference: s.reference_model, judge: s.judge_model, daily_budget_usd: s.daily_budget_usd, budget: o.bus.kind === 'nats' ? 'shared over NATS' : 'this process' });
  const dl = o.decisionLog;
  return new ShadowEvaluator({
    config: o.config,
    catalog: o.catalog,
    executor: o.executor,
    budget,
    metrics: o.metrics,
    log: o.log,
    ...(dl ? { feedback: (req) => void dl.submitFeedback(req) } : {}),
  });
}
