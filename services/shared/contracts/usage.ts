/** Token usage arithmetic shared by the executor (per attempt) and the router (per request). */
import type { AttemptInfo } from './invoke.js';
import type { Usage } from './provider.js';

export const ZERO_USAGE: Readonly<Usage> = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
});

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  };
}

export function totals(attempts: readonly AttemptInfo[]): { usage: Usage; costUsd: number } {
  let usage: Usage = { ...ZERO_USAGE };
  let costUsd = 0;
  for (const a of attempts) {
    usage = addUsage(usage, a.usage);
    costUsd += a.costUsd;
  }
  return { usage, costUsd };
}
