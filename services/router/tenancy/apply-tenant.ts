/**
 * A tenant's rights become the request's hard filters: its allowed models become the
 * request's allow list, its regions the request's regions, and its name the tenant label
 * rules match on. They then bind every call the request causes, as any hard filter does. A
 * request that asks for more than the tenant may have is refused, naming the rule.
 */
import { PermissionDeniedError } from '../../shared/errors.js';
import type { RouteRequestFields } from '../decide/validate-request.js';
import type { Tenant } from './tenant.js';

/** Client values quoted in an error are cut to this length. */
const QUOTE_MAX = 64;

function quote(v: string): string {
  return JSON.stringify(v.length > QUOTE_MAX ? `${v.slice(0, QUOTE_MAX)}…` : v);
}

function deny(t: Tenant, field: string, value: string, rule: string): never {
  throw new PermissionDeniedError(`${field}: ${quote(value)} is outside the rights of tenant ${t.id} (tenants.${t.id}.${rule})`);
}

/** The request as this tenant may make it; throws PERMISSION_DENIED naming the rule. */
export function applyTenant<T extends RouteRequestFields>(req: T, t: Tenant): T {
  const r = req.requirements;
  const allow = r?.allowModels ?? [];
  const regions = r?.regions ?? [];
  if (t.models) {
    allow.forEach((m, i) => {
      if (!t.models!.has(m)) deny(t, `requirements.allow_models[${i}]`, m, 'models');
    });
  }
  if (t.regions) {
    regions.forEach((g, i) => {
      if (!t.regions!.includes(g)) deny(t, `requirements.regions[${i}]`, g, 'regions');
    });
  }
  const policy = req.policy || t.defaultPolicy || '';
  if (policy && t.policies && !t.policies.has(policy)) deny(t, 'policy', policy, 'policies');
  return {
    ...req,
    policy,
    requirements: {
      capabilities: r?.capabilities ?? [],
      minContextTokens: r?.minContextTokens ?? 0,
      languages: r?.languages ?? [],
      denyModels: r?.denyModels ?? [],
      allowModels: allow.length > 0 || !t.models ? allow : [...t.models],
      regions: regions.length > 0 || !t.regions ? regions : [...t.regions],
    },
    labels: { tenant: t.id, userTier: req.labels?.userTier ?? '', task: req.labels?.task ?? '', session: req.labels?.session ?? '', extra: req.labels?.extra ?? {} },
  };
}
