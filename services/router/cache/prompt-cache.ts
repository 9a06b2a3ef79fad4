/**
 * What Decide asks about prompt caches, synchronously: the request's prefix boundaries and
 * session key (worked out once per request), the cached input tokens of a model for them, and
 * session stickiness: a session (its `session` label, or else its leading prefix) keeps the
 * model it was last sent to unless another model is better by more than `stickinessMargin`
 * utility.
 */
import { LRUCache } from 'lru-cache';
import { MAX_BOUNDARIES, prefixBlockParts, prefixBoundaries, type PrefixBoundary } from '../../shared/bus/prefix-hash.js';
import type { NormalizedRequest } from '../decide/validate-request.js';
import type { PromptCacheTable } from './prompt-cache-table.js';
import { sessionHash } from './session-hash.js';

/** A request's prompt prefixes as Decide reads them. */
export interface RequestPrefixes {
  /**
   * The hashed boundaries, shortest first: every one when some model holds a cached prefix;
   * none otherwise, since no model's cached tokens can then be more than 0.
   */
  boundaries: readonly PrefixBoundary[];
  /** The session key; undefined when the request has neither a session label nor a prompt. */
  session: string | undefined;
}

export interface PromptCacheView {
  prefixes(req: NormalizedRequest): RequestPrefixes;
  cachedTokens(model: string, prefixes: RequestPrefixes): number;
  stickyModel(prefixes: RequestPrefixes): string | undefined;
  remember(prefixes: RequestPrefixes, model: string): void;
  readonly stickinessMargin: number;
}

/** Blocks sessionKey may read. */
const SESSION_KEY_BLOCKS = 2;

/**
 * The session key: the session label, else the start of the conversation (the tools and system
 * prompt and the first message after them), as a hash of those blocks (session-hash.ts says why
 * not the prefix hashes). Not the system prompt alone: one system prompt serves every user of
 * an application, and keyed on it the first request's model held all of that application's
 * traffic within the stickiness margin (after one proof, greetings went to the flagship). A
 * model that holds the shared prompt in its cache still gets its cached price in the estimate.
 */
export function sessionKey(req: NormalizedRequest): string | undefined {
  if (req.labels.session) return `s:${req.labels.session}`;
  const blocks = prefixBlockParts(req.messages, req.tools, SESSION_KEY_BLOCKS);
  return blocks.length > 1 ? `p:${sessionHash(blocks)}` : undefined;
}

const NO_BOUNDARIES: readonly PrefixBoundary[] = [];

export class PromptCacheRouting implements PromptCacheView {
  private readonly sessions: LRUCache<string, string>;
  readonly stickinessMargin: number;

  constructor(private readonly table: PromptCacheTable, o: { stickinessMargin: number; maxSessions: number; sessionTtlMs: number }) {
    this.stickinessMargin = o.stickinessMargin;
    this.sessions = new LRUCache<string, string>({ max: o.maxSessions, ttl: o.sessionTtlMs });
  }

  prefixes(req: NormalizedRequest): RequestPrefixes {
    return { boundaries: this.table.size > 0 ? prefixBoundaries(req.messages, req.tools, MAX_BOUNDARIES) : NO_BOUNDARIES, session: sessionKey(req) };
  }

  cachedTokens(model: string, prefixes: RequestPrefixes): number {
    return prefixes.boundaries.length === 0 ? 0 : this.table.cachedTokens(model, prefixes.boundaries);
  }

  stickyModel(prefixes: RequestPrefixes): string | undefined {
    return prefixes.session === undefined ? undefined : this.sessions.get(prefixes.session);
  }

  remember(prefixes: RequestPrefixes, model: string): void {
    const key = prefixes.session;
    if (key !== undefined && this.sessions.get(key) !== model) this.sessions.set(key, model);
  }
}
