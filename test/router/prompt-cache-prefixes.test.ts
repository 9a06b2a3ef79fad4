import { describe, expect, it } from 'vitest';
import type { CacheReport__Output } from '../../services/generated/switchyard/v1/CacheReport.js';
import { PromptCacheRouting, sessionKey } from '../../services/router/cache/prompt-cache.js';
import { SESSION_SAMPLE } from '../../services/router/cache/session-hash.js';
import { PromptCacheTable } from '../../services/router/cache/prompt-cache-table.js';
import type { NormalizedRequest } from '../../services/router/decide/validate-request.js';
import { prefixBoundaries } from '../../services/shared/bus/prefix-hash.js';
import type { ChatMessage } from '../../services/shared/contracts/provider.js';

const text = (role: ChatMessage['role'], t: string): ChatMessage => ({ role, content: [{ type: 'text', text: t }] });
const conversation: ChatMessage[] = [text('system', 'Be brief.'), ...Array.from({ length: 10 }, (_, i) => text(i % 2 ? 'assistant' : 'user', `turn ${i}`))];
const asRequest = (messages: ChatMessage[], session = '') => ({ messages, tools: [], labels: { session } }) as unknown as NormalizedRequest;
const request = asRequest(conversation);
const NOW = 1_000_000;

function routing(table: PromptCacheTable): PromptCacheRouting {
  return new PromptCacheRouting(table, { stickinessMargin: 0.05, maxSessions: 10, sessionTtlMs: 60_000 });
}

describe('prompt cache - the prefixes a decision hashes', () => {
  const all = prefixBoundaries(conversation);

  it('with no cached prefixes known, no boundary is hashed, and the session key is still made', () => {
    const r = routing(new PromptCacheTable({ maxEntries: 10, now: () => NOW }));
    expect(all).toHaveLength(11);
    const prefixes = r.prefixes(request);
    expect(prefixes.boundaries).toEqual([]);
    expect(prefixes.session).toBe(sessionKey(request));
    expect(r.cachedTokens('m', prefixes)).toBe(0);
  });

  it('once a model holds a cached prefix, every boundary, and the longest held one counts', () => {
    const table = new PromptCacheTable({ maxEntries: 10, now: () => NOW });
    const report = { prefixes: [{ model: 'm', prefixHash: all[7]!.hash, tokens: 123, expiresAtMs: NOW + 60_000 }] } as unknown as CacheReport__Output;
    expect(table.merge(report)).toBe(1);
    const r = routing(table);
    const prefixes = r.prefixes(request);
    expect(prefixes.boundaries).toEqual(all);
    expect(r.cachedTokens('m', prefixes)).toBe(123);
    expect(r.cachedTokens('other', prefixes)).toBe(0);
  });

  it('expired entries leave the table as later reports come, so an idle table hashes nothing again', () => {
    let now = NOW;
    const table = new PromptCacheTable({ maxEntries: 10, now: () => now });
    const report = (model: string, expiresAtMs: number) => ({ prefixes: [{ model, prefixHash: all[7]!.hash, tokens: 5, expiresAtMs }] }) as unknown as CacheReport__Output;
    table.merge(report('m', NOW + 1_000));
    expect(table.size).toBe(1);
    // Past its expiry and past the purge interval, a report that adds nothing still clears it.
    now = NOW + 61_000;
    table.merge(report('n', NOW));
    expect(table.size).toBe(0);
    expect(routing(table).prefixes(request).boundaries).toEqual([]);
  });

  it('a session keeps the model it was sent to, whether or not boundaries were hashed', () => {
    const empty = routing(new PromptCacheTable({ maxEntries: 10, now: () => NOW }));
    const first = empty.prefixes(request);
    expect(empty.stickyModel(first)).toBeUndefined();
    empty.remember(first, 'model-a');
    // A later turn of the same conversation shares the leading prefix, so the same session.
    const later = empty.prefixes(asRequest([...conversation, text('user', 'one more')]));
    expect(empty.stickyModel(later)).toBe('model-a');
  });
});

describe('prompt cache - the session key', () => {
  it('is the session label when there is one', () => {
    expect(sessionKey(asRequest(conversation, 'chat-7'))).toBe('s:chat-7');
  });

  it('is the system prompt and the first message: a system prompt shared by many conversations is not one session', () => {
    const a = sessionKey(asRequest([text('system', 'Be brief.'), text('user', 'one')]));
    expect(a).toMatch(/^p:[0-9a-f]{16}$/);
    expect(sessionKey(asRequest([text('system', 'Be brief.'), text('user', 'one'), text('assistant', '1'), text('user', 'more')]))).toBe(a);
    expect(sessionKey(asRequest([text('system', 'Be brief.'), text('user', 'two')]))).not.toBe(a);
    expect(sessionKey(asRequest([text('system', 'Be verbose.'), text('user', 'one')]))).not.toBe(a);
    expect(sessionKey(asRequest([text('system', 'Be brief.')]))).toBeUndefined();
  });

  it('is the first message too when there is no system prompt, and nothing for an empty prompt', () => {
    const a = sessionKey(asRequest([text('user', 'hello'), text('assistant', 'hi')]));
    expect(sessionKey(asRequest([text('user', 'hello'), text('assistant', 'other')]))).toBe(a);
    expect(sessionKey(asRequest([text('user', 'hello!')]))).not.toBe(a);
    expect(sessionKey(asRequest([]))).toBeUndefined();
  });

  it('reads a long first message at its ends and its length only', () => {
    const body = (middle: string) => `${'a'.repeat(SESSION_SAMPLE)}${middle}${'z'.repeat(SESSION_SAMPLE)}`;
    const key = (m: string) => sessionKey(asRequest([text('system', 'Be brief.'), text('user', m)]));
    const a = key(body('x'.repeat(3000)));
    expect(key(body('y'.repeat(3000)))).toBe(a);
    expect(key(body('x'.repeat(3001)))).not.toBe(a);
    expect(key(`b${body('x'.repeat(3000)).slice(1)}`)).not.toBe(a);
    expect(key(`${body('x'.repeat(3000)).slice(0, -1)}y`)).not.toBe(a);
  });

  it('tells apart many different prompts (no two of 10,000 share a key)', () => {
    const keys = new Set<string | undefined>();
    for (let i = 0; i < 10_000; i++) keys.add(sessionKey(asRequest([text('user', `question number ${i}`)])));
    expect(keys.size).toBe(10_000);
  });
});
