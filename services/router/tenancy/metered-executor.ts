/**
 * An ExecutorClient that keeps a tenant within its budgets and token limit: before each call
 * (every stage, fallback, judge or verification a request causes) it reserves the call's worst
 * case, and it settles the real cost and tokens however the call ends: an answer, a provider
 * error, a cancellation, a deadline, a consumer that stops reading a stream.
 *
 * The reservation is per model call, made just before the call, not the whole fallback
 * chain's worst case up front: a tenant near its budget is not refused for fallbacks it will
 * most likely never need, and a fallback that does not fit is refused when it comes. The
 * executor's retries of one call share the call's reservation: a failed attempt bills
 * nothing (only the attempt that answers carries usage), so a call costs at most one answer.
 * The settled costs are the ones the decision record keeps, call by call, so the ledger can
 * be reconciled with the record (reconcile-spend.ts). Every call of a request is counted in
 * the day and month the request began (request-time.ts), even one made after midnight UTC.
 */
import type { Catalog } from '../../shared/catalog.js';
import type { ExecutorClient, InvokeEvent, InvokeInput, InvokeOutcome } from '../../shared/contracts/invoke.js';
import type { Usage } from '../../shared/contracts/provider.js';
import { estimateInvokeTokens } from '../../shared/contracts/estimate-tokens.js';
import { StreamProgress } from '../execute/stream-progress.js';
import { addUsage } from '../../shared/contracts/usage.js';
import type { Hold, Ledger, Limit } from './ledger.js';
import { requestTime } from './request-time.js';
import { NANO_PER_USD, spendLimits, tokenLimit } from './tenant-limits.js';
import type { Tenant } from './tenant.js';

export interface Spent {
  costUsd: number;
  usage?: Usage;
}

export interface WorstCase {
  nanoUsd: number;
  tokens: number;
}

/** The most a call of `input` can cost and use: the input estimate plus the largest answer allowed. */
export function worstCase(input: InvokeInput, catalog: Catalog): WorstCase {
  const m = catalog.get(input.model);
  const inputTokens = estimateInvokeTokens({ ...input.request, maxOutputTokens: 0 });
  const outputTokens = Math.min(input.request.maxOutputTokens || (m?.maxOutputTokens ?? 0), m?.maxOutputTokens ?? Number.MAX_SAFE_INTEGER);
  // Catalog prices are USD per token.
  const inPrice = Math.max(m?.inputPrice ?? 0, m?.cacheWritePrice ?? 0);
  return { nanoUsd: Math.ceil((inputTokens * inPrice + outputTokens * (m?.outputPrice ?? 0)) * NANO_PER_USD), tokens: inputTokens + outputTokens };
}

export class MeteredExecutor implements ExecutorClient {
  constructor(
    private readonly base: ExecutorClient,
    private readonly ledger: Ledger,
    private readonly tenant: Tenant,
    private readonly catalog: Catalog,
    private readonly now: () => number = Date.now,
    /** Told of every failure to settle (the hold then expires; the spend is not counted). */
    private readonly onSettleError: (e: unknown) => void = () => undefined,
    /** Told of every settle under way, so a shutdown can wait for them (Tenancy.close). */
    private readonly track: (settling: Promise<void>) => void = () => undefined,
  ) {}

  private async reserve(input: InvokeInput): Promise<{ spend: Hold[]; tokens?: Hold }> {
    const worst = worstCase(input, this.catalog);
    const now = this.now();
    // Spend is counted in the day and month the request began, whenever this call of it comes.
    const spend = spendLimits(this.tenant, requestTime(input.decisionId, now));
    const tl = tokenLimit(this.tenant, now);
    const plan: [Limit, number][] = [...spend.map((l): [Limit, number] => [l, worst.nanoUsd]), ...(tl ? [[tl, worst.tokens] as [Limit, number]] : [])];
    // The counters are independent: reserve on all at once; if one refuses, release the others.
    const results = await Promise.allSettled(plan.map(([limit, amount]) => this.ledger.reserve(limit, amount)));
    const holds: { spend: Hold[]; tokens?: Hold } = { spend: [] };
    results.forEach((r, i) => {
      if (r.status !== 'fulfilled') return;
      if (i < spend.length) holds.spend.push(r.value);
      else holds.tokens = r.value;
    });
    const refused = results.find((r) => r.status === 'rejected');
    if (refused) {
      await this.settle(holds, { costUsd: 0 });
      throw refused.reason;
    }
    return holds;
  }

  private settle(holds: { spend: Hold[]; tokens?: Hold }, spent: Spent): Promise<void> {
    const nano = Math.round(spent.costUsd * NANO_PER_USD);
    const tokens = spent.usage ? spent.usage.inputTokens + spent.usage.outputTokens : 0;
    const all = [...holds.spend.map((h) => this.ledger.settle(h, nano)), ...(holds.tokens ? [this.ledger.settle(holds.tokens, tokens)] : [])];
    const settling = Promise.allSettled(all).then((results) => {
      for (const r of results) if (r.status === 'rejected') this.onSettleError(r.reason);
    });
    this.track(settling);
    return settling;
  }

  async invoke(input: InvokeInput, signal: AbortSignal): Promise<InvokeOutcome> {
    const holds = await this.reserve(input);
    let spent: Spent = { costUsd: 0 };
    try {
      const outcome = await this.base.invoke(input, signal);
      spent = outcome;
      return outcome;
    } finally {
      await this.settle(holds, spent);
    }
  }

  async *invokeStream(input: InvokeInput, signal: AbortSignal): AsyncGenerator<InvokeEvent> {
    const holds = await this.reserve(input);
    let spent: Spent = { costUsd: 0 };
    const progress = new StreamProgress(input, this.catalog);
    try {
      for await (const ev of this.base.invokeStream(input, signal)) {
        progress.observe(ev);
        if (ev.type === 'done' || ev.type === 'error') spent = ev.outcome;
        yield ev;
      }
    } finally {
      // Output received that no outcome bills (a consumer that stopped reading, an executor
      // that died mid-stream) is billed as the decision record bills it (stream-progress.ts).
      const unbilled = progress.unbilled();
      await this.settle(holds, unbilled ? { costUsd: spent.costUsd + unbilled.costUsd, usage: spent.usage ? addUsage(spent.usage, unbilled.usage) : unbilled.usage } : spent);
    }
  }
}
