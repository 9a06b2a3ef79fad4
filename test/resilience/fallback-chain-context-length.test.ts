import { describe, expect, it } from 'vitest';
import { FallbackChain } from '../../services/router/execute/fallback-chain.js';
import { contextLength, serverError } from './support/fakes.js';

const windows = { small: 8_000, mid: 32_000, mid2: 32_000, large: 128_000, huge: 1_000_000 };

describe('fallback chain - context-length error skips to a larger window', () => {
  it('skips models whose window is not larger than the one that failed', () => {
    const chain = new FallbackChain({ model: 'mid', fallbacks: ['small', 'mid2', 'large'], maxAttempts: 5, contextWindows: windows });
    expect(chain.next()).toBe('mid');
    expect(chain.next(contextLength())).toBe('large');
    expect(chain.skipped).toEqual([
      { model: 'small', reason: 'context_window_too_small' },
      { model: 'mid2', reason: 'context_window_too_small' },
    ]);
  });

  it('keeps the rule after later failures of another kind', () => {
    const chain = new FallbackChain({ model: 'mid', fallbacks: ['large', 'small', 'huge'], maxAttempts: 5, contextWindows: windows });
    expect(chain.next()).toBe('mid');
    expect(chain.next(contextLength())).toBe('large');
    expect(chain.next(serverError())).toBe('huge'); // 'small' still cannot hold the prompt
  });

  it('raises the bar with every context-length error', () => {
    const chain = new FallbackChain({ model: 'small', fallbacks: ['mid', 'large', 'huge'], maxAttempts: 5, contextWindows: new Map(Object.entries(windows)) });
    expect(chain.next()).toBe('small');
    expect(chain.next(contextLength())).toBe('mid');
    expect(chain.next(contextLength())).toBe('large');
    expect(chain.next(contextLength())).toBe('huge');
    expect(chain.next(contextLength())).toBeUndefined();
    expect(chain.stopReason).toBe('exhausted');
  });

  it('ends when no larger model is left', () => {
    const chain = new FallbackChain({ model: 'large', fallbacks: ['small', 'mid'], maxAttempts: 5, contextWindows: windows });
    expect(chain.next()).toBe('large');
    expect(chain.next(contextLength())).toBeUndefined();
    expect(chain.stopReason).toBe('exhausted');
  });

  it('skipped models do not use up attempts', () => {
    const chain = new FallbackChain({ model: 'mid', fallbacks: ['small', 'mid2', 'large'], maxAttempts: 2, contextWindows: windows });
    expect(chain.next()).toBe('mid');
    expect(chain.next(contextLength())).toBe('large');
    expect(chain.next(serverError())).toBeUndefined();
    expect(chain.stopReason).toBe('max_attempts');
  });

  it('skips models of unknown window once the rule is in force; an unknown failed window adds none', () => {
    const known = new FallbackChain({ model: 'mid', fallbacks: ['mystery', 'large'], maxAttempts: 5, contextWindows: windows });
    expect(known.next()).toBe('mid');
    expect(known.next(contextLength())).toBe('large');
    expect(known.skipped).toEqual([{ model: 'mystery', reason: 'context_window_unknown' }]);

    const unknown = new FallbackChain({ model: 'mystery', fallbacks: ['small', 'large'], maxAttempts: 5, contextWindows: windows });
    expect(unknown.next()).toBe('mystery');
    expect(unknown.next(contextLength())).toBe('small');
  });
});
