import { describe, expect, it } from 'vitest';
import { FallbackChain, planAttempts } from '../../services/router/execute/fallback-chain.js';
import { serverError } from './support/fakes.js';

/** Runs the chain to its end, every model failing with a server error. */
function drain(chain: FallbackChain): string[] {
  const models: string[] = [];
  for (let model = chain.next(); model !== undefined; model = chain.next(serverError())) models.push(model);
  return models;
}

describe('fallback chain - bounded and never revisits a model', () => {
  it('tries the chosen model, then the fallbacks in order', () => {
    const chain = new FallbackChain({ model: 'a', fallbacks: ['b', 'c'], maxAttempts: 5 });
    expect(drain(chain)).toEqual(['a', 'b', 'c']);
    expect(chain.stopReason).toBe('exhausted');
    expect(chain.tried).toEqual(['a', 'b', 'c']);
  });

  it('never hands out a model twice, however often the decision names it', () => {
    const chain = new FallbackChain({ model: 'a', fallbacks: ['b', 'a', 'c', 'b', 'a'], maxAttempts: 10 });
    expect(chain.candidates).toEqual(['a', 'b', 'c']);
    expect(drain(chain)).toEqual(['a', 'b', 'c']);
    expect(chain.skipped).toEqual([
      { model: 'a', reason: 'duplicate' },
      { model: 'b', reason: 'duplicate' },
      { model: 'a', reason: 'duplicate' },
    ]);
  });

  it('tries at most maxAttempts models', () => {
    const chain = new FallbackChain({ model: 'a', fallbacks: ['b', 'c', 'd'], maxAttempts: 2 });
    expect(drain(chain)).toEqual(['a', 'b']);
    expect(chain.stopReason).toBe('max_attempts');
  });

  it('stays ended once it has ended', () => {
    const chain = new FallbackChain({ model: 'a', fallbacks: [], maxAttempts: 3 });
    expect(drain(chain)).toEqual(['a']);
    expect(chain.next()).toBeUndefined();
    expect(chain.next(serverError())).toBeUndefined();
  });

  it('moves on when the caller reports no error (e.g. every deployment was unavailable)', () => {
    const chain = new FallbackChain({ model: 'a', fallbacks: ['b'], maxAttempts: 3 });
    expect(chain.next()).toBe('a');
    expect(chain.next()).toBe('b');
    expect(chain.next()).toBeUndefined();
  });

  it('planAttempts gives the static plan', () => {
    expect(planAttempts({ model: 'a', fallbacks: ['b', 'a', 'c', 'd'], maxAttempts: 3 })).toEqual(['a', 'b', 'c']);
    expect(() => planAttempts({ model: 'a', fallbacks: [], maxAttempts: 0 })).toThrow(RangeError);
  });
});
