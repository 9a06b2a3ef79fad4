/**
 * What Decide asks about prompt caches, synchronously: the request's prefix boundaries
 * (hashed once per request), the cached input tokens of a model for them, and session
 * stickiness: a session (its `session` label, or else its leading prefix) keeps the model it
 * was last sent to unless another model is better by more than `stickinessMargin` utility.
 */
import { LRUCache } from 'lru-cache';
import { MAX_BOUNDARIES, prefixBoundaries, type PrefixBoundary } from '../../shared/bus/prefix-hash.js';
import type { NormalizedRequest } from '../decide/validate-request.js';
import type { PromptCacheTable } from './prompt-cache-table.js';

export interface PromptCacheView {
  prefixes(req: NormalizedRequest): readonly PrefixBoundary[];
  cachedTokens(model: string, prefixes: readonly PrefixBoundary[]): number;
  stickyModel(req: NormalizedRequest, prefixes: readonly PrefixBoundary[]): string | undefined;
  remember(req: NormalizedRequest, prefixes: readonly PrefixBoundary[], model: string): void;
  readonly stickinessMargin: number;
}

/** Boundaries sessionKey may read. */
const SESSION_KEY_BOUNDARIES = 2;

/** The session key: the session label, else the first prefix that says something. */
export function sessionKey(req: NormalizedRequest, prefixes: readonly PrefixBoundary[]): string | undefined {
  if (req.labels.session) return `s:${req.labels.session}`;
  const lead = prefixes[0] && prefixes[0].tokens > 1 ? prefixes[0] : prefixes[1];
  return lead ? `p:${lead.hash}` : undefined;
}

export class PromptCacheRouting implements PromptCacheView {
  private readonly sessions: LRUCache<string, string>;
  readonly stickinessMargin: number;

  constructor(private readonly table: PromptCacheTable, o: { stickinessMargin: number; maxSessions: number; sessionTtlMs: number }) {
    this.stickinessMargin = o.stickinessMargin;
    this.sessions = new LRUCache<string, string>({ max: o.maxSessions, ttl: o.sessionTtlMs });
  }

  /**
   * All the boundaries when some model holds cached prefixes; otherwise only the two a
   * session key reads, since no model's cached tokens can be more than 0: a long
   * conversation then costs two hashes, not one per message.
   */
  prefixes(req: NormalizedRequest): readonly PrefixBoundary[] {
    return prefixBoundaries(req.messages, req.tools, this.table.size > 0 ? MAX_BOUNDARIES : SESSION_KEY_BOUNDARIES);
  }

  cachedTokens(model: string, prefixes: readonly PrefixBoundary[]): number {
    return this.table.cachedTokens(model, prefixes);
  }

  stickyModel(req: NormalizedRequest, prefixes: readonly PrefixBoundary[]): string | undefined {
    const key = sessionKey(req, prefixes);
    return key === undefined ? undefined : this.sessions.get(key);
  }

  remember(req: NormalizedRequest, prefixes: readonly PrefixBoundary[], model: string): void {
    const key = sessionKey(req, prefixes);
    if (key !== undefined && this.sessions.get(key) !== model) this.sessions.set(key, model);
  }
}
