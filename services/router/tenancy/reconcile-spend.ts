/**
 * Reconciles the budget ledger with the decision record. Every Execute's record carries the
 * cost of each model call the request made (stages, fallbacks, judges, verifications), and
 * its tenant label; the ledger's spend counters were settled with the same costs, call by
 * call. So for each tenant and period the ledger's `used` must equal the sum of the record's
 * costs in that period. This sums them, reports the drift per counter and, when asked, sets
 * the counter to the record's sum (live reservations are left alone).
 *
 * Amounts are compared in integer nano-USD, each call's cost rounded as the ledger rounds it.
 * A record is counted once however often the store holds it. A record belongs to the period
 * its request began in, read from its decision id (request-time.ts), which is where the ledger
 * counted every call of it: a request that runs across midnight UTC, or whose record is
 * written after it, is reconciled in the day it was metered in.
 *
 * Correcting while requests are in flight can undo spend the ledger has counted and the record
 * has not yet received (records are written off the request path, in batches): fix a period
 * when traffic is quiet or the period is over.
 */
import type { DecisionLogEntry__Output } from '../../generated/switchyard/v1/DecisionLogEntry.js';
import type { Ledger } from './ledger.js';
import { requestTime } from './request-time.js';
import { NANO_PER_USD, spendLimits } from './tenant-limits.js';
import type { Tenant } from './tenant.js';

export interface SpendDrift {
  tenant: string;
  /** The ledger counter (tenant, measure and period), e.g. `acme.usd.d20261202`. */
  counter: string;
  /** What the ledger counted as spent (nano-USD). */
  ledgerNano: number;
  /** What calls in flight hold (nano-USD); not part of the drift. */
  heldNano: number;
  /** The sum of the record's costs in the period (nano-USD). */
  recordsNano: number;
  /** Records of the tenant in the period. */
  records: number;
  /** ledger − records (nano-USD): positive when the ledger counted more than the record holds. */
  driftNano: number;
  /** Whether the counter was set to the record's sum. */
  corrected: boolean;
}

export interface ReconcileOptions {
  /** Every entry of the decision log (records, feedback, outcomes; duplicates allowed). */
  entries: AsyncIterable<DecisionLogEntry__Output>;
  tenants: readonly Tenant[];
  ledger: Ledger;
  /** Any time within the day to reconcile (its day and its month). */
  at: number;
  /** Set each drifting counter to the record's sum. */
  fix?: boolean;
}

/** A call's cost as the ledger settled it: integer nano-USD. */
export const toNano = (usd: number): number => Math.round(usd * NANO_PER_USD);

export async function reconcileSpend(o: ReconcileOptions): Promise<SpendDrift[]> {
  const budgeted = new Map(o.tenants.filter((t) => spendLimits(t, o.at).length > 0).map((t) => [t.id, t]));
  const wanted = new Set([...budgeted.values()].flatMap((t) => spendLimits(t, o.at).map((l) => l.key)));
  const sums = new Map<string, { nano: number; records: number }>();
  const seen = new Set<string>();
  for await (const e of o.entries) {
    const r = e.record;
    const tenant = r?.labels?.tenant ? budgeted.get(r.labels.tenant) : undefined;
    if (!r?.outcome || !tenant || seen.has(r.decisionId)) continue;
    seen.add(r.decisionId);
    const nano = r.outcome.attempts.reduce((s, a) => s + toNano(a.costUsd), 0);
    for (const { key } of spendLimits(tenant, requestTime(r.decisionId, Number(r.timeUnixMs)))) {
      if (!wanted.has(key)) continue;
      const sum = sums.get(key) ?? { nano: 0, records: 0 };
      sum.nano += nano;
      sum.records++;
      sums.set(key, sum);
    }
  }
  const out: SpendDrift[] = [];
  for (const t of budgeted.values()) {
    for (const { key } of spendLimits(t, o.at)) {
      const counter = await o.ledger.readLatest(key);
      const sum = sums.get(key) ?? { nano: 0, records: 0 };
      const driftNano = counter.used - sum.nano;
      const corrected = o.fix === true && driftNano !== 0;
      if (corrected) await o.ledger.adjust(key, -driftNano);
      out.push({ tenant: t.id, counter: key, ledgerNano: counter.used, heldNano: counter.held, recordsNano: sum.nano, records: sum.records, driftNano, corrected });
    }
  }
  return out;
}
