/**
 * What calls cost, in USD, from the usage the provider reported and the model's prices.
 *
 * Usage.inputTokens includes the cached and the cache-write tokens (provider.ts), so one
 * attempt costs
 *
 *     cachedInputTokens                                   × cachedInputPerMTok
 *   + cacheWriteTokens                                    × cacheWritePerMTok
 *   + (inputTokens − cachedInputTokens − cacheWriteTokens) × inputPerMTok
 *   + outputTokens                                        × outputPerMTok
 *
 * divided by one million. A price table without a cached or cache-write price bills those
 * tokens at the input price. A failed attempt costs what the provider billed for it: its
 * usage when it reported one; for a stream cut off after output began, an estimate of the
 * prompt and the output received (contracts/estimate-tokens.ts partialUsage); otherwise nothing.
 *
 * Figures keep full double precision: the products are summed first and divided once, so a
 * total over attempts is not the sum of separately rounded parts. Round only for display.
 */
import type { Usage } from '../../shared/contracts/provider.js';
import { ZERO_USAGE, addUsage } from '../../shared/contracts/usage.js';

/** Prices in USD per million tokens. */
export interface PriceTable {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Input tokens read from the prompt cache. Default: the input price. */
  cachedInputPerMTok?: number;
  /** Input tokens written to the prompt cache. Default: the input price. */
  cacheWritePerMTok?: number;
}

/** One attempt as billing sees it. */
export interface BilledAttempt {
  /** What the provider reported; absent when it reported nothing (e.g. a connection error). */
  usage?: Usage;
  price: PriceTable;
}

export interface CostTotals {
  costUsd: number;
  /** Usage summed over the attempts that reported one. */
  usage: Usage;
}

const PER_MILLION = 1_000_000;


/** The cost of one attempt in USD; 0 without usage. */
export function attemptCostUsd(usage: Usage | undefined, price: PriceTable): number {
  return usage === undefined ? 0 : microCost(usage, price) / PER_MILLION;
}

/** The cost and usage of all the attempts of one request, failed ones included. */
export function totalCost(attempts: Iterable<BilledAttempt>): CostTotals {
  let micro = 0;
  let usage: Usage = ZERO_USAGE;
  for (const { usage: attemptUsage, price } of attempts) {
    if (attemptUsage === undefined) continue;
    micro += microCost(attemptUsage, price);
    usage = addUsage(usage, attemptUsage);
  }
  return { costUsd: micro / PER_MILLION, usage };
}


/**
 * `usd` rounded half away from zero to `decimals` places (default 6, a millionth of a dollar),
 * for display. Works on the decimal text, so 0.0000125 rounds to 0.000013 as a person expects.
 */
export function roundUsd(usd: number, decimals = 6): number {
  if (!Number.isFinite(usd)) return usd;
  if (!(Number.isInteger(decimals) && decimals >= 0 && decimals <= 20)) {
    throw new RangeError('decimals must be an integer in [0, 20]');
  }
  const sign = usd < 0 ? -1 : 1;
  return sign * decimalShift(Math.round(decimalShift(Math.abs(usd), decimals)), -decimals);
}

/** x × 10^places, computed on the shortest decimal text of x so no binary error creeps in. */
function decimalShift(x: number, places: number): number {
  const [mantissa, exponent = '0'] = String(x).split('e');
  return Number(`${mantissa}e${Number(exponent) + places}`);
}

/** USD × 10⁶ (price per MTok × tokens), before the one division. */
function microCost(usage: Usage, price: PriceTable): number {
  const cached = usage.cachedInputTokens;
  const written = usage.cacheWriteTokens;
  // Inconsistent reports (cache counts above the input count) bill nothing below zero.
  const uncached = Math.max(0, usage.inputTokens - cached - written);
  return (
    uncached * price.inputPerMTok +
    cached * (price.cachedInputPerMTok ?? price.inputPerMTok) +
    written * (price.cacheWritePerMTok ?? price.inputPerMTok) +
    usage.outputTokens * price.outputPerMTok
  );
}
