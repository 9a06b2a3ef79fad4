/**
 * A request that runs past midnight UTC is counted in the day (and month) it began: its calls
 * made after midnight (a fallback here) reserve and settle there, and a reconciliation finds
 * its record there, although the record is written after midnight. The clock is injected; the
 * request crosses both a day and a month (31 December to 1 January).
 */
import { v7 } from 'uuid';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { DecisionLogEntry__Output } from '../../services/generated/switchyard/v1/DecisionLogEntry.js';
import { MemoryCasStore } from '../../services/router/tenancy/cas-store.js';
import { Ledger } from '../../services/router/tenancy/ledger.js';
import { MeteredExecutor } from '../../services/router/tenancy/metered-executor.js';
import { reconcileSpend } from '../../services/router/tenancy/reconcile-spend.js';
import { requestTime } from '../../services/router/tenancy/request-time.js';
import { NANO_PER_USD } from '../../services/router/tenancy/tenant-limits.js';
import type { Tenant } from '../../services/router/tenancy/tenant.js';
import { Catalog } from '../../services/shared/catalog.js';
import { parseConfig } from '../../services/shared/config/load-config.js';
import type { AttemptInfo, ExecutorClient, InvokeInput, InvokeOutcome } from '../../services/shared/contracts/invoke.js';
import { tenancyConfig } from './support.js';

const BEGAN = Date.UTC(2026, 11, 31, 23, 59, 59, 500);
const AFTER_MIDNIGHT = Date.UTC(2027, 0, 1, 0, 0, 1, 0);
const tenant: Tenant = { id: 'acme', models: null, policies: null, regions: null, dailyUsd: 10, monthlyUsd: 100 };
const usage = { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, cacheWriteTokens: 0 };
const COSTS = [0.01, 0.02];

describe('a request past midnight UTC', () => {
  it('reserves, settles and reconciles every call in the day and month it began', async () => {
    let now = BEGAN;
    const catalog = new Catalog(parseConfig(stringify(tenancyConfig('http://127.0.0.1:9/v1', {})), 'midnight'), {});
    const ledger = new Ledger({ store: new MemoryCasStore(), now: () => now, holdTtlMs: 600_000 });
    const decisionId = v7({ msecs: BEGAN });
    const heldAtCall: string[][] = [];
    // The first call fails after midnight has passed; the fallback is made on the new day.
    const base: ExecutorClient = {
      async invoke(input): Promise<InvokeOutcome> {
        const calls = heldAtCall.length;
        heldAtCall.push(await Promise.all(['acme.usd.d20261231', 'acme.usd.d20270101'].map(async (k) => `${k}:${(await ledger.read(k)).holds}`)));
        now = AFTER_MIDNIGHT;
        const costUsd = COSTS[calls]!;
        const attempts: AttemptInfo[] = [];
        if (calls === 0) return { ok: false, model: input.model, usage, costUsd, attempts, error: { kind: 'server_error', message: 'upstream 500', retryable: true } };
        return { ok: true, model: input.model, deployment: 'd1', usage, costUsd, attempts, result: { message: { role: 'assistant', text: 'ok', toolCalls: [] }, finishReason: 'stop', usage, responseModel: input.model } };
      },
      invokeStream: () => {
        throw new Error('not used');
      },
    };
    const meter = new MeteredExecutor(base, ledger, tenant, catalog, () => now);
    const input = (step: string): InvokeInput => ({ model: 'us-model', request: { messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }], maxOutputTokens: 100 }, allowedRegions: [], decisionId, step });
    expect((await meter.invoke(input('primary'), new AbortController().signal)).ok).toBe(false);
    expect((await meter.invoke(input('fallback'), new AbortController().signal)).ok).toBe(true);

    // Each call held its reservation in the day the request began, the fallback too.
    expect(heldAtCall).toEqual([
      ['acme.usd.d20261231:1', 'acme.usd.d20270101:0'],
      ['acme.usd.d20261231:1', 'acme.usd.d20270101:0'],
    ]);
    const spent = Math.round(COSTS[0]! * NANO_PER_USD) + Math.round(COSTS[1]! * NANO_PER_USD);
    expect(await ledger.read('acme.usd.d20261231')).toEqual({ used: spent, held: 0, holds: 0 });
    expect(await ledger.read('acme.usd.m202612')).toEqual({ used: spent, held: 0, holds: 0 });
    expect(await ledger.read('acme.usd.d20270101')).toEqual({ used: 0, held: 0, holds: 0 });
    expect(await ledger.read('acme.usd.m202701')).toEqual({ used: 0, held: 0, holds: 0 });

    // The record is written after midnight; it is reconciled in the day the ledger counted it.
    const record = {
      record: { decisionId, timeUnixMs: String(AFTER_MIDNIGHT + 50), labels: { tenant: 'acme' }, outcome: { attempts: COSTS.map((costUsd) => ({ costUsd })) } },
    } as unknown as DecisionLogEntry__Output;
    async function* entries() {
      yield record;
    }
    const before = await reconcileSpend({ entries: entries(), tenants: [tenant], ledger, at: BEGAN });
    expect(before.map((r) => [r.counter, r.records, r.recordsNano, r.driftNano])).toEqual([
      ['acme.usd.d20261231', 1, spent, 0],
      ['acme.usd.m202612', 1, spent, 0],
    ]);
    const after = await reconcileSpend({ entries: entries(), tenants: [tenant], ledger, at: AFTER_MIDNIGHT });
    expect(after.map((r) => [r.counter, r.records, r.driftNano])).toEqual([
      ['acme.usd.d20270101', 0, 0],
      ['acme.usd.m202701', 0, 0],
    ]);
  });

  it('reads the time from a UUIDv7 decision id, and uses the call time for any other id or an implausible time', () => {
    expect(requestTime(v7({ msecs: BEGAN }), AFTER_MIDNIGHT)).toBe(BEGAN);
    expect(requestTime('d42', AFTER_MIDNIGHT)).toBe(AFTER_MIDNIGHT);
    expect(requestTime('0190a0f0-0000-4000-8000-000000000000', AFTER_MIDNIGHT)).toBe(AFTER_MIDNIGHT);
    // More than a day before the call, or after it: not a request's start.
    expect(requestTime(v7({ msecs: AFTER_MIDNIGHT - 2 * 86_400_000 }), AFTER_MIDNIGHT)).toBe(AFTER_MIDNIGHT);
    expect(requestTime(v7({ msecs: AFTER_MIDNIGHT + 3_600_000 }), AFTER_MIDNIGHT)).toBe(AFTER_MIDNIGHT);
  });
});
