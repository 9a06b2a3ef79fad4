/**
 * What a tenant is shown of the catalog: the models it may use, each with only the regions it
 * may be served from, and the policies it may ask for. ListModels and the HTTP front door's
 * model list answer with this, so a tenant never sees a model it would be refused.
 */
import type { Tenant } from './tenant.js';

interface Listable {
  id?: string;
  regions?: string[];
}

/** The models `t` may use, in at least one of its regions, with their regions narrowed to its own; all of them without a tenant. */
export function modelsForTenant<M extends Listable>(models: readonly M[], t: Tenant | undefined): M[] {
  if (!t) return [...models];
  const out: M[] = [];
  for (const m of models) {
    if (t.models && !t.models.has(m.id ?? '')) continue;
    if (!t.regions) {
      out.push(m);
      continue;
    }
    const regions = (m.regions ?? []).filter((r) => t.regions!.includes(r));
    if (regions.length > 0) out.push({ ...m, regions });
  }
  return out;
}

/** The policies `t` may ask for, of those given; all of them without a tenant. */
export function policiesForTenant(policies: readonly string[], t: Tenant | undefined): string[] {
  return t?.policies ? policies.filter((p) => t.policies!.has(p)) : [...policies];
}
