/**
 * Operator rules: matched in order against labels, prompt size and required capabilities;
 * their actions pin, restrict or exclude models, or set the policy or strategy. A `final`
 * rule stops the evaluation. Rules are auditable: the decision lists the ones that matched.
 */
import type { RuleConfig, StrategyName } from '../../shared/config/schema.js';
import type { NormalizedRequest } from './validate-request.js';

export interface RuleOutcome {
  matched: string[];
  /** The first pin wins. `hard`: no other model may answer; `fallbacks`: a hard pin may still fall back. */
  pin?: { model: string; rule: string; hard: boolean; fallbacks: boolean };
  /** Model id → the rule that keeps it out. */
  excluded: Map<string, string>;
  /** Intersection of every restrict action, with the rules that set it. */
  restrict?: { models: Set<string>; rules: string[] };
  policy?: string;
  strategy?: StrategyName;
}

function labelMatches(allowed: string[] | undefined, value: string): boolean {
  return allowed === undefined || allowed.includes(value);
}

export function ruleMatches(rule: RuleConfig, req: NormalizedRequest, inputTokens: number): boolean {
  const m = rule.match;
  if (!labelMatches(m.tenant, req.labels.tenant)) return false;
  if (!labelMatches(m.user_tier, req.labels.userTier)) return false;
  if (!labelMatches(m.task, req.labels.task)) return false;
  if (m.labels) {
    for (const [key, values] of Object.entries(m.labels)) {
      if (!values.includes(req.labels.extra[key] ?? '')) return false;
    }
  }
  if (m.min_prompt_tokens !== undefined && inputTokens < m.min_prompt_tokens) return false;
  if (m.max_prompt_tokens !== undefined && inputTokens > m.max_prompt_tokens) return false;
  if (m.capabilities && !m.capabilities.every((c) => req.requiredCapabilities.has(c))) return false;
  return true;
}

export function applyRules(rules: readonly RuleConfig[], req: NormalizedRequest, inputTokens: number): RuleOutcome {
  const out: RuleOutcome = { matched: [], excluded: new Map() };
  for (const rule of rules) {
    if (!ruleMatches(rule, req, inputTokens)) continue;
    out.matched.push(rule.name);
    const a = rule.action;
    if (a.pin && !out.pin) out.pin = { model: a.pin, rule: rule.name, hard: a.pin_hard === true, fallbacks: a.pin_fallbacks === true };
    if (a.restrict) {
      const next = new Set(a.restrict);
      if (out.restrict) {
        out.restrict = { models: new Set([...out.restrict.models].filter((id) => next.has(id))), rules: [...out.restrict.rules, rule.name] };
      } else out.restrict = { models: next, rules: [rule.name] };
    }
    for (const id of a.exclude ?? []) if (!out.excluded.has(id)) out.excluded.set(id, rule.name);
    if (a.policy && !out.policy) out.policy = a.policy;
    if (a.strategy && !out.strategy) out.strategy = a.strategy;
    if (rule.final) break;
  }
  return out;
}

/** Why the rules keep `id` out, or null. */
export function ruleExclusion(o: RuleOutcome, id: string): string | null {
  const by = o.excluded.size > 0 ? o.excluded.get(id) : undefined;
  if (by) return `rule ${by}: excludes this model`;
  if (o.restrict && !o.restrict.models.has(id)) return `rule ${o.restrict.rules.join(' + ')}: restricts the choice to ${[...o.restrict.models].join(', ') || 'no model'}`;
  return null;
}
