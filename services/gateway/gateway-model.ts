/**
 * The `model` a client names, as routing fields: a catalog model is asked for first (the policy
 * still orders its fallbacks); `switchyard/auto` lets the default policy choose;
 * `switchyard/<policy>` lets that policy choose. Whether the model or policy exists is for the
 * router's validation to say (it names the field).
 */
import { badField } from './http-error.js';

export const ROUTED_PREFIX = 'switchyard/';
export const AUTO_MODEL = 'switchyard/auto';

export function routingOfModel(model: unknown): { model?: string; policy?: string } {
  if (typeof model !== 'string' || model === '') throw badField('model', 'is required: a catalog model, switchyard/auto or switchyard/<policy>');
  if (model === AUTO_MODEL) return {};
  if (model.startsWith(ROUTED_PREFIX)) return { policy: model.slice(ROUTED_PREFIX.length) };
  return { model };
}
