import { describe, expect, it } from 'vitest';
import type { CacheReport__Output } from '../../services/generated/switchyard/v1/CacheReport.js';
import { PromptCacheRouting } from '../../services/router/cache/prompt-cache.js';
import { PromptCacheTable } from '../../services/router/cache/prompt-cache-table.js';
import type { NormalizedRequest } from '../../services/router/decide/validate-request.js';
import { prefixBoundaries } from '../../services/shared/bus/prefix-hash.js';
import type { ChatMessage } from '../../services/shared/contracts/provider.js';

const text = (role: ChatMessage['role'], t: string): ChatMessage => ({ role, content: [{ type: 'text', text: t }] });
const conversation: ChatMessage[] = [text('system', 'Be brief.'), ...Array.from({ length: 10 }, (_, i) => text(i % 2 ? 'assistant' : 'user', `turn ${i}`))];
const request = { messages: conversation, tools: [], labels: { session: '' } } as unknown as NormalizedRequest;
const NOW = 1_000_000;

function routing(table: PromptCacheTable): PromptCacheRouting {
  return new PromptCacheRouting(table, { stickinessMargin: 0.05, maxSessions: 10, sessionTtlMs: 60_000 });
}

describe('prompt cache - the prefixes a decision hashes', () => {
  const all = prefixBoundaries(conversation);

  it('with no cached prefixes known, only the two a session key reads, equal to the full list’s first two', () => {
    const r = routing(new PromptCacheTable({ maxEntries: 10, now: () => NOW }));
    expect(all).toHaveLength(11);
    expect(r.prefixes(request)).toEqual(all.slice(0, 2));
  });

  it('once a model holds a cached prefix, every boundary, and the longest held one counts', () => {
    const table = new PromptCacheTable({ maxEntries: 10, now: () => NOW });
    const report = { prefixes: [{ model: 'm', prefixHash: all[7]!.hash, tokens: 123, expiresAtMs: NOW + 60_000 }] } as unknown as CacheReport__Output;
    expect(table.merge(report)).toBe(1);
    const r = routing(table);
    const prefixes = r.prefixes(request);
    expect(prefixes).toEqual(all);
    expect(r.cachedTokens('m', prefixes)).toBe(123);
  });
});
