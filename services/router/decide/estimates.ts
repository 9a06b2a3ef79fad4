/** Per-request estimates of tokens, cost and latency that filters and the policy share. */
import type { CatalogModel } from '../../shared/catalog.js';
import type { NormalizedRequest } from './validate-request.js';

/** Tokens charged for one image (providers charge roughly 250-1,600 by size; a middle figure). */
export const TOKENS_PER_IMAGE = 1000;
/** Role and framing tokens per message. */
export const TOKENS_PER_MESSAGE = 4;

export interface RequestEstimate {
  inputTokens: number;
  /** Output length the request allows: its max_output_tokens, or the configured default. */
  maxOutputTokens: number;
  /** True when the request set max_output_tokens itself. */
  explicitMaxOutput: boolean;
  /** Output length assumed for cost and latency. */
  expectedOutputTokens: number;
}

/**
 * `qualityTokens` is the core's token estimate for the last user message; the rest of the
 * text is estimated at the same tokens-per-character rate (at least 1 token per 4 characters).
 */
export function estimateRequest(
  req: NormalizedRequest,
  qualityTokens: number,
  defaultMaxOutput: number,
  expectedOutput: number,
): RequestEstimate {
  const rate = req.qualityText.length > 0 ? Math.max(0.25, qualityTokens / req.qualityText.length) : 0.25;
  const inputTokens =
    qualityTokens + Math.ceil(req.otherTextUnits * rate) + req.imageCount * TOKENS_PER_IMAGE + req.messages.length * TOKENS_PER_MESSAGE;
  const explicitMaxOutput = req.maxOutputTokens > 0;
  const maxOutputTokens = explicitMaxOutput ? req.maxOutputTokens : defaultMaxOutput;
  return { inputTokens, maxOutputTokens, explicitMaxOutput, expectedOutputTokens: Math.min(expectedOutput, maxOutputTokens) };
}

/** Output tokens this model may produce for the request. */
export function outputTokensFor(m: CatalogModel, e: RequestEstimate): number {
  return e.explicitMaxOutput ? e.maxOutputTokens : Math.min(e.maxOutputTokens, m.maxOutputTokens);
}

/** `cachedTokens`: input tokens the model holds in its prompt cache, priced at its cached rate. */
export function expectedCostUsd(m: CatalogModel, e: RequestEstimate, cachedTokens = 0): number {
  return costOf(e.inputTokens, cachedTokens, e.expectedOutputTokens, m.inputPrice, m.cachedInputPrice, m.outputPrice);
}

/** The expected cost from its figures, for a caller that holds prices in typed arrays (Decide's pass over the catalog). */
export function costOf(inputTokens: number, cachedTokens: number, outputTokens: number, inputPrice: number, cachedInputPrice: number, outputPrice: number): number {
  const cached = Math.min(cachedTokens, inputTokens);
  return (inputTokens - cached) * inputPrice + cached * cachedInputPrice + outputTokens * outputPrice;
}

export function worstCaseCostUsd(m: CatalogModel, e: RequestEstimate): number {
  return e.inputTokens * m.inputPrice + outputTokensFor(m, e) * m.outputPrice;
}

/** `ttftMs` is the live time to first token when known, else the catalog's. */
export function expectedLatencyMs(m: CatalogModel, e: RequestEstimate, ttftMs: number = m.ttftMs): number {
  return latencyOf(ttftMs, e.expectedOutputTokens, m.outputTokensPerSecond);
}

/** The expected latency from its figures (see costOf). */
export function latencyOf(ttftMs: number, outputTokens: number, outputTokensPerSecond: number): number {
  return ttftMs + (outputTokens / outputTokensPerSecond) * 1000;
}
