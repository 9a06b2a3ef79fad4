/**
 * Hard filters: a model that fails one is never chosen, and its candidate row says why.
 * Each filter returns null (pass) or the reason, which starts with the filter's name.
 */
import type { CatalogModel } from '../../shared/catalog.js';
import { Script, SCRIPT_NAMES } from '../core/feature-spec.js';
import { expectedLatencyMs, outputTokensFor, worstCaseCostUsd, type RequestEstimate } from './estimates.js';
import type { NormalizedRequest } from './validate-request.js';

/** What the live routing state says of a model (health, circuit, rate limits, credentials). */
export interface ModelStatus {
  available: boolean;
  /** Why it is unavailable. */
  reason?: string;
  /** Live time to first token, when measured. */
  ttftMs?: number;
}

export interface FilterInput {
  req: NormalizedRequest;
  estimate: RequestEstimate;
  script: Script;
}

/** Languages written in each non-Latin script the core detects. */
const SCRIPT_LANGUAGES: Partial<Record<Script, readonly string[]>> = {
  [Script.Cjk]: ['zh', 'ja', 'ko'],
  [Script.Cyrillic]: ['ru', 'uk', 'bg', 'sr', 'be', 'kk', 'mk'],
  [Script.ArabicHebrew]: ['ar', 'he', 'fa', 'ur', 'yi'],
};

/** Thousands separators without Intl, which costs microseconds a call. */
const fmt = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * True when the request asks for nothing that hardFilter checks model by model but availability,
 * the context window (for the default output length) and, on a prompt in a script some models
 * do not read, their languages. Decide then makes those checks itself from typed arrays
 * (ranking.ts CatalogFigures) and calls hardFilter only for a model that fails one, for its
 * reason: a model that passes them passes hardFilter.
 */
export function onlyCommonFilters(x: FilterInput): boolean {
  const { req, estimate } = x;
  return (
    !req.allowModels &&
    req.denyModels.size === 0 &&
    req.requiredCapabilities.size === 0 &&
    !estimate.explicitMaxOutput &&
    req.languages.length === 0 &&
    req.regions.length === 0 &&
    req.maxCostUsd === undefined &&
    req.latencyBudgetMs === undefined
  );
}

/** Whether the prompt's script is one that only some languages are written in (then a model's languages matter). */
export const scriptNeedsLanguages = (script: Script): boolean => SCRIPT_LANGUAGES[script] !== undefined;

export function hardFilter(m: CatalogModel, status: ModelStatus, x: FilterInput): string | null {
  const { req, estimate } = x;
  if (req.allowModels && !req.allowModels.has(m.id)) return 'allow list: not in requirements.allow_models';
  // Each check on a request field tests for an empty field first: on a large catalog this loop is
  // most of Decide, and a set's lookup or iterator per model cost more than the rest of it.
  if (req.denyModels.size > 0 && req.denyModels.has(m.id)) return 'deny list: in requirements.deny_models';
  if (!status.available) return `unavailable: ${status.reason ?? 'not available'}`;
  if (req.requiredCapabilities.size > 0) {
    for (const cap of req.requiredCapabilities) {
      if (!m.capabilities.has(cap)) return `capability: does not support ${cap.replace('_', ' ')}`;
    }
  }
  const out = outputTokensFor(m, estimate);
  if (estimate.explicitMaxOutput && out > m.maxOutputTokens) {
    return `max output: allows ${fmt(m.maxOutputTokens)} output tokens, the request asks for ${fmt(out)}`;
  }
  const needed = estimate.inputTokens + out;
  if (needed > m.contextWindow) {
    return `context window: ${fmt(m.contextWindow)} tokens, the request needs about ${fmt(needed)} (${fmt(estimate.inputTokens)} input + ${fmt(out)} output)`;
  }
  if (req.minContextTokens > m.contextWindow) {
    return `context window: ${fmt(m.contextWindow)} tokens, requirements.min_context_tokens is ${fmt(req.minContextTokens)}`;
  }
  if (m.languages) {
    if (req.languages.length > 0) {
      const missing = req.languages.filter((l) => !m.languages!.has(l));
      if (missing.length > 0) return `language: does not support ${missing.join(', ')}`;
    }
    const written = SCRIPT_LANGUAGES[x.script];
    if (written && req.languages.length === 0 && !written.some((l) => m.languages!.has(l))) {
      return `language: the prompt is in ${SCRIPT_NAMES[x.script]} script, which none of its languages (${[...m.languages].join(', ')}) uses`;
    }
  }
  if (req.regions.length > 0 && !m.regions.some((r) => req.regions.includes(r))) {
    return `region: served from ${m.regions.join(', ')}, requirements.regions allows ${req.regions.join(', ')}`;
  }
  if (req.maxCostUsd !== undefined) {
    const worst = worstCaseCostUsd(m, estimate);
    if (worst > req.maxCostUsd) return `cost: up to $${worst.toPrecision(3)} for this request, over preferences.max_cost_usd $${req.maxCostUsd}`;
  }
  if (req.latencyBudgetMs !== undefined) {
    const latency = expectedLatencyMs(m, estimate, status.ttftMs);
    if (latency > req.latencyBudgetMs) return `latency: about ${fmt(Math.round(latency))} ms expected, over preferences.latency_budget_ms ${fmt(req.latencyBudgetMs)}`;
  }
  return null;
}
