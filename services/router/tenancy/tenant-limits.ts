/**
 * A tenant's limits as ledger counters, each for the period it covers: spend per UTC day and
 * month (nano-USD), tokens and requests per minute (fixed one-minute windows). Errors say the
 * limit, what is used, what calls in flight hold, and when the period resets.
 */
import type { Limit } from './ledger.js';
import type { Tenant } from './tenant.js';

export const NANO_PER_USD = 1e9;

const usd = (nano: number) => `$${(nano / NANO_PER_USD).toFixed(nano >= NANO_PER_USD ? 2 : 6)}`;

interface Period {
  id: string;
  resetsAt: number;
}

function day(now: number): Period {
  const d = new Date(now);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return { id: `d${new Date(start).toISOString().slice(0, 10).replaceAll('-', '')}`, resetsAt: start + 86_400_000 };
}

function month(now: number): Period {
  const d = new Date(now);
  return { id: `m${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`, resetsAt: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

function minute(now: number): Period {
  const m = Math.floor(now / 60_000);
  return { id: `n${m}`, resetsAt: (m + 1) * 60_000 };
}

function spendLimit(t: Tenant, name: 'daily' | 'monthly', capUsd: number, p: Period): Limit {
  const limit = Math.round(capUsd * NANO_PER_USD);
  return {
    key: `${t.id}.usd.${p.id}`,
    limit,
    describe: (used, held, asked) =>
      `tenant ${t.id}: the ${name} budget of ${usd(limit)} (tenants.${t.id}.budget.${name}_usd) is spent: ${usd(used)} spent, ${usd(held)} held by calls in flight, this call may cost up to ${usd(asked)}; it resets at ${new Date(p.resetsAt).toISOString()}`,
  };
}

function rateLimit(t: Tenant, measure: 'rpm' | 'tpm', cap: number, p: Period): Limit {
  const unit = measure === 'rpm' ? 'requests' : 'tokens';
  return {
    key: `${t.id}.${measure}.${p.id}`,
    limit: cap,
    describe: (used, held, asked) =>
      `tenant ${t.id}: the limit of ${cap} ${unit} per minute (tenants.${t.id}.limits.${measure}) is reached: ${used} used, ${held} held by calls in flight, this call needs ${asked}; it resets at ${new Date(p.resetsAt).toISOString()}`,
  };
}

/** The spend limits in force at `now` (none when the tenant has no budget). */
export function spendLimits(t: Tenant, now: number): Limit[] {
  const out: Limit[] = [];
  if (t.dailyUsd !== undefined) out.push(spendLimit(t, 'daily', t.dailyUsd, day(now)));
  if (t.monthlyUsd !== undefined) out.push(spendLimit(t, 'monthly', t.monthlyUsd, month(now)));
  return out;
}

export function tokenLimit(t: Tenant, now: number): Limit | undefined {
  return t.tpm === undefined ? undefined : rateLimit(t, 'tpm', t.tpm, minute(now));
}

export function requestLimit(t: Tenant, now: number): Limit | undefined {
  return t.rpm === undefined ? undefined : rateLimit(t, 'rpm', t.rpm, minute(now));
}
