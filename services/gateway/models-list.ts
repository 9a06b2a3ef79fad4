/**
 * `GET /v1/models`: the catalog models a client may name, then `switchyard/auto` and one
 * `switchyard/<policy>` per policy; for a tenant, only the models (in its regions) and policies it
 * may use. OpenAI's list shape, or Anthropic's when the request carries
 * `anthropic-version` (as Anthropic's SDKs send it). Unavailable models are listed too, with
 * `available: false` and the reason, as ListModels gives them.
 */
import type { GatewayDeps, GatewayRoute } from './gateway-types.js';
import { AUTO_MODEL, ROUTED_PREFIX } from './gateway-model.js';
import { sendJson } from './http-io.js';
import { openAIErrors } from './openai-chat-completions.js';
import { modelsForTenant, policiesForTenant } from '../router/tenancy/tenant-models.js';
import type { Tenant } from '../router/tenancy/tenant.js';

interface Listed {
  id: string;
  owner: string;
  available: boolean;
  reason: string;
}

function listed(deps: GatewayDeps, tenant: Tenant | undefined): Listed[] {
  // A tenant sees only the models and policies it may use (its models, in its regions).
  const models = modelsForTenant(deps.models(), tenant).map((m) => ({ id: m.id!, owner: m.provider!, available: m.available !== false, reason: m.unavailableReason ?? '' }));
  const routed = [AUTO_MODEL, ...policiesForTenant(Object.keys(deps.config.policies), tenant).map((p) => ROUTED_PREFIX + p)].map((id) => ({ id, owner: 'switchyard', available: true, reason: '' }));
  return [...models, ...routed];
}

export function modelsRoute(deps: GatewayDeps): GatewayRoute {
  return {
    method: 'GET',
    path: '/v1/models',
    errors: openAIErrors,
    async handle(r) {
      const all = listed(deps, r.caller.rights);
      const extra = (m: Listed) => ({ available: m.available, ...(m.available ? {} : { unavailable_reason: m.reason }) });
      if (r.req.headers['anthropic-version']) {
        const created_at = new Date(0).toISOString();
        sendJson(
          r.res,
          200,
          { data: all.map((m) => ({ type: 'model', id: m.id, display_name: m.id, created_at, ...extra(m) })), has_more: false, first_id: all[0]?.id ?? null, last_id: all.at(-1)?.id ?? null },
          { 'x-request-id': r.requestId },
        );
        return;
      }
      sendJson(r.res, 200, { object: 'list', data: all.map((m) => ({ id: m.id, object: 'model', created: 0, owned_by: m.owner, ...extra(m) })) }, { 'x-request-id': r.requestId });
    },
  };
}
