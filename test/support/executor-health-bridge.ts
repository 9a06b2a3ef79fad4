/**
 * Feeds what an in-process executor learns (circuits opening and closing, 429 cool-downs,
 * live time to first token) into the routing state, so that Decide stops choosing a model
 * whose every deployment is failing and takes it back when it heals.
 */
import type { ModelRuntime } from '../../services/executor/model-runtime.js';
import type { Executor } from '../../services/executor/executor.js';
import type { ModelStatus } from '../../services/router/decide/hard-filters.js';
import type { RoutingState } from '../../services/router/state/routing-state.js';

export function statusFromRuntime(rt: ModelRuntime, base: ModelStatus, now: number): { status: ModelStatus; recheckAt?: number } {
  if (!base.available) return { status: base };
  const live = rt.deployments.filter((d) => d.hasCredentials);
  const ttft = rt.ttftMs.get();
  const withTtft = (s: ModelStatus): ModelStatus => (ttft !== undefined ? { ...s, ttftMs: ttft } : s);
  if (live.length > 0 && live.every((d) => d.breaker.state === 'open')) {
    const until = Math.min(...live.map((d) => d.breaker.snapshot().openUntilMs ?? now));
    return { status: { available: false, reason: 'circuit open on every deployment' }, recheckAt: until };
  }
  const cooling = live.map((d) => d.limiter.snapshot().coolingUntilMs ?? 0);
  if (live.length > 0 && cooling.every((t) => t > now)) {
    const until = Math.min(...cooling);
    return { status: { available: false, reason: `rate limited (429): cooling down for ${Math.ceil((until - now) / 1000)} s` }, recheckAt: until };
  }
  return { status: withTtft(base) };
}

/** Keeps `state` in step with `executor`; returns a function that stops it. */
export function bridgeExecutorHealth(executor: Executor, state: RoutingState, now: () => number = Date.now): () => void {
  const timers = new Map<number, NodeJS.Timeout>();
  const refresh = (rt: ModelRuntime) => {
    const i = rt.model.index;
    const { status, recheckAt } = statusFromRuntime(rt, state.base(i), now());
    state.update(new Map([[i, status]]));
    clearTimeout(timers.get(i));
    if (recheckAt !== undefined) {
      const t = setTimeout(() => refresh(rt), Math.max(10, recheckAt - now() + 5));
      t.unref();
      timers.set(i, t);
    }
  };
  const off = executor.onChange(refresh);
  // Live latency moves without events: fold it in once a second.
  const tick = setInterval(() => executor.runtimes.forEach(refresh), 1000);
  tick.unref();
  return () => {
    off();
    clearInterval(tick);
    for (const t of timers.values()) clearTimeout(t);
  };
}
