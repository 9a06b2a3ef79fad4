/**
 * Publishes what one executor knows of each model it serves: health (success and error rates,
 * latency and time to first token as moving average and p95, circuit state, calls in flight)
 * on `switchyard.v1.health.<id>`, and rate limits (headroom, provider-reported budgets, 429
 * cool-downs, usage since the last report) on `switchyard.v1.ratelimit.<id>`.
 *
 * Health goes out every `intervalMs` and at once (bursts coalesced over `minGapMs`) when a
 * circuit changes state; rate limits go out with every health report, at once after a 429, and
 * otherwise at most once per `rateLimitGapMs` while provider reports or usage arrive.
 */
import type { CircuitState } from '../generated/switchyard/v1/CircuitState.js';
import type { ModelHealth } from '../generated/switchyard/v1/ModelHealth.js';
import type { ModelRateLimit } from '../generated/switchyard/v1/ModelRateLimit.js';
import type { Bus } from '../shared/bus/bus.js';
import { encode } from '../shared/bus/codec.js';
import { SUBJECTS } from '../shared/bus/subjects.js';
import type { CallObserver } from './call-observer.js';
import type { Executor } from './executor.js';
import type { ModelRuntime } from './model-runtime.js';

export interface HealthPublisherOptions {
  bus: Bus;
  executorId: string;
  executor: Pick<Executor, 'runtimes' | 'onChange'>;
  observer: CallObserver;
  intervalMs: number;
  ttlMs: number;
  minGapMs: number;
  rateLimitGapMs: number;
  now?: () => number;
}

const CIRCUIT: Record<string, CircuitState> = { closed: 'CIRCUIT_STATE_CLOSED', half_open: 'CIRCUIT_STATE_HALF_OPEN', open: 'CIRCUIT_STATE_OPEN' };
const RANK: Record<string, number> = { closed: 0, half_open: 1, open: 2 };

/** The models an executor can call: some deployment has credentials (or is simulated). */
export function servedRuntimes(runtimes: readonly ModelRuntime[]): ModelRuntime[] {
  return runtimes.filter((rt) => rt.deployments.some((d) => d.hasCredentials));
}

export class HealthPublisher {
  private seqHealth: number;
  private seqLimits: number;
  private readonly now: () => number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly rechecks = new Set<number>();
  private readonly tick: NodeJS.Timeout;
  private healthDue: NodeJS.Timeout | undefined;
  private limitsDue: NodeJS.Timeout | undefined;
  private lastHealthAt = 0;
  private readonly offs: (() => void)[] = [];
  private readonly served: ModelRuntime[];

  constructor(private readonly o: HealthPublisherOptions) {
    this.now = o.now ?? Date.now;
    // Sequence numbers start from the clock, so that a restarted executor's reports win.
    this.seqHealth = this.seqLimits = this.now() * 1000;
    this.served = servedRuntimes(o.executor.runtimes);
    this.offs.push(o.executor.onChange(() => this.soon()));
    this.offs.push(
      o.observer.listen({
        rateLimit: (_rt, _info, tooMany) => this.limitsSoon(tooMany ? o.minGapMs : o.rateLimitGapMs),
      }),
    );
    this.tick = setInterval(() => this.publishAll(), o.intervalMs);
    this.tick.unref();
  }

  /** A health report soon (coalescing bursts), with rate limits. */
  soon(): void {
    if (this.healthDue) return;
    const wait = Math.max(0, this.lastHealthAt + this.o.minGapMs - this.now());
    this.healthDue = setTimeout(() => this.publishAll(), wait);
    this.healthDue.unref();
  }

  private limitsSoon(gapMs: number): void {
    if (this.limitsDue) return;
    this.limitsDue = setTimeout(() => this.publishLimits(), gapMs);
    this.limitsDue.unref();
  }

  publishAll(): void {
    this.publishHealth();
    this.publishLimits();
  }

  private publishHealth(): void {
    clearTimeout(this.healthDue);
    this.healthDue = undefined;
    this.lastHealthAt = this.now();
    const models = this.served.map((rt) => this.health(rt));
    this.o.bus.publish(SUBJECTS.health(this.o.executorId), encode('health', { executorId: this.o.executorId, seq: ++this.seqHealth, sentAtMs: this.now(), ttlMs: this.o.ttlMs, models }));
  }

  private publishLimits(): void {
    clearTimeout(this.limitsDue);
    this.limitsDue = undefined;
    const models = this.served.map((rt) => this.limits(rt));
    this.o.bus.publish(SUBJECTS.ratelimit(this.o.executorId), encode('ratelimit', { executorId: this.o.executorId, seq: ++this.seqLimits, sentAtMs: this.now(), ttlMs: this.o.ttlMs, models }));
  }

  private health(rt: ModelRuntime): ModelHealth {
    const live = rt.deployments.filter((d) => d.hasCredentials);
    let calls = 0;
    let failures = 0;
    let best = 'open';
    let openUntil = Infinity;
    for (const d of live) {
      const s = d.breaker.snapshot();
      calls += s.calls;
      failures += s.failures;
      if (RANK[s.state]! < RANK[best]!) best = s.state;
      if (s.state === 'open' && s.openUntilMs !== undefined) openUntil = Math.min(openUntil, s.openUntilMs);
    }
    if (best === 'open' && Number.isFinite(openUntil)) this.recheckAt(openUntil);
    const c = this.o.observer.models.get(rt.model.id);
    return {
      model: rt.model.id,
      calls,
      successRate: calls === 0 ? 0 : (calls - failures) / calls,
      errorRate: calls === 0 ? 0 : failures / calls,
      latencyEwmaMs: rt.latencyMs.get() ?? 0,
      latencyP95Ms: c?.latency.quantile(0.95) ?? 0,
      ttftEwmaMs: rt.ttftMs.get() ?? c?.ttft.quantile(0.5) ?? 0,
      ttftP95Ms: c?.ttft.quantile(0.95) ?? 0,
      circuit: CIRCUIT[best]!,
      openUntilMs: best === 'open' && Number.isFinite(openUntil) ? openUntil : 0,
      inFlight: c?.inFlight ?? 0,
    };
  }

  /** Looks at the breakers again when an open period ends, so half-open is reported at once. */
  private recheckAt(t: number): void {
    if (this.rechecks.has(t)) return;
    this.rechecks.add(t);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.rechecks.delete(t);
      this.publishAll();
    }, Math.max(1, t - this.now() + 1));
    timer.unref();
    this.timers.add(timer);
  }

  private limits(rt: ModelRuntime): ModelRateLimit {
    const now = this.now();
    const live = rt.deployments.filter((d) => d.hasCredentials);
    const snaps = [rt.budget.snapshot(), ...live.map((d) => d.limiter.snapshot())];
    const min = (xs: (number | undefined)[]) => {
      const v = xs.filter((x): x is number => x !== undefined);
      return v.length ? Math.min(...v) : undefined;
    };
    const deploymentSnaps = snaps.slice(1);
    const allUntil = (k: 'coolingUntilMs' | 'blockedUntilMs') =>
      deploymentSnaps.length > 0 && deploymentSnaps.every((s) => (s[k] ?? 0) > now) ? Math.min(...deploymentSnaps.map((s) => s[k]!)) : 0;
    const c = this.o.observer.models.get(rt.model.id);
    const r = c?.lastReport;
    const requestHeadroom = min(snaps.map((s) => s.requestHeadroom));
    const tokenHeadroom = min(snaps.map((s) => s.tokenHeadroom));
    const out: ModelRateLimit = {
      model: rt.model.id,
      ...(requestHeadroom !== undefined ? { requestHeadroom } : {}),
      ...(tokenHeadroom !== undefined ? { tokenHeadroom } : {}),
      ...(r?.info.remainingRequests !== undefined ? { remainingRequests: r.info.remainingRequests } : {}),
      ...(r?.info.limitRequests !== undefined ? { limitRequests: r.info.limitRequests } : {}),
      ...(r?.info.remainingTokens !== undefined ? { remainingTokens: r.info.remainingTokens } : {}),
      ...(r?.info.limitTokens !== undefined ? { limitTokens: r.info.limitTokens } : {}),
      requestsResetAtMs: r?.info.resetRequestsMs !== undefined ? r.atMs + r.info.resetRequestsMs : 0,
      tokensResetAtMs: r?.info.resetTokensMs !== undefined ? r.atMs + r.info.resetTokensMs : 0,
      coolingUntilMs: allUntil('coolingUntilMs'),
      blockedUntilMs: allUntil('blockedUntilMs'),
      requestsUsed: c?.requestsUsed ?? 0,
      tokensUsed: c?.tokensUsed ?? 0,
      retryAfterMs: c?.retryAfterMs ?? 0,
    };
    if (c) {
      c.requestsUsed = 0;
      c.tokensUsed = 0;
      c.retryAfterMs = 0;
    }
    return out;
  }

  close(): void {
    clearInterval(this.tick);
    clearTimeout(this.healthDue);
    clearTimeout(this.limitsDue);
    for (const t of this.timers) clearTimeout(t);
    for (const off of this.offs) off();
  }
}
