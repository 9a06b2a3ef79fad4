/**
 * The bounds a request sets on every model call it causes: its allow list, its deny list, its
 * regions and a hard pin. Decide applies them when it ranks models; these bounds apply them
 * again at the one door every call goes through (the strategy's executor), so that fallbacks,
 * cascade stages, the judge, speculative verification and anything added later obey them too,
 * whatever model they ask for. A call outside the bounds is never made: it fails at once with
 * the error kind `excluded`, which no model can mend, and its attempt is marked skipped.
 */
import type { Catalog } from '../../shared/catalog.js';
import type { ExecutorClient, InvokeEvent, InvokeFailure, InvokeInput } from '../../shared/contracts/invoke.js';
import { ZERO_USAGE } from '../../shared/contracts/usage.js';
import type { Decision } from '../decide/decide.js';

export const EXCLUDED_KIND = 'excluded';

/** Why this request may not call `model`, or null when it may. */
export function outOfBounds(decision: Decision, catalog: Catalog, model: string): string | null {
  const req = decision.request;
  if (req.allowModels && !req.allowModels.has(model)) return 'allow list: not in requirements.allow_models';
  if (req.denyModels.has(model)) return 'deny list: in requirements.deny_models';
  const m = catalog.get(model);
  if (!m) return 'not in the catalog';
  if (req.regions.length > 0 && !m.regions.some((r) => req.regions.includes(r))) {
    return `region: served from ${m.regions.join(', ')}, requirements.regions allows ${req.regions.join(', ')}`;
  }
  if (decision.plan.hardPin && !decision.plan.models.includes(model)) return `hard pin: only ${decision.plan.models.join(', ')} may be called`;
  return null;
}

function refusal(input: InvokeInput, why: string): InvokeFailure {
  const message = `${input.model} is excluded for this request (${why})`;
  return {
    ok: false,
    model: input.model,
    error: { kind: EXCLUDED_KIND, message, retryable: false },
    usage: { ...ZERO_USAGE },
    costUsd: 0,
    attempts: [{ model: input.model, deployment: '', step: input.step, outcome: 'skipped', error: message, latencyMs: 0, usage: { ...ZERO_USAGE }, costUsd: 0, check: '' }],
  };
}

/** `inner`, bound to this decision's request: calls outside its bounds fail without a call, and every call carries its regions. */
export function boundExecutor(inner: ExecutorClient, decision: Decision, catalog: Catalog): ExecutorClient {
  const regions = decision.request.regions;
  const bind = (input: InvokeInput): InvokeInput => ({ ...input, allowedRegions: regions });
  return {
    invoke(input, signal) {
      const why = outOfBounds(decision, catalog, input.model);
      return why ? Promise.resolve(refusal(input, why)) : inner.invoke(bind(input), signal);
    },
    invokeStream(input, signal): AsyncIterable<InvokeEvent> {
      const why = outOfBounds(decision, catalog, input.model);
      if (!why) return inner.invokeStream(bind(input), signal);
      return (async function* () {
        yield { type: 'error', outcome: refusal(input, why), partial: false } as const;
      })();
    },
  };
}
