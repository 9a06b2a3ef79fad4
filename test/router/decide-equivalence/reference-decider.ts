/**
 * Decide as it was before the per-model arrays and top-k explanations (its code kept unchanged
 * but for imports): the equivalence suite holds the new Decider's answers to this one's.
 */
import type { DecideResponse__Output as DecideResponse } from '../../../services/generated/switchyard/v1/DecideResponse.js';
import type { TaskRead } from '../../../services/router/core/task-family.js';
import { costFraction, describeOperatingPoint } from '../../../services/router/policy/operating-point.js';
import type { Candidate__Output as Candidate } from '../../../services/generated/switchyard/v1/Candidate.js';
import type { PolicyConfig, StrategyName } from '../../../services/shared/config/schema.js';
import { FailedPreconditionError } from '../../../services/shared/errors.js';
import { SCRIPT_NAMES } from '../../../services/router/core/feature-spec.js';
import { lambdaForKnob, utility } from '../../../services/router/policy/tradeoff.js';
import { rankingQuality, withinMargin } from '../../../services/router/policy/operating-point.js';
import { readTask } from '../../../services/router/core/task-family.js';
import { TIER_PRIORS } from '../../../services/router/model/task-prior.js';
import { expectedOutputTokens } from '../../../services/router/model/output-length.js';
import { estimateRequest, expectedCostUsd, expectedLatencyMs } from '../../../services/router/decide/estimates.js';
import { newDecisionId } from '../../../services/router/decide/decision-id.js';
import { hardFilter } from '../../../services/router/decide/hard-filters.js';
import { planStrategy, type Plan, type Ranked } from '../../../services/router/decide/plan.js';
import { applyRules, ruleExclusion, type RuleOutcome } from '../../../services/router/decide/rules.js';
import { validateRequest, type NormalizedRequest, type RouteRequestFields } from '../../../services/router/decide/validate-request.js';
import type { ReasonKind } from '../../../services/shared/metrics/metrics-recorder.js';
import type { DecideContext, Decision } from '../../../services/router/decide/decide.js';
import { describePriors, priorNotes } from '../../../services/router/decide/explain.js';


/** The hard pin in force: the request's pin_model first, else a rule's pin_hard. */
function hardPin(req: NormalizedRequest, rules: RuleOutcome): { model: string; by: string; fallbacks: boolean } | undefined {
  if (req.pinModel) return { model: req.pinModel, by: 'requirements.pin_model', fallbacks: false };
  if (rules.pin?.hard) return { model: rules.pin.model, by: `rule ${rules.pin.rule}`, fallbacks: rules.pin.fallbacks };
  return undefined;
}

/** No catalog model is eligible; `onlyUnavailable` when every one was excluded only for being unavailable (a retry may help). */
class NoEligibleModelError extends FailedPreconditionError {
  constructor(
    message: string,
    readonly onlyUnavailable: boolean,
    /** The request field at fault, when one is (the model it asked for). */
    readonly field?: string,
  ) {
    super(message);
  }
}

interface ExplainInput {
  chosen: Ranked;
  ranked: readonly Ranked[];
  candidates: readonly Candidate[];
  policyName: string;
  knob: number;
  /** The policy's quality margin (policy/operating-point.ts). */
  margin: number;
  task: TaskRead;
  /** Models whose predicted quality comes from a prior rather than routing data, with the reason's note on each. */
  priorModels: ReadonlyMap<string, string>;
  pinnedBy?: string | undefined;
  pinNote?: string | undefined;
  sessionNote?: string | undefined;
  /** The request asked for the chosen model. */
  requested?: boolean;
  plan: Plan;
}

const usd = (x: number) => (x >= 0.01 ? `$${x.toFixed(4)}` : `$${x.toPrecision(2)}`);

function explain(x: ExplainInput): string {
  const { chosen } = x;
  const parts: string[] = [];
  if (x.requested) parts.push(`${chosen.id}: asked for by the request`);
  else if (x.pinnedBy) parts.push(`${chosen.id}: pinned by ${x.pinnedBy}`);
  else {
    const best = x.ranked.reduce((a, b) => (b.quality > a.quality || (b.quality === a.quality && b.costUsd < a.costUsd) ? b : a));
    const share = best.quality > 0 ? chosen.quality / best.quality : 1;
    parts.push(
      best === chosen
        ? `${chosen.id}: the best expected quality (${chosen.quality.toFixed(3)}) at about ${usd(chosen.costUsd)}`
        : `${chosen.id}: expected quality ${share.toFixed(2)} of the best (${best.id}) at ${costFraction(chosen.costUsd, best.costUsd)}, about ${usd(chosen.costUsd)}`,
    );
    parts.push(`policy ${x.policyName}: ${describeOperatingPoint(x.knob, x.margin)}`);
    parts.push(`task: ${x.task.family} (${x.task.tier})`);
    const priors = describePriors(chosen === best ? [chosen.id] : [chosen.id, best.id], x.priorModels);
    if (priors) parts.push(priors);
  }
  if (x.pinNote) parts.push(x.pinNote);
  if (x.sessionNote) parts.push(x.sessionNote);
  const excluded = x.candidates.filter((c) => !c.eligible);
  if (excluded.length > 0) {
    const byFilter = new Map<string, number>();
    for (const c of excluded) {
      const key = c.excludedReason!.split(':')[0]!;
      byFilter.set(key, (byFilter.get(key) ?? 0) + 1);
    }
    parts.push(`${excluded.length} excluded (${[...byFilter].map(([k, n]) => `${k}: ${n}`).join(', ')})`);
  }
  if (x.plan.strategy !== 'single') parts.push(`${x.plan.strategy}: ${x.plan.models.join(' -> ')}`);
  if (x.plan.note) parts.push(x.plan.note);
  return parts.join('; ');
}

function orderFallbacks(ranked: readonly Ranked[], max: number): Ranked[] {
  const rest = ranked.slice(1);
  if (rest.length === 0 || max === 0) return [];
  const chosen = ranked[0]!;
  const other = rest.findIndex((r) => r.provider !== chosen.provider);
  if (other > 0) rest.unshift(...rest.splice(other, 1));
  return rest.slice(0, max);
}

const STRATEGY_ENUM = { single: 'STRATEGY_SINGLE', cascade: 'STRATEGY_CASCADE', speculative: 'STRATEGY_SPECULATIVE' } as const;

export class ReferenceDecider {
  private readonly policies: ReadonlySet<string>;
  /** Catalog models whose quality comes from a prior (public scores), not from routing data. */
  private readonly priorModels: ReadonlyMap<string, string>;

  constructor(private readonly ctx: DecideContext) {
    this.policies = new Set(Object.keys(ctx.config.policies));
    this.priorModels = priorNotes(ctx.catalog.models);
  }

  decide(raw: RouteRequestFields): Decision {
    const started = process.hrtime.bigint();
    const { config, catalog } = this.ctx;
    const req = validateRequest(raw, {
      maxMessages: config.server.max_messages,
      maxRequestBytes: config.server.max_request_bytes,
      policies: this.policies,
      catalog,
    });
    const task = readTask(req);
    const core = this.ctx.scoring.run(req.qualityText, TIER_PRIORS[task.tier]);
    const json = req.responseFormat.type !== 'text';

    // Rules see the prompt size, so estimate with the default policy's output assumption
    // first; a rule may switch the policy, which only changes the expected output length.
    const defaultPolicyName = req.policy || config.router.default_policy;
    const outputFor = (p: PolicyConfig) => expectedOutputTokens(task, core.estimatedTokens, json, p.expected_output_tokens);
    const preRules = estimateRequest(req, core.estimatedTokens, config.router.default_max_output_tokens, outputFor(config.policies[defaultPolicyName]!));
    const rules = applyRules(config.rules, req, preRules.inputTokens);
    const policyName = req.policy || rules.policy || config.router.default_policy;
    const policy = config.policies[policyName]!;
    const estimate = policyName === defaultPolicyName ? preRules : estimateRequest(req, core.estimatedTokens, config.router.default_max_output_tokens, outputFor(policy));
    // A trade-off the request sets itself is its operating point: the knob alone decides.
    const margin = req.tradeoff === undefined ? policy.quality_margin : 0;
    const knob = req.tradeoff ?? policy.cost_quality_tradeoff;
    const lambda = lambdaForKnob(knob);
    // A model the request asks for runs alone with its fallbacks unless a strategy is asked for.
    const strategy: StrategyName = req.strategy ?? (req.model ? 'single' : (rules.strategy ?? policy.strategy));

    const status = this.ctx.status();
    const candidates: Candidate[] = [];
    const ranked: Ranked[] = [];
    const filterInput = { req, estimate, script: core.script };
    const cache = this.ctx.promptCache;
    const prefixes = cache?.prefixes(req);
    const belowMargin = new Set<string>();
    const latencyS = new Map<string, number>();
    let best = 0;
    for (const m of catalog.models) {
      const s = status[m.index] ?? { available: true };
      const quality = core.quality[m.index]!;
      const cost = expectedCostUsd(m, estimate, prefixes ? cache!.cachedTokens(m.id, prefixes) : 0);
      const latency = expectedLatencyMs(m, estimate, s.ttftMs);
      const excluded = hardFilter(m, s, filterInput) ?? ruleExclusion(rules, m.id);
      candidates.push({
        model: m.id,
        provider: m.provider,
        eligible: excluded === null,
        excludedReason: excluded ?? '',
        predictedQuality: quality,
        estimatedCostUsd: cost,
        estimatedLatencyMs: latency,
        score: 0,
        rank: 0,
      });
      if (!excluded) {
        if (quality > best) best = quality;
        ranked.push({ id: m.id, provider: m.provider, quality, costUsd: cost, utility: 0 });
        latencyS.set(m.id, latency / 1000);
      }
    }
    // Utility once the best eligible quality is known: the policy's margin is relative to it.
    const byId = new Map(candidates.map((c) => [c.model!, c]));
    for (const r of ranked) {
      r.utility = utility(rankingQuality(r.quality, best, margin), r.costUsd, latencyS.get(r.id)!, lambda, policy.latency_weight);
      byId.get(r.id)!.score = r.utility;
      if (!withinMargin(r.quality, best, margin)) belowMargin.add(r.id);
    }
    if (req.model && !ranked.some((r) => r.id === req.model)) {
      const reason = candidates.find((c) => c.model === req.model)!.excludedReason!;
      throw new NoEligibleModelError(`model: ${req.model} cannot serve this request: ${reason}`, reason.startsWith('unavailable:'), 'model');
    }
    if (ranked.length === 0) {
      const reasons = candidates.map((c) => `${c.model}: ${c.excludedReason}`).join('; ');
      const onlyUnavailable = candidates.every((c) => c.excludedReason!.startsWith('unavailable:'));
      throw new NoEligibleModelError(
        onlyUnavailable ? `no model is available to serve requests now (the server is up, but every model is unavailable): ${reasons}` : `no model meets the request's requirements: ${reasons}`,
        onlyUnavailable,
      );
    }
    ranked.sort((a, b) => Number(belowMargin.has(a.id)) - Number(belowMargin.has(b.id)) || b.utility - a.utility || a.costUsd - b.costUsd);

    // A catalog model the request asks for goes first; the policy orders the rest behind it.
    if (req.model) ranked.unshift(...ranked.splice(ranked.findIndex((r) => r.id === req.model), 1));
    const softPin = req.model ? undefined : rules.pin;
    let keptSession = false;
    let sessionNote: string | undefined;
    if (cache && prefixes && !rules.pin && !req.pinModel && !req.model) {
      // Session stickiness: keep the session's model unless another is better by the margin.
      const sticky = cache.stickyModel(prefixes);
      const i = sticky === undefined ? -1 : ranked.findIndex((r) => r.id === sticky);
      if (i > 0 && !belowMargin.has(sticky!) && ranked[0]!.utility - ranked[i]!.utility <= cache.stickinessMargin) {
        sessionNote = `kept the session's model: within ${cache.stickinessMargin} utility of the best-ranked model (${ranked[0]!.id})`;
        ranked.unshift(...ranked.splice(i, 1));
        keptSession = true;
      }
    }
    let pinNote: string | undefined;
    const hard = hardPin(req, rules);
    let fallbacks: Ranked[];
    let plan: Plan;
    if (hard) {
      const i = ranked.findIndex((r) => r.id === hard.model);
      if (i < 0) {
        const c = candidates.find((c) => c.model === hard.model)!;
        throw new FailedPreconditionError(`${hard.by} pins ${hard.model} (a hard pin), but it is excluded: ${c.excludedReason}`);
      }
      ranked.unshift(...ranked.splice(i, 1));
      fallbacks = hard.fallbacks ? orderFallbacks(ranked, policy.max_fallbacks) : [];
      plan = { strategy: 'single', models: [hard.model, ...fallbacks.map((f) => f.id)], checks: [], hardPin: true };
      if (strategy !== 'single') plan.note = `${hard.by} pins ${hard.model} (a hard pin), so only it answers: the ${strategy} strategy does not apply`;
    } else {
      if (softPin) {
        const i = ranked.findIndex((r) => r.id === softPin.model);
        if (i > 0) ranked.unshift(...ranked.splice(i, 1));
        else if (i < 0) {
          const c = candidates.find((c) => c.model === softPin.model)!;
          pinNote = `rule ${softPin.rule} pins ${softPin.model}, but it is excluded (${c.excludedReason}); chose by policy instead`;
        }
      }
      fallbacks = orderFallbacks(ranked, policy.max_fallbacks);
      plan = planStrategy(strategy, ranked, fallbacks, policy);
    }
    const rank = new Map<string, number>([ranked[0]!, ...fallbacks].map((r, i) => [r.id, i + 1]));
    for (const c of candidates) c.rank = rank.get(c.model!) ?? 0;
    candidates.sort((a, b) => (a.rank || 1e9) - (b.rank || 1e9) || Number(b.eligible) - Number(a.eligible) || (b.score as number) - (a.score as number));

    const chosen = ranked[0]!;
    const pinnedBy = hard ? hard.by : softPin && softPin.model === chosen.id ? `rule ${softPin.rule}` : undefined;
    const reasonKind: ReasonKind = pinnedBy ? 'rule_pin' : keptSession ? 'session_affinity' : ranked.length === 1 ? 'only_eligible' : 'best_utility';
    if (cache && prefixes) cache.remember(prefixes, chosen.id);
    const reason = explain({
      chosen,
      ranked,
      candidates,
      policyName,
      knob,
      margin,
      task,
      priorModels: this.priorModels,
      pinnedBy,
      requested: req.model === chosen.id,
      pinNote,
      sessionNote,
      plan,
    });
    const response: DecideResponse = {
      decisionId: newDecisionId(),
      model: chosen.id,
      fallbacks: fallbacks.map((f) => f.id),
      candidates,
      reason,
      plan: { strategy: STRATEGY_ENUM[plan.strategy], models: plan.models, checks: plan.checks },
      policy: policyName,
      matchedRules: rules.matched,
      features: { estimatedInputTokens: estimate.inputTokens, script: SCRIPT_NAMES[core.script] ?? 'other', promptChars: req.qualityText.length },
      routerModel: this.ctx.scoring.modelVersion,
      decisionTimeNs: 0,
    };
    response.decisionTimeNs = Number(process.hrtime.bigint() - started);
    this.ctx.metrics?.decision(chosen.id, policyName, plan.strategy, reasonKind, response.decisionTimeNs / 1e9);
    return { response, request: req, estimate, policy, plan, reasonKind, mostCapable: '', eligibleCount: ranked.length, plannedCostUsd: new Map() };
  }
}
