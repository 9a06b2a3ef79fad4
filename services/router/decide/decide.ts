/**
 * The Decide pipeline: validate → features and quality (core) → rules → hard filters →
 * utility (quality against cost against latency) → chosen model, fallbacks, plan, reason.
 * Synchronous: it reads one snapshot of the routing state and never awaits.
 */
import type { DecideResponse__Output as DecideResponse } from '../../generated/switchyard/v1/DecideResponse.js';
import type { Catalog } from '../../shared/catalog.js';
import type { Config, PolicyConfig, StrategyName } from '../../shared/config/schema.js';
import { FailedPreconditionError } from '../../shared/errors.js';
import { SCRIPT_NAMES, type Script } from '../core/feature-spec.js';
import { lambdaForKnob, utility } from '../policy/tradeoff.js';
import { rankingQuality, withinMargin } from '../policy/operating-point.js';
import { describeExploration, explore, type Explorable } from '../policy/exploration.js';
import { readTask } from '../core/task-family.js';
import { TIER_PRIORS, type TierPrior } from '../model/task-prior.js';
import { correctedQuality } from '../model/segment-corrections.js';
import { expectedOutputTokens } from '../model/output-length.js';
import { costOf, estimateRequest, latencyOf, type RequestEstimate } from './estimates.js';
import { newDecisionId } from './decision-id.js';
import { hardFilter, onlyCommonFilters, scriptNeedsLanguages, type ModelStatus } from './hard-filters.js';
import { fallbackIndices, planStrategy, type Plan, type Ranked } from './plan.js';
import { ModelScores, RankedModels } from './ranking.js';
import { bestExplained, candidateRows, DEFAULT_EXPLAIN_TOP_K, excludedByFilter } from './candidate-rows.js';
import { applyRules, ruleExclusion, type RuleOutcome } from './rules.js';
import { validateRequest, type NormalizedRequest, type RouteRequestFields } from './validate-request.js';
import { explain, priorNotes } from './explain.js';
import type { PromptCacheView } from '../cache/prompt-cache.js';
import type { MetricsRecorder, ReasonKind } from '../../shared/metrics/metrics-recorder.js';
import { segmentKey } from '../../shared/segment.js';

/** What Decide reads of the scoring core's result for one prompt (core/scoring-core.ts CoreResult has more). */
export interface PromptScores {
  estimatedTokens: number;
  script: Script;
  /** Predicted quality of each catalog model, by catalog index, after the prior `run` was given. */
  quality: ArrayLike<number>;
}

export interface ScoringSource {
  /** Runs the core on `text` with a task tier's prior (core/scoring-core.ts); the result is valid until the next call. */
  run(text: string, prior?: TierPrior): PromptScores;
  /** Identifies the router model in use. */
  readonly modelVersion: string;
  /**
   * Each catalog model's logit offset on a segment (router/model/segment-corrections.ts), by
   * catalog index, or undefined where the model corrects nothing there.
   */
  corrections?(segment: string): ArrayLike<number> | undefined;
}

export interface DecideContext {
  config: Config;
  catalog: Catalog;
  scoring: ScoringSource;
  /** The current routing-state snapshot: one status per catalog model. */
  status(): readonly ModelStatus[];
  /** Prompt-cache state and session stickiness, when the router has them. */
  promptCache?: PromptCacheView;
  /** Counts every decision (Decide's and Execute's alike). */
  metrics?: MetricsRecorder;
  /** Uniform draws in [0, 1) for exploration (default Math.random); tests inject a seeded one. */
  random?: () => number;
}

export interface Decision {
  response: DecideResponse;
  request: NormalizedRequest;
  estimate: RequestEstimate;
  policy: PolicyConfig;
  plan: Plan;
  /** What decided the choice, as one of a few fixed kinds (metrics, records). */
  reasonKind: ReasonKind;
  /** With exploration: each near-best model's probability of being chosen; absent: the choice was deterministic. */
  propensities?: ReadonlyMap<string, number>;
  /** The eligible model of highest predicted quality (the dearer on a tie): savings are counted against it. */
  mostCapable: string;
  /** How many catalog models were eligible (the response may explain only some of them). */
  eligibleCount: number;
  /**
   * Expected cost (USD) of each model the plan or the fallbacks name, whichever of them answers:
   * always present, where the response's candidate rows may leave a model out (explain_top_k).
   */
  plannedCostUsd: ReadonlyMap<string, number>;
}

/** The hard pin in force: the request's pin_model first, else a rule's pin_hard. */
function hardPin(req: NormalizedRequest, rules: RuleOutcome): { model: string; by: string; fallbacks: boolean } | undefined {
  if (req.pinModel) return { model: req.pinModel, by: 'requirements.pin_model', fallbacks: false };
  if (rules.pin?.hard) return { model: rules.pin.model, by: `rule ${rules.pin.rule}`, fallbacks: rules.pin.fallbacks };
  return undefined;
}

/**
 * The eligible models predicted better than the first ranked one, in ranking order: all that a
 * multi-model plan reads of the ranking (planStrategy), without ranking every eligible model.
 */
function betterThanFirst(s: ModelScores, ranked: RankedModels): number[] {
  const first = s.quality[ranked.at(0)]!;
  const better: number[] = [];
  for (let e = 0; e < s.eligibleCount; e++) {
    const i = s.eligible[e]!;
    if (s.quality[i]! > first) better.push(i);
  }
  return better.sort((a, b) => ranked.compare(a, b));
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

const AVAILABLE: ModelStatus = { available: true };

const STRATEGY_ENUM = { single: 'STRATEGY_SINGLE', cascade: 'STRATEGY_CASCADE', speculative: 'STRATEGY_SPECULATIVE' } as const;

export class Decider {
  private readonly policies: ReadonlySet<string>;
  /** Catalog models whose quality comes from a prior (public scores), not from routing data, with the reason's note on each. */
  private readonly priorModels: ReadonlyMap<string, string>;
  /** Per-model figures of the decision in progress, reused by every decision. */
  private readonly scores: ModelScores;

  constructor(private readonly ctx: DecideContext) {
    this.scores = new ModelScores(ctx.catalog.models);
    this.policies = new Set(Object.keys(ctx.config.policies));
    this.priorModels = priorNotes(ctx.catalog.models);
  }

  decide(raw: RouteRequestFields): Decision {
    // performance.now() (ms, with sub-µs resolution) rather than hrtime.bigint(), which allocates a BigInt per reading.
    const started = performance.now();
    const { config, catalog } = this.ctx;
    const req = validateRequest(raw, {
      maxMessages: config.server.max_messages,
      maxRequestBytes: config.server.max_request_bytes,
      policies: this.policies,
      catalog,
    });
    const task = readTask(req);
    // The core applies the task tier's prior (model/task-prior.ts) as it scores.
    const core = this.ctx.scoring.run(req.qualityText, TIER_PRIORS[task.tier]);
    const script = SCRIPT_NAMES[core.script] ?? 'other';
    // The record's segment: what the model's corrections are kept by.
    const corrections = this.ctx.scoring.corrections?.(segmentKey(req.labels.task, script));
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
    const s = this.scores;
    const models = catalog.models;
    const filterInput = { req, estimate, script: core.script };
    const cache = this.ctx.promptCache;
    const prefixes = cache?.prefixes(req);
    const held = prefixes !== undefined && prefixes.boundaries.length > 0;
    // One pass over the catalog into the per-model arrays: no object per model, and the
    // catalog's figures read from typed arrays (estimates.ts's formulas).
    const f = s.figures;
    const { inputTokens, expectedOutputTokens: outputTokens, maxOutputTokens } = estimate;
    const common = onlyCommonFilters(filterInput);
    const languagesMatter = scriptNeedsLanguages(core.script);
    const noRules = rules.excluded.size === 0 && !rules.restrict;
    let best = 0;
    let eligible = 0;
    let mostCapable = -1;
    for (let i = 0; i < models.length; i++) {
      const m = models[i]!;
      const st = status[i] ?? AVAILABLE;
      const quality = corrections === undefined ? core.quality[i]! : correctedQuality(core.quality[i]!, corrections[i]!);
      const cached = held ? cache!.cachedTokens(m.id, prefixes) : 0;
      const cost = costOf(inputTokens, cached, outputTokens, f.inputPrice[i]!, f.cachedInputPrice[i]!, f.outputPrice[i]!);
      s.quality[i] = quality;
      s.cost[i] = cost;
      s.latency[i] = latencyOf(st.ttftMs ?? f.ttftMs[i]!, outputTokens, f.outputTokensPerSecond[i]!);
      s.utility[i] = 0;
      const window = f.contextWindow[i]!;
      const passes =
        common &&
        st.available &&
        inputTokens + Math.min(maxOutputTokens, f.maxOutputTokens[i]!) <= window &&
        req.minContextTokens <= window &&
        (!languagesMatter || f.listsLanguages[i] === 0);
      const excluded = passes ? (noRules ? null : ruleExclusion(rules, m.id)) : (hardFilter(m, st, filterInput) ?? ruleExclusion(rules, m.id));
      s.excluded[i] = excluded;
      if (excluded === null) {
        s.eligible[eligible++] = i;
        if (quality > best) best = quality;
        if (mostCapable < 0 || quality > s.quality[mostCapable]! || (quality === s.quality[mostCapable]! && cost > s.cost[mostCapable]!)) mostCapable = i;
      }
    }
    s.eligibleCount = eligible;
    // Utility once the best eligible quality is known: the policy's margin is relative to it.
    for (let e = 0; e < eligible; e++) {
      const i = s.eligible[e]!;
      const q = s.quality[i]!;
      s.utility[i] = utility(rankingQuality(q, best, margin), s.cost[i]!, s.latency[i]! / 1000, lambda, policy.latency_weight);
      s.below[i] = withinMargin(q, best, margin) ? 0 : 1;
    }
    const indexOf = (id: string) => catalog.get(id)?.index ?? -1;
    if (req.model && s.excluded[indexOf(req.model)] !== null) {
      const reason = s.excluded[indexOf(req.model)]!;
      throw new NoEligibleModelError(`model: ${req.model} cannot serve this request: ${reason}`, reason.startsWith('unavailable:'), 'model');
    }
    if (eligible === 0) {
      const reasons = models.map((m, i) => `${m.id}: ${s.excluded[i]}`).join('; ');
      const onlyUnavailable = s.excluded.every((r) => r!.startsWith('unavailable:'));
      throw new NoEligibleModelError(
        onlyUnavailable ? `no model is available to serve requests now (the server is up, but every model is unavailable): ${reasons}` : `no model meets the request's requirements: ${reasons}`,
        onlyUnavailable,
      );
    }
    const ranked = new RankedModels(s);

    // A catalog model the request asks for goes first; the policy orders the rest behind it.
    if (req.model) ranked.moveToFront(indexOf(req.model));
    const softPin = req.model ? undefined : rules.pin;
    let keptSession = false;
    let sessionBest = -1;
    if (cache && prefixes && !rules.pin && !req.pinModel && !req.model) {
      // Session stickiness: keep the session's model unless another is better by the margin.
      // Never below the policy's quality margin: that caps the quality a policy gives up.
      const sticky = cache.stickyModel(prefixes);
      const i = sticky === undefined ? -1 : indexOf(sticky);
      const first = ranked.at(0);
      if (i >= 0 && s.excluded[i] === null && s.below[i] === 0 && i !== first && s.utility[first]! - s.utility[i]! <= cache.stickinessMargin) {
        sessionBest = first;
        ranked.moveToFront(i);
        keptSession = true;
      }
    }
    // Exploration: never for a pin, a model the request names, a kept session or a multi-model strategy.
    const exploring = policy.exploration !== undefined && !rules.pin && !req.pinModel && !req.model && !keptSession && strategy === 'single' ? policy.exploration : undefined;
    let explored: ReturnType<typeof explore> | undefined;
    if (exploring) {
      // The near-best set only: the first ranked models within the utility margin and the quality margin.
      const near: number[] = [ranked.at(0)];
      const top = s.utility[near[0]!]!;
      for (;;) {
        const i = ranked.at(near.length);
        if (i < 0 || top - s.utility[i]! > exploring.utility_margin || s.below[i] !== 0) break;
        near.push(i);
      }
      const set: Explorable[] = near.map((i) => ({ id: models[i]!.id, utility: s.utility[i]! }));
      explored = explore(set, exploring, (this.ctx.random ?? Math.random)());
      if (explored.index > 0) ranked.moveToFront(near[explored.index]!);
    }
    let pinNote: string | undefined;
    const hard = hardPin(req, rules);
    let fallbacks: number[];
    let plan: Plan;
    const objects = new Map<number, Ranked>();
    const toRanked = (i: number): Ranked => {
      let r = objects.get(i);
      if (!r) {
        r = { id: models[i]!.id, provider: models[i]!.provider, quality: s.quality[i]!, costUsd: s.cost[i]!, utility: s.utility[i]! };
        objects.set(i, r);
      }
      return r;
    };
    if (hard) {
      const i = indexOf(hard.model);
      if (s.excluded[i] !== null) {
        throw new FailedPreconditionError(`${hard.by} pins ${hard.model} (a hard pin), but it is excluded: ${s.excluded[i]}`);
      }
      ranked.moveToFront(i);
      fallbacks = hard.fallbacks ? fallbackIndices(ranked, models, policy.max_fallbacks) : [];
      plan = { strategy: 'single', models: [hard.model, ...fallbacks.map((f) => models[f]!.id)], checks: [], hardPin: true };
      if (strategy !== 'single') plan.note = `${hard.by} pins ${hard.model} (a hard pin), so only it answers: the ${strategy} strategy does not apply`;
    } else {
      if (softPin) {
        const i = indexOf(softPin.model);
        if (s.excluded[i] === null) {
          if (i !== ranked.at(0)) ranked.moveToFront(i);
        } else pinNote = `rule ${softPin.rule} pins ${softPin.model}, but it is excluded (${s.excluded[i]}); chose by policy instead`;
      }
      fallbacks = fallbackIndices(ranked, models, policy.max_fallbacks);
      const inOrder = strategy === 'single' ? [ranked.at(0)] : [ranked.at(0), ...betterThanFirst(s, ranked)];
      plan = planStrategy(strategy, inOrder.map(toRanked), fallbacks.map(toRanked), policy);
    }
    const plannedCostUsd = new Map<string, number>();
    for (const id of plan.models) plannedCostUsd.set(id, s.cost[indexOf(id)]!);
    for (const f of fallbacks) plannedCostUsd.set(models[f]!.id, s.cost[f]!);
    const chosenIndex = ranked.at(0);
    const chosen = toRanked(chosenIndex);
    const explained = [chosenIndex, ...fallbacks];
    const candidates = candidateRows(s, explained, req.explainTopK ?? DEFAULT_EXPLAIN_TOP_K);

    const pinnedBy = hard ? hard.by : softPin && softPin.model === chosen.id ? `rule ${softPin.rule}` : undefined;
    const reasonKind: ReasonKind = pinnedBy ? 'rule_pin' : keptSession ? 'session_affinity' : eligible === 1 ? 'only_eligible' : 'best_utility';
    if (cache && prefixes) cache.remember(prefixes, chosen.id);
    const reason = explain({
      chosen,
      best: toRanked(bestExplained(s, ranked)),
      excluded: excludedByFilter(s),
      policyName,
      knob,
      margin,
      task,
      priorModels: this.priorModels,
      pinnedBy,
      requested: req.model === chosen.id,
      pinNote,
      ...(keptSession ? { sessionNote: `kept the session's model: within ${cache!.stickinessMargin} utility of the best-ranked model (${models[sessionBest]!.id})` } : {}),
      plan,
      ...(explored ? { explorationNote: describeExploration(chosen.id, explored, exploring!) } : {}),
    });
    const response: DecideResponse = {
      decisionId: newDecisionId(),
      model: chosen.id,
      fallbacks: fallbacks.map((f) => models[f]!.id),
      candidates,
      reason,
      plan: { strategy: STRATEGY_ENUM[plan.strategy], models: plan.models, checks: plan.checks },
      policy: policyName,
      matchedRules: rules.matched,
      features: { estimatedInputTokens: estimate.inputTokens, script, promptChars: req.qualityText.length },
      routerModel: this.ctx.scoring.modelVersion,
      decisionTimeNs: 0,
    };
    response.decisionTimeNs = Math.max(1, Math.round((performance.now() - started) * 1e6));
    this.ctx.metrics?.decision(chosen.id, policyName, plan.strategy, reasonKind, response.decisionTimeNs / 1e9);
    return { response, request: req, estimate, policy, plan, reasonKind, mostCapable: models[mostCapable]!.id, eligibleCount: eligible, plannedCostUsd, ...(explored ? { propensities: explored.propensities } : {}) };
  }
}
