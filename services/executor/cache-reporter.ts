/**
 * Tells routers which model holds which prompt prefix, from what providers report in usage:
 * an answer with cached or cache-write input tokens means the provider holds the request's
 * prefix up to that many tokens. Every prefix boundary of the request (prefix-hash.ts) within
 * that length, and at least `minPrefixTokens` long, is reported, valid for `ttlMs` from now
 * (each use renews it). Reports are batched: one CacheReport per `intervalMs` at most, with
 * each (model, prefix) once.
 */
import type { CachedPrefix } from '../generated/switchyard/v1/CachedPrefix.js';
import type { Bus } from '../shared/bus/bus.js';
import { encode } from '../shared/bus/codec.js';
import { prefixBoundaries } from '../shared/bus/prefix-hash.js';
import { SUBJECTS } from '../shared/bus/subjects.js';
import type { CallObserver } from './call-observer.js';
import type { ChatRequest, Usage } from '../shared/contracts/provider.js';

/** Estimates are rough (characters / 4): a boundary this much over the cached count still matches. */
const ESTIMATE_SLACK = 1.15;

export function cachedPrefixes(model: string, request: Pick<ChatRequest, 'messages' | 'tools'>, usage: Usage, now: number, ttlMs: number, minPrefixTokens: number): CachedPrefix[] {
  const held = usage.cachedInputTokens + usage.cacheWriteTokens;
  if (held <= 0) return [];
  const out: CachedPrefix[] = [];
  for (const b of prefixBoundaries(request.messages, request.tools ?? [])) {
    if (b.tokens > held * ESTIMATE_SLACK) break;
    if (b.tokens * ESTIMATE_SLACK < minPrefixTokens) continue;
    out.push({ model, prefixHash: b.hash, tokens: Math.min(held, b.tokens), expiresAtMs: now + ttlMs });
  }
  return out;
}

export class CacheReporter {
  private readonly pending = new Map<string, CachedPrefix>();
  private due: NodeJS.Timeout | undefined;
  private seq: number;
  private readonly off: () => void;
  private readonly now: () => number;
  /** What was reported, kept for a sync request: model and prefix → entry. */
  private readonly held = new Map<string, CachedPrefix>();

  constructor(private readonly o: { bus: Bus; executorId: string; observer: CallObserver; intervalMs: number; ttlMs: number; minPrefixTokens: number; maxHeld?: number; now?: () => number }) {
    this.now = o.now ?? Date.now;
    this.seq = this.now() * 1000;
    this.off = o.observer.listen({ usage: (rt, request, usage) => this.add(cachedPrefixes(rt.model.id, request, usage, this.now(), o.ttlMs, o.minPrefixTokens)) });
  }

  add(prefixes: CachedPrefix[]): void {
    if (prefixes.length === 0) return;
    for (const p of prefixes) {
      const key = `${p.model}\0${p.prefixHash}`;
      this.pending.set(key, p);
      this.held.delete(key);
      this.held.set(key, p);
    }
    const max = this.o.maxHeld ?? 10_000;
    for (const k of this.held.keys()) {
      if (this.held.size <= max) break;
      this.held.delete(k);
    }
    if (!this.due) {
      this.due = setTimeout(() => this.flush(), this.o.intervalMs);
      this.due.unref();
    }
  }

  flush(): void {
    clearTimeout(this.due);
    this.due = undefined;
    if (this.pending.size === 0) return;
    this.send([...this.pending.values()]);
    this.pending.clear();
  }

  /** Sends every prefix still held (a router asked for the current state). */
  resend(): void {
    const now = this.now();
    for (const [k, p] of this.held) if (Number(p.expiresAtMs) <= now) this.held.delete(k);
    if (this.held.size > 0) this.send([...this.held.values()]);
  }

  private send(prefixes: CachedPrefix[]): void {
    for (let i = 0; i < prefixes.length; i += 500) {
      this.o.bus.publish(SUBJECTS.cache(this.o.executorId), encode('cache', { executorId: this.o.executorId, seq: ++this.seq, sentAtMs: this.now(), prefixes: prefixes.slice(i, i + 500) }));
    }
  }

  close(): void {
    clearTimeout(this.due);
    this.off();
  }
}
