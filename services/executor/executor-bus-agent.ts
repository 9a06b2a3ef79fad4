/**
 * Everything an executor does on the bus, wired in one place: it watches its provider calls,
 * publishes health, rate limits and prompt-cache state, announces itself, takes peers' rate
 * limits in, and answers a router's sync request by sending its whole state at once.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Bus } from '../shared/bus/bus.js';
import type { BusConfig } from '../shared/config/schema.js';
import { WILDCARDS, checkExecutorId } from '../shared/bus/subjects.js';
import { CacheReporter } from './cache-reporter.js';
import { CallObserver } from './call-observer.js';
import { ExecutorAnnouncer } from './executor-announcer.js';
import type { Executor } from './executor.js';
import { HealthPublisher, servedRuntimes } from './health-publisher.js';
import { shareRateLimits } from './rate-limit-sharing.js';

export function defaultExecutorId(): string {
  const host = hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 32) || 'executor';
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export interface ExecutorBusAgent {
  id: string;
  observer: CallObserver;
  health: HealthPublisher;
  cache: CacheReporter;
  /** Announces the executor at `address` (after its server is listening). */
  announce(address: string): void;
  /** Tells routers the executor is leaving. */
  withdraw(): void;
  close(): void;
}

export function startExecutorBusAgent(o: { bus: Bus; executor: Executor; config: BusConfig; now?: () => number }): ExecutorBusAgent {
  const c = o.config;
  const id = checkExecutorId(c.executor_id ?? defaultExecutorId());
  const nowOpt = o.now ? { now: o.now } : {};
  const observer = new CallObserver(o.executor.runtimes, o.now);
  const offCalls = o.executor.observeCalls(observer);
  const health = new HealthPublisher({
    bus: o.bus,
    executorId: id,
    executor: o.executor,
    observer,
    intervalMs: c.health_interval_ms,
    ttlMs: c.health_ttl_ms,
    minGapMs: c.min_report_gap_ms,
    rateLimitGapMs: c.cache_interval_ms,
    ...nowOpt,
  });
  const cache = new CacheReporter({ bus: o.bus, executorId: id, observer, intervalMs: c.cache_interval_ms, ttlMs: c.prompt_cache.ttl_ms, minPrefixTokens: c.prompt_cache.min_prefix_tokens, ...nowOpt });
  const offShare = shareRateLimits({ bus: o.bus, executorId: id, runtimes: o.executor.runtimes, observer, onCoolDown: () => health.soon(), ...nowOpt });
  let announcer: ExecutorAnnouncer | undefined;
  const sendAll = () => {
    announcer?.announce();
    health.publishAll();
    cache.resend();
  };
  const offSync = o.bus.subscribe(WILDCARDS.sync, () => sendAll());
  const offStatus = o.bus.onStatus((s) => {
    if (s === 'connected') sendAll();
  });
  health.publishAll();
  return {
    id,
    observer,
    health,
    cache,
    announce(address: string) {
      announcer ??= new ExecutorAnnouncer({
        bus: o.bus,
        executorId: id,
        address: c.advertise ?? address,
        models: servedRuntimes(o.executor.runtimes).map((rt) => rt.model.id),
        observer,
        intervalMs: c.announce_interval_ms,
        ttlMs: c.announce_ttl_ms,
        ...nowOpt,
      });
    },
    withdraw() {
      announcer?.withdraw();
    },
    close() {
      offCalls();
      announcer?.close();
      health.close();
      cache.flush();
      cache.close();
      offShare();
      offSync();
      offStatus();
    },
  };
}
