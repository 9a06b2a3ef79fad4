/**
 * The Decide pipeline: validate → features and quality (core) → rules → hard filters →
 * utility (quality against cost against latency) → chosen model, fallbacks, plan, reason.
 * Synchronous: it reads one snapshot of the routing state and never awaits.
 */
import { randomUUID } from 'node:crypto';
import type { DecideResponse__Output as DecideResponse } from '../../generated/switchyard/v1/DecideResponse.js';
import type { Candidate__Output as Candidate } from '../../generated/switchyard/v1/Candidate.js';
import type { Catalog } from '../../shared/catalog.js';
import type { Config, PolicyConfig, StrategyName } from '../../shared/config/schema.js';
import { FailedPreconditionError } from '../../shared/errors.js';
import { SCRIPT_NAMES, type Script } from '../core/feature-spec.js';
import { lambdaForKnob, utility } from '../policy/tradeoff.js';
import { estimateRequest, expectedCostUsd, expectedLatencyMs, type RequestEstimate } from './estimates.js';
import { hardFilter, type ModelStatus } from './hard-filters.js';
import { orderFallbacks, planStrategy, type Plan, type Ranked } from './plan.js';
import { applyRules, ruleExclusion } from './rules.js';
import { validateRequest, type NormalizedRequest, type RouteRequestFields } from './validate-request.js';
import { explain } from './explain.js';
import type { PromptCacheView } from '../cache/prompt-cache.js';

/** What the scoring core gives the pipeline for one prompt. */
export interface CoreResult {
  estimatedTokens: number;
  script: Script;
  /** Predicted quality of each catalog model, by catalog index. */
  quality: ArrayLike<number>;
}

export interface ScoringSource {
  /** Runs the core on `text`; the result is valid until the next call. */
  run(text: string): CoreResult;
  /** Identifies the router model in use. */
  readonly modelVersion: string;
}

export interface DecideContext {
  config: Config;
  catalog: Catalog;
  scoring: ScoringSource;
  /** The current routing-state snapshot: one status per catalog model. */
  status(): readonly ModelStatus[];
  /** Prompt-cache state and session stickiness, when the router has them. */
  promptCache?: PromptCacheView;
}

export interface Decision {
  response: DecideResponse;
  request: NormalizedRequest;
  estimate: RequestEstimate;
  policy: PolicyConfig;
  plan: Plan;
}

/** No catalog model is eligible; `onlyUnavailable` when every one was excluded only for being unavailable (a retry may help). */
export class NoEligibleModelError extends FailedPreconditionError {
  constructor(
    message: string,
    readonly onlyUnavailable: boolean,
    /** The request field at fault, when one is (the model it asked for). */
    readonly field?: string,
  ) {
    super(message);
  }
}

const STRATEGY_ENUM = { single: 'STRATEGY_SINGLE', cascade: 'STRATEGY_CASCADE', speculative: 'STRATEGY_SPECULATIVE' } as const;

export class Decider {
  private readonly policies: ReadonlySet<string>;

  constructor(private readonly ctx: DecideContext) {
    this.policies = new Set(Object.keys(ctx.config.policies));
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
    const core = this.ctx.scoring.run(req.qualityText);

    // Rules see the prompt size, so estimate with the default policy's output assumption
    // first; a rule may switch the policy, which only changes the expected output length.
    const defaultPolicyName = req.policy || config.router.default_policy;
    const preRules = estimateRequest(req, core.estimatedTokens, config.router.default_max_output_tokens, config.policies[defaultPolicyName]!.expected_output_tokens);
    const rules = applyRules(config.rules, req, preRules.inputTokens);
    const policyName = req.policy || rules.policy || config.router.default_policy;
    const policy = config.policies[policyName]!;
    const estimate = policyName === defaultPolicyName ? preRules : estimateRequest(req, core.estimatedTokens, config.router.default_max_output_tokens, policy.expected_output_tokens);
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
    for (const m of catalog.models) {
      const s = status[m.index] ?? { available: true };
      const quality = core.quality[m.index]!;
      const cost = expectedCostUsd(m, estimate, prefixes ? cache!.cachedTokens(m.id, prefixes) : 0);
      const latency = expectedLatencyMs(m, estimate, s.ttftMs);
      const excluded = hardFilter(m, s, filterInput) ?? ruleExclusion(rules, m.id);
      const score = excluded ? 0 : utility(quality, cost, latency / 1000, lambda, policy.latency_weight);
      candidates.push({
        model: m.id,
        provider: m.provider,
        eligible: excluded === null,
        excludedReason: excluded ?? '',
        predictedQuality: quality,
        estimatedCostUsd: cost,
        estimatedLatencyMs: latency,
        score,
        rank: 0,
      });
      if (!excluded) ranked.push({ id: m.id, provider: m.provider, quality, costUsd: cost, utility: score });
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
    ranked.sort((a, b) => b.utility - a.utility || a.costUsd - b.costUsd);

    if (req.model) ranked.unshift(...ranked.splice(ranked.findIndex((r) => r.id === req.model), 1));
    const pin = req.model ? undefined : rules.pin;
    if (cache && prefixes && !pin && !req.model) {
      // Session stickiness: keep the session's model unless another is better by the margin.
      const sticky = cache.stickyModel(req, prefixes);
      const i = sticky === undefined ? -1 : ranked.findIndex((r) => r.id === sticky);
      if (i > 0 && ranked[0]!.utility - ranked[i]!.utility <= cache.stickinessMargin) ranked.unshift(...ranked.splice(i, 1));
    }
    let pinNote: string | undefined;
    if (pin) {
      const i = ranked.findIndex((r) => r.id === pin.model);
      if (i > 0) ranked.unshift(...ranked.splice(i, 1));
      else if (i < 0) {
        const c = candidates.find((c) => c.model === pin.model)!;
        pinNote = `rule ${pin.rule} pins ${pin.model}, but it is excluded (${c.excludedReason}); chose by policy instead`;
      }
    }
    const fallbacks = orderFallbacks(ranked, policy.max_fallbacks);
    const plan = planStrategy(strategy, ranked, fallbacks, policy);
    const rank = new Map<string, number>([ranked[0]!, ...fallbacks].map((r, i) => [r.id, i + 1]));
    for (const c of candidates) c.rank = rank.get(c.model!) ?? 0;
    candidates.sort((a, b) => (a.rank || 1e9) - (b.rank || 1e9) || Number(b.eligible) - Number(a.eligible) || (b.score as number) - (a.score as number));

    const chosen = ranked[0]!;
    if (cache && prefixes) cache.remember(req, prefixes, chosen.id);
    const reason = explain({
      chosen,
      ranked,
      candidates,
      policyName,
      knob,
      pinnedBy: pin && pin.model === chosen.id ? pin.rule : undefined,
      requested: req.model === chosen.id,
      pinNote,
      plan,
    });
    const response: DecideResponse = {
      decisionId: randomUUID(),
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
    return { response, request: req, estimate, policy, plan };
  }
}
