/**
 * The shadow budget: USD per UTC day for reference and judge calls, as one ledger counter per
 * day (tenancy/ledger.ts: compare-and-set, integer nano-USD, holds that expire). Each step of a
 * shadow job first reserves its worst case, and settles what it really cost; when a reservation
 * does not fit, the job is skipped, so shadowing stops until the day ends and a new counter
 * starts. Over NATS the counter lives in a JetStream key-value bucket (kv-budget-store.ts) and
 * every replica spends from the same one; without NATS it is this process's alone.
 */
import type { Catalog } from '../../shared/catalog.js';
import type { InvokeInput } from '../../shared/contracts/invoke.js';
import { LimitExceededError, type Hold, type Ledger, type Limit } from '../tenancy/ledger.js';
import { worstCase } from '../tenancy/metered-executor.js';
import { NANO_PER_USD } from '../tenancy/tenant-limits.js';

const usd = (nano: number) => `$${(nano / NANO_PER_USD).toFixed(6)}`;

/** The UTC day of `now` as yyyymmdd, and when it ends. */
function day(now: number): { id: string; resetsAt: number } {
  const d = new Date(now);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return { id: new Date(start).toISOString().slice(0, 10).replaceAll('-', ''), resetsAt: start + 86_400_000 };
}

export interface ShadowBudgetOptions {
  ledger: Ledger;
  catalog: Catalog;
  dailyUsd: number;
  now?: () => number;
}

export class ShadowBudget {
  private readonly now: () => number;
  private readonly limit: number;

  constructor(private readonly o: ShadowBudgetOptions) {
    this.now = o.now ?? Date.now;
    this.limit = Math.round(o.dailyUsd * NANO_PER_USD);
  }

  private today(): Limit {
    const p = day(this.now());
    return {
      key: `shadow.usd.d${p.id}`,
      limit: this.limit,
      describe: (used, held, asked) =>
        `the shadow budget of ${usd(this.limit)} a day (shadow.daily_budget_usd) is spent: ${usd(used)} spent, ${usd(held)} held by shadow calls in flight, the next may cost up to ${usd(asked)}; it resets at ${new Date(p.resetsAt).toISOString()}`,
    };
  }

  /** Reserves the worst case of these calls; `refused` says why when today's budget cannot hold it. Throws when the ledger cannot be reached. */
  async reserve(calls: readonly InvokeInput[]): Promise<{ hold: Hold } | { refused: string }> {
    const nano = calls.reduce((sum, c) => sum + worstCase(c, this.o.catalog).nanoUsd, 0);
    try {
      return { hold: await this.o.ledger.reserve(this.today(), nano) };
    } catch (e) {
      if (e instanceof LimitExceededError) return { refused: e.message };
      throw e;
    }
  }

  /** Ends a reservation: what the calls really cost is counted as spent. */
  settle(hold: Hold, costUsd: number): Promise<void> {
    return this.o.ledger.settle(hold, Math.round(costUsd * NANO_PER_USD));
  }

  /** Spent today and held by calls in flight, USD. */
  async spentToday(): Promise<{ spentUsd: number; heldUsd: number }> {
    const c = await this.o.ledger.read(this.today().key);
    return { spentUsd: c.used / NANO_PER_USD, heldUsd: c.held / NANO_PER_USD };
  }
}
