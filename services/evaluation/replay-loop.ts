/**
 * The learning loop on replayed outcomes, without a provider: the real Decider (catalog, router
 * model, policies, exploration) routes prompts of a routing data set; the replay simulator
 * (executor/simulator/replay.ts) supplies the chosen model's recorded answer, quality and cost,
 * with its injected faults; each decision becomes a decision record (through the record
 * builder and the stored wire format), with the client's reported outcome and the graded
 * quality as feedback (metric `replay_quality`), read back as `eval --from-log` and
 * `train --from-log` read a log. Tests and the learning benchmark drive it with seeded sources.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { DecideRequest__Output } from '../generated/switchyard/v1/DecideRequest.js';
import type { DecisionView__Output } from '../generated/switchyard/v1/DecisionView.js';
import { Decider } from '../router/decide/decide.js';
import { encodeRouterModel, type RouterModel } from '../router/model/router-model-file.js';
import { ModelStore } from '../router/model/model-store.js';
import { RecordBuilder } from '../router/record/build-record.js';
import { decodeEntry, encodeEntry } from '../router/record/record-codec.js';
import { RoutingState } from '../router/state/routing-state.js';
import { Catalog } from '../shared/catalog.js';
import { parseConfig } from '../shared/config/load-config.js';
import type { Config } from '../shared/config/schema.js';
import { createLogger } from '../shared/log.js';
import type { RoutingPrompt } from '../shared/routing-data.js';
import { qualityMetricsOf, rowFromView, type LoggedRow } from './logged-traffic.js';

/** A catalog model served from the data: its catalog id, the data's model id, list prices per million tokens. */
export interface PoolModel {
  id: string;
  dataId: string;
  provider: string;
  input: number;
  output: number;
}

export const REPLAY_METRIC = 'replay_quality';

/** What answers a model's call: the replay simulator (executor/simulator/replay.ts ReplayPlayer) in tests and benchmarks. */
export interface AnswerSource {
  answer(model: string, prompt: string): { quality: number } | undefined;
  /** The mean of what `answer` can grade, when the source knows it (the replay simulator does). */
  expected?(model: string, prompt: string): number | undefined;
}

/** A configuration whose catalog is the pool, each model predicted by the profile of its data id. */
export function replayConfig(pool: readonly PoolModel[], policies: Record<string, Record<string, unknown>>, defaultPolicy: string): Config {
  return parseConfig(replayConfigYaml(pool, policies, defaultPolicy), 'replay configuration');
}

/** replayConfig's configuration as a YAML file holds it. */
export function replayConfigYaml(pool: readonly PoolModel[], policies: Record<string, Record<string, unknown>>, defaultPolicy: string): string {
  const raw = {
    router: { default_policy: defaultPolicy, prompt_logging: true, wasm: false },
    feedback: { metrics: [{ name: REPLAY_METRIC, type: 'float', quality: { min: 0, max: 1 } }] },
    policies,
    models: pool.map((m) => ({
      id: m.id,
      provider: m.provider,
      quality: { profile: m.dataId },
      prices: { input: m.input, output: m.output },
      context_window: 128000,
      max_output_tokens: 4096,
      latency: { ttft_ms: 500, output_tokens_per_second: 80 },
      deployments: [{ name: m.provider, base_url: 'http://127.0.0.1:9', api_key_env: 'REPLAY_UNUSED_KEY', region: 'us' }],
    })),
  };
  return stringify(raw);
}

function request(p: RoutingPrompt, policy: string): DecideRequest__Output {
  return {
    messages: [{ role: 'ROLE_USER', content: [{ text: p.prompt, part: 'text' }], toolCalls: [], toolCallId: '', name: '' }],
    tools: [],
    responseFormat: null,
    maxOutputTokens: 0,
    requirements: { capabilities: [], minContextTokens: 0, regions: [], languages: [], allowModels: [], denyModels: [], pinModel: '' },
    preferences: null,
    policy,
    model: '',
    labels: { tenant: '', userTier: '', task: p.segment, session: '', extra: {} },
    strategy: 'STRATEGY_UNSPECIFIED',
  } as unknown as DecideRequest__Output;
}

export interface ServedTraffic {
  rows: LoggedRow[];
  /** The views as a log file holds them (`decisions tail --json` lines). */
  views: DecisionView__Output[];
  /** Mean graded quality of the answers. */
  quality: number;
  /**
   * Mean expected quality of the chosen answers (AnswerSource.expected; the graded one where the
   * source has no expectation): the same choices without the grades' draws.
   */
  expectedQuality: number;
  costUsd: number;
  /** Requests per model, and per segment and model. */
  calls: Record<string, number>;
  bySegment: Record<string, Record<string, number>>;
}

export class ReplayLoop {
  private readonly builder: RecordBuilder;
  private readonly dataId: ReadonlyMap<string, string>;

  private constructor(
    readonly config: Config,
    readonly catalog: Catalog,
    readonly scoring: ModelStore,
    private readonly player: AnswerSource,
  ) {
    this.builder = new RecordBuilder(config, catalog);
    this.dataId = new Map(config.models.map((m) => [m.id, 'profile' in m.quality ? m.quality.profile : m.id]));
  }

  /** A loop over `model` (written to `dir`, which the caller owns) with the pool's configuration. */
  static async open(config: Config, model: RouterModel, player: AnswerSource, dir: string, name = 'router-model.syrm'): Promise<ReplayLoop> {
    const file = join(dir, name);
    writeFileSync(file, encodeRouterModel(model));
    const catalog = new Catalog(config, {}, { credentialsElsewhere: true });
    const scoring = await ModelStore.open({ file, catalog, wasm: false, log: createLogger('replay', { SWITCHYARD_LOG_LEVEL: 'error' }, () => {}) });
    return new ReplayLoop(config, catalog, scoring, player);
  }

  close(): void {
    this.scoring.close();
  }

  /** Routes `prompts` in order with `policy`; `random` feeds exploration. */
  serve(prompts: readonly RoutingPrompt[], policy: string, random: () => number = () => 0.5): ServedTraffic {
    const state = new RoutingState(this.catalog);
    const decider = new Decider({ config: this.config, catalog: this.catalog, scoring: this.scoring, status: state.current, random });
    const metrics = qualityMetricsOf(this.config.feedback.metrics);
    const out: ServedTraffic = { rows: [], views: [], quality: 0, expectedQuality: 0, costUsd: 0, calls: {}, bySegment: {} };
    let t = 0;
    for (const p of prompts) {
      const decision = decider.decide(request(p, policy));
      const model = decision.response.model;
      const answer = this.player.answer(model, p.prompt);
      const outcome = p.outcomes[this.dataId.get(model) ?? model];
      if (answer === undefined || outcome === undefined) throw new RangeError(`replay: ${model} has no recorded outcome for prompt ${p.id}`);
      const record = decodeEntry(encodeEntry({ record: this.builder.build({ source: 'decide', decision, timeUnixMs: t++ }) }))!.record!;
      const view: DecisionView__Output = {
        record,
        feedback: [{ decisionId: record.decisionId, episodeId: '', metric: REPLAY_METRIC, value: answer.quality, comment: '', idempotencyKey: '', timeUnixMs: t }],
        reportedOutcome: {
          decisionId: record.decisionId,
          model,
          usage: { inputTokens: outcome.input_tokens, outputTokens: outcome.output_tokens, cachedInputTokens: 0, cacheWriteTokens: 0 },
          latencyMs: 0,
          errorCode: '',
          responseModel: model,
          finishReason: 'FINISH_REASON_STOP',
          timeUnixMs: t,
          costUsd: outcome.cost_usd,
        },
      };
      out.views.push(view);
      out.rows.push(rowFromView(view, metrics));
      out.quality += answer.quality;
      out.expectedQuality += this.player.expected?.(model, p.prompt) ?? answer.quality;
      out.costUsd += outcome.cost_usd;
      out.calls[model] = (out.calls[model] ?? 0) + 1;
      const seg = out.bySegment[p.segment] ?? {};
      seg[model] = (seg[model] ?? 0) + 1;
      out.bySegment[p.segment] = seg;
    }
    out.quality /= Math.max(1, prompts.length);
    out.expectedQuality /= Math.max(1, prompts.length);
    out.costUsd /= Math.max(1, prompts.length);
    return out;
  }
}
