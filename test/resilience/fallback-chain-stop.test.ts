import { describe, expect, it } from 'vitest';
import { FallbackChain, canFailOver } from '../../services/router/execute/fallback-chain.js';
import { FakeFailure, aborted, badRequest, contextLength, rateLimited, serverError } from './support/fakes.js';

describe('fallback chain - fails over only when another model can help', () => {
  it('moves on after retryable and endpoint-specific failures', () => {
    expect(canFailOver(serverError())).toBe(true);
    expect(canFailOver(rateLimited())).toBe(true);
    expect(canFailOver(contextLength())).toBe(true);
    expect(canFailOver(new FakeFailure('auth', false))).toBe(true);
    expect(canFailOver(new FakeFailure('not_found', false))).toBe(true);
    expect(canFailOver(new FakeFailure('malformed_response', false))).toBe(true);
  });

  it('ends after a client error, a content filter or a cancelled call', () => {
    expect(canFailOver(badRequest())).toBe(false);
    expect(canFailOver(new FakeFailure('content_filter', false))).toBe(false);
    expect(canFailOver(aborted())).toBe(false);

    const chain = new FallbackChain({ model: 'a', fallbacks: ['b', 'c'], maxAttempts: 3 });
    expect(chain.next()).toBe('a');
    expect(chain.next(badRequest())).toBeUndefined();
    expect(chain.stopReason).toBe('not_recoverable');
    expect(chain.tried).toEqual(['a']);
  });

  it('takes a custom rule', () => {
    const chain = new FallbackChain({ model: 'a', fallbacks: ['b'], maxAttempts: 3, canFailOver: () => true });
    expect(chain.next()).toBe('a');
    expect(chain.next(badRequest())).toBe('b');
  });

  it('rejects a maxAttempts below one', () => {
    expect(() => new FallbackChain({ model: 'a', fallbacks: [], maxAttempts: 0 })).toThrow(RangeError);
  });
});
