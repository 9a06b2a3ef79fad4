/**
 * Which model holds which prompt prefix in its provider's cache, as executors reported it
 * (CacheReport), kept in an LRU with a bound and per-entry expiry. Decide asks, for each
 * candidate model, how many of the request's input tokens are cached: the tokens of the
 * longest prefix boundary of the request the model holds.
 */
import { LRUCache } from 'lru-cache';
import type { CacheReport__Output } from '../../generated/switchyard/v1/CacheReport.js';
import type { PrefixBoundary } from '../../shared/bus/prefix-hash.js';

interface Entry {
  tokens: number;
  expiresAtMs: number;
}

export class PromptCacheTable {
  private readonly lru: LRUCache<string, Entry>;

  constructor(o: { maxEntries: number; now?: () => number }) {
    this.now = o.now ?? Date.now;
    this.lru = new LRUCache<string, Entry>({ max: o.maxEntries, ttlAutopurge: false });
  }

  private readonly now: () => number;
  private nextPurgeMs = 0;

  merge(report: CacheReport__Output, skewMs = 0): number {
    const now = this.now();
    // Expired entries are dropped as reports come (at most once a minute), not left until the
    // bound pushes them out: an empty table lets Decide skip hashing the prompt's prefixes.
    if (now >= this.nextPurgeMs) {
      this.purgeExpired(now);
      this.nextPurgeMs = now + 60_000;
    }
    let n = 0;
    for (const p of report.prefixes) {
      // Expiry comes from the publisher's clock: shift it by how far that clock is off ours.
      const expiresAtMs = p.expiresAtMs - skewMs;
      if (expiresAtMs <= now) continue;
      const key = `${p.model}\0${p.prefixHash}`;
      const cur = this.lru.peek(key);
      if (cur && cur.expiresAtMs >= expiresAtMs && cur.tokens >= p.tokens) continue;
      this.lru.set(key, { tokens: p.tokens, expiresAtMs }, { ttl: expiresAtMs - now });
      n++;
    }
    return n;
  }

  /** Cached input tokens of the request on `model`: its longest held boundary, 0 if none. */
  cachedTokens(model: string, boundaries: readonly PrefixBoundary[]): number {
    if (this.lru.size === 0) return 0;
    const now = this.now();
    for (let i = boundaries.length - 1; i >= 0; i--) {
      const e = this.lru.get(`${model}\0${boundaries[i]!.hash}`);
      if (e && e.expiresAtMs > now) return e.tokens;
    }
    return 0;
  }

  /** Drops every entry whose expiry has passed by `now`. */
  purgeExpired(now = this.now()): void {
    const expired: string[] = [];
    for (const [key, e] of this.lru.entries()) if (e.expiresAtMs <= now) expired.push(key);
    for (const key of expired) this.lru.delete(key);
  }

  get size(): number {
    return this.lru.size;
  }
}
