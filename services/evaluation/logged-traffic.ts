/**
 * Past traffic as `eval --from-log` and `train --from-log` read it: one row per decision with
 * what the router knew (each eligible candidate's predicted quality, expected cost and latency,
 * and the probability it was chosen with), what happened (the answering model, its tokens and
 * cost) and how good the answer was (feedback and shadow grades mapped onto quality).
 *
 * Sources:
 *   - a directory: the local decision log's segment files (router/record/file-record-store.ts);
 *   - a JSONL file of decision views (`switchyard decisions tail --json`, one `{"record": ...}`
 *     a line) or of `switchyard decisions export` lines (routing data with `chosen`,
 *     `propensities` and `candidates`).
 * Feedback becomes quality through the metrics the configuration declares a `quality` mapping
 * for (feedback.metrics[].quality): each metric's mean on the decision, mapped from [min, max]
 * onto [0, 1] (flipped when lower is better), then the weighted mean over the metrics present.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DecisionView__Output } from '../generated/switchyard/v1/DecisionView.js';
import { ViewFolder, segmentOf } from '../router/record/decision-views.js';
import { frames } from '../router/record/file-record-store.js';
import { decodeEntry } from '../router/record/record-codec.js';
import type { FeedbackMetricConfig } from '../shared/config/schema.js';
import type { GradedAnswer } from '../train/log-training-data.js';
import type { RoutingDataLine } from '../train/routing-data-from-decisions.js';
import { recordSegment, trafficFeatures } from './record-signals.js';
import { countFeatures, type TrafficCounts } from './traffic-mix.js';

export interface LoggedCandidate {
  model: string;
  predictedQuality: number;
  costUsd: number;
  latencyMs: number;
}

export interface LoggedRow {
  decisionId: string;
  /** The prompt hash: decisions on one prompt share it. */
  id: string;
  /** The last user message; empty without prompt logging. */
  prompt: string;
  segment: string;
  policy: string;
  /** The model the router chose, and the one whose answer came back ('' when none did). */
  chosen: string;
  answered: string;
  /** The probability each eligible model had of being chosen (0 for most when the choice was deterministic). */
  propensities: Record<string, number>;
  /** Eligible candidates only, as the router saw them. */
  candidates: LoggedCandidate[];
  /** Quality of the answer from feedback, when a quality metric was given. */
  quality?: number;
  inputTokens: number;
  outputTokens: number;
  /** What the answering call cost. */
  costUsd: number;
  /** The traffic features the drift monitor reads of the decision (record-signals.ts); absent on export lines, which do not carry them. */
  traffic?: Record<string, string>;
}

export interface QualityMetric {
  name: string;
  min: number;
  max: number;
  lowerIsBetter: boolean;
  weight: number;
}

/** The metrics a configuration declares as quality grades. */
export function qualityMetricsOf(metrics: readonly FeedbackMetricConfig[]): QualityMetric[] {
  return metrics.flatMap((m) => (m.quality ? [{ name: m.name, min: m.quality.min, max: m.quality.max, lowerIsBetter: m.better === 'lower', weight: m.quality.weight }] : []));
}

/** The weighted mean of the mapped quality metrics present in `feedback` (metric → mean value), or undefined. */
export function qualityOf(feedback: Readonly<Record<string, number>>, metrics: readonly QualityMetric[]): number | undefined {
  let sum = 0;
  let weight = 0;
  for (const m of metrics) {
    const v = feedback[m.name];
    if (v === undefined) continue;
    const scaled = Math.min(1, Math.max(0, (v - m.min) / (m.max - m.min)));
    sum += m.weight * (m.lowerIsBetter ? 1 - scaled : scaled);
    weight += m.weight;
  }
  return weight > 0 ? sum / weight : undefined;
}

export class LogReadError extends Error {}

/** One row from a decision view (a record with its feedback and reported outcome). */
export function rowFromView(v: DecisionView__Output, metrics: readonly QualityMetric[]): LoggedRow {
  const r = v.record!;
  const sums: Record<string, { s: number; n: number }> = {};
  for (const f of v.feedback) {
    const e = sums[f.metric] ?? { s: 0, n: 0 };
    e.s += f.value;
    e.n++;
    sums[f.metric] = e;
  }
  const feedback = Object.fromEntries(Object.entries(sums).map(([k, e]) => [k, e.s / e.n]));
  let answered = '';
  let inputTokens = 0;
  let outputTokens = 0;
  let costUsd = 0;
  const o = r.outcome;
  if (o?.answeredModel) {
    answered = o.answeredModel;
    const a = [...o.attempts].reverse().find((x) => x.model === answered && x.status === 'success');
    inputTokens = a?.usage?.inputTokens ?? 0;
    outputTokens = a?.usage?.outputTokens ?? 0;
    costUsd = a?.costUsd ?? o.costUsd;
  } else if (v.reportedOutcome && !v.reportedOutcome.errorCode) {
    answered = v.reportedOutcome.model;
    inputTokens = v.reportedOutcome.usage?.inputTokens ?? 0;
    outputTokens = v.reportedOutcome.usage?.outputTokens ?? 0;
    costUsd = v.reportedOutcome.costUsd;
  }
  const eligible = r.candidates.filter((c) => c.eligible);
  const quality = qualityOf(feedback, metrics);
  return {
    decisionId: r.decisionId,
    id: r.promptHash,
    prompt: [...r.prompt].reverse().find((m) => m.role === 'ROLE_USER')?.text ?? '',
    segment: segmentOf(r),
    policy: r.policy,
    chosen: r.model,
    answered,
    propensities: Object.fromEntries(eligible.map((c) => [c.model, c.choiceProbability])),
    candidates: eligible.map((c) => ({ model: c.model, predictedQuality: c.predictedQuality, costUsd: c.estimatedCostUsd, latencyMs: c.estimatedLatencyMs })),
    ...(quality !== undefined ? { quality } : {}),
    inputTokens,
    outputTokens,
    costUsd,
    traffic: trafficFeatures(r, recordSegment(r)),
  };
}

/**
 * The traffic of the rows as the drift monitor counts it (feature → bin → decisions): what a
 * router model trained on them records as its training traffic (header training.traffic).
 * Undefined when a row does not carry its features (export lines): counts of part of the
 * traffic would misstate its mix.
 */
export function trafficOfRows(rows: readonly LoggedRow[]): TrafficCounts | undefined {
  if (rows.length === 0) return undefined;
  const counts: TrafficCounts = {};
  for (const r of rows) {
    if (!r.traffic) return undefined;
    countFeatures(counts, r.traffic);
  }
  return counts;
}

/** One row from an export line (services/train/routing-data-from-decisions.ts). */
function rowFromExport(x: Partial<RoutingDataLine>, where: string, metrics: readonly QualityMetric[]): LoggedRow {
  const need = (ok: boolean, field: string, what: string) => {
    if (!ok) throw new LogReadError(`${where}: ${field} ${what}`);
  };
  const chosen = x.chosen ?? '';
  need(typeof chosen === 'string' && chosen !== '', 'chosen', 'must name the chosen model (export it with this version of `switchyard decisions export`)');
  need(typeof x.propensities === 'object' && x.propensities !== null, 'propensities', 'must be an object of model to probability');
  need(typeof x.outcomes === 'object' && x.outcomes !== null, 'outcomes', 'must be an object of model to outcome');
  const [answered, outcome] = Object.entries(x.outcomes ?? {})[0] ?? ['', undefined];
  const fromFeedback = metrics.length > 0 && x.feedback ? qualityOf(x.feedback, metrics) : undefined;
  const quality = fromFeedback ?? outcome?.quality;
  const candidates = Object.entries(x.candidates ?? {}).map(([model, c]) => ({
    model,
    predictedQuality: Number(c.predicted_quality),
    costUsd: Number(c.estimated_cost_usd),
    latencyMs: Number(c.estimated_latency_ms ?? 0),
  }));
  return {
    decisionId: String(x.decision_id ?? ''),
    id: String(x.id ?? ''),
    prompt: String(x.prompt ?? ''),
    segment: String(x.segment ?? 'default'),
    policy: String(x.policy ?? ''),
    chosen,
    answered,
    propensities: x.propensities ?? {},
    candidates,
    ...(typeof quality === 'number' ? { quality } : {}),
    inputTokens: outcome?.input_tokens ?? 0,
    outputTokens: outcome?.output_tokens ?? 0,
    costUsd: outcome?.cost_usd ?? 0,
  };
}

/** Rows from a JSONL file's text; `name` is how errors refer to it. */
export function parseLogJsonl(text: string, name: string, metrics: readonly QualityMetric[]): LoggedRow[] {
  const rows: LoggedRow[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${name}:${i + 1}`;
    let x: Partial<RoutingDataLine> & { record?: unknown };
    try {
      x = JSON.parse(line);
    } catch (e) {
      throw new LogReadError(`${where}: line is not valid JSON (${(e as Error).message})`);
    }
    if (x.record && typeof x.record === 'object') rows.push(rowFromView({ feedback: [], reportedOutcome: null, ...x } as unknown as DecisionView__Output, metrics));
    else if (x.outcomes) rows.push(rowFromExport(x, where, metrics));
    else throw new LogReadError(`${where}: neither a decision view ({"record": ...}) nor an export line ({"outcomes": ...})`);
  });
  return rows;
}

/** Every decision of a log directory (segment files) or JSONL file, oldest first. */
export async function readLoggedTraffic(path: string, metrics: readonly QualityMetric[]): Promise<LoggedRow[]> {
  const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new LogReadError(`${path}: cannot read (${e.code ?? e.message})`);
  });
  if (!info.isDirectory()) return parseLogJsonl(await readFile(path, 'utf8'), path, metrics);
  const names = (await readdir(path)).filter((n) => /^seg-\d{13}-\d+-\d+\.log$/.test(n)).sort();
  if (names.length === 0) throw new LogReadError(`${path}: no decision-log segments (seg-*.log) here`);
  const folder = new ViewFolder();
  for (const n of names) {
    for (const payload of frames(await readFile(join(path, n)))) {
      const e = decodeEntry(payload);
      if (e) folder.add(e);
    }
  }
  return folder.views().reverse().map((v) => rowFromView(v, metrics));
}

/** The graded answers of the rows (an answer and a quality), as training reads them (train/log-training-data.ts). */
export function gradedAnswers(rows: readonly LoggedRow[]): GradedAnswer[] {
  return rows.flatMap((r) =>
    r.answered !== '' && r.quality !== undefined
      ? [
          {
            id: r.id,
            prompt: r.prompt,
            segment: r.segment,
            model: r.answered,
            quality: r.quality,
            ...predictedFor(r),
            ...(r.propensities[r.answered] !== undefined ? { propensity: r.propensities[r.answered] } : {}),
            inputTokens: r.inputTokens,
            outputTokens: r.outputTokens,
            costUsd: r.costUsd,
          },
        ]
      : [],
  );
}

function predictedFor(r: LoggedRow): { predicted?: number } {
  const c = r.candidates.find((x) => x.model === r.answered);
  return c ? { predicted: c.predictedQuality } : {};
}
