/**
 * Makes the executors that share a provider account back off together. From every peer's
 * RateLimitReport this executor takes:
 *
 *  - a 429 (retry_after_ms): every deployment of the model cools down as long;
 *  - what the provider reported last (remaining requests and tokens until a reset), when it
 *    is newer than what this executor saw itself: providers count all replicas' calls, so the
 *    newest report is everyone's truth;
 *  - the requests and tokens the peer used since its previous report, charged to this
 *    executor's configured budget (limits.rpm / tpm), so that N replicas together stay within
 *    one budget instead of N.
 *
 * Deployments are matched by model: replicas are expected to use the same accounts.
 */
import type { RateLimitReport__Output } from '../generated/switchyard/v1/RateLimitReport.js';
import type { Bus } from '../shared/bus/bus.js';
import { decode } from '../shared/bus/codec.js';
import { WILDCARDS } from '../shared/bus/subjects.js';
import type { CallObserver } from './call-observer.js';
import type { ModelRuntime } from './model-runtime.js';

export function applyPeerLimits(report: RateLimitReport__Output, byId: ReadonlyMap<string, ModelRuntime>, observer: CallObserver | undefined, now: number): boolean {
  let cooled = false;
  for (const m of report.models) {
    const rt = byId.get(m.model);
    if (!rt) continue;
    const live = rt.deployments.filter((d) => d.hasCredentials);
    if (m.retryAfterMs > 0) {
      for (const d of live) d.limiter.coolDown(m.retryAfterMs);
      cooled = true;
    }
    const own = observer?.models.get(m.model)?.lastReport?.atMs ?? 0;
    const hasReport = m.remainingRequests !== undefined || m.remainingTokens !== undefined;
    if (hasReport && report.sentAtMs > own) {
      const info = {
        ...(m.remainingRequests !== undefined ? { remainingRequests: m.remainingRequests, resetRequestsMs: Math.max(0, m.requestsResetAtMs - now) } : {}),
        ...(m.limitRequests !== undefined ? { limitRequests: m.limitRequests } : {}),
        ...(m.remainingTokens !== undefined ? { remainingTokens: m.remainingTokens, resetTokensMs: Math.max(0, m.tokensResetAtMs - now) } : {}),
        ...(m.limitTokens !== undefined ? { limitTokens: m.limitTokens } : {}),
      };
      for (const d of live) d.limiter.observe(info);
    }
    if ((rt.model.rpm || rt.model.tpm) && m.requestsUsed > 0) chargeBudget(rt, m.requestsUsed, m.tokensUsed);
  }
  return cooled;
}

/** Takes a peer's requests and tokens out of the model's configured budget. */
function chargeBudget(rt: ModelRuntime, requests: number, tokens: number): void {
  for (let i = 0; i < requests; i++) {
    const t = i === 0 ? tokens : 0;
    const a = rt.budget.tryAcquire(t);
    if (!a.ok) return; // spent already: nothing more to take
    a.release(t);
  }
}

export function shareRateLimits(o: { bus: Bus; executorId: string; runtimes: readonly ModelRuntime[]; observer?: CallObserver; onCoolDown: () => void; now?: () => number }): () => void {
  const byId = new Map(o.runtimes.map((rt) => [rt.model.id, rt]));
  const now = o.now ?? Date.now;
  return o.bus.subscribe(WILDCARDS.ratelimit, (_subject, data) => {
    const r = decode('ratelimit', data);
    if (!r || r.executorId === o.executorId) return;
    if (applyPeerLimits(r, byId, o.observer, now())) o.onCoolDown();
  });
}
