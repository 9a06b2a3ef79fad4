/**
 * Tenants and the keys that identify them. A key is kept only as its SHA-256: the config
 * holds hashes, or names a variable whose value is hashed here, once, at start. What the
 * pipeline receives is a Tenant, never a key.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../../shared/config/schema.js';

export interface Tenant {
  id: string;
  /** Models it may use; null: every model. */
  models: ReadonlySet<string> | null;
  /** Policies it may ask for; null: every policy. */
  policies: ReadonlySet<string> | null;
  /** The policy of a request that names none; absent: as for any request (rules, then router.default_policy). */
  defaultPolicy?: string;
  /** Regions its requests may be served from; null: any. */
  regions: readonly string[] | null;
  rpm?: number;
  tpm?: number;
  dailyUsd?: number;
  monthlyUsd?: number;
}

/** The SHA-256 of an API key, in lowercase hex: the only form in which a key is kept. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The configured tenants' rights and limits, without their keys (e.g. to reconcile budgets). */
export function tenantsOf(config: Config): Tenant[] {
  return Object.entries(config.tenants).map(([id, t]) => ({
    id,
    models: t.models ? new Set(t.models) : null,
    policies: t.policies ? new Set(t.policies) : null,
    ...(t.default_policy !== undefined ? { defaultPolicy: t.default_policy } : {}),
    regions: t.regions ?? null,
    ...(t.limits.rpm !== undefined ? { rpm: t.limits.rpm } : {}),
    ...(t.limits.tpm !== undefined ? { tpm: t.limits.tpm } : {}),
    ...(t.budget.daily_usd !== undefined ? { dailyUsd: t.budget.daily_usd } : {}),
    ...(t.budget.monthly_usd !== undefined ? { monthlyUsd: t.budget.monthly_usd } : {}),
  }));
}

/** Tenants by key hash. Throws, naming the key, when a key variable is unset or a key is shared. */
export function tenantsByKeyHash(config: Config, env: NodeJS.ProcessEnv): Map<string, Tenant> {
  const byHash = new Map<string, Tenant>();
  const tenants = new Map(tenantsOf(config).map((t) => [t.id, t]));
  for (const [id, t] of Object.entries(config.tenants)) {
    const tenant = tenants.get(id)!;
    t.keys.forEach((k, i) => {
      const at = `tenants.${id}.keys[${i}]`;
      let hash: string;
      if ('sha256' in k) hash = k.sha256;
      else {
        const value = env[k.env];
        if (!value) throw new Error(`${at}.env: the variable ${k.env} is not set (it holds the tenant's API key)`);
        hash = hashKey(value);
      }
      const other = byHash.get(hash);
      if (other) throw new Error(`${at}: the same key is already given to tenant ${other.id}`);
      byHash.set(hash, tenant);
    });
  }
  return byHash;
}
