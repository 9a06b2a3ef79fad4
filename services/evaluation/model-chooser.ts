/**
 * A candidate router MODEL as `eval --from-log` estimates it: each logged request's prompt is
 * replayed through the candidate model (its features, its profiles' predictions, the task tier's
 * prior and the model's corrections on the row's segment, as Decide computes them), the logged eligible candidates keep their expected cost and
 * latency, and the policy's ranking (log-estimate.ts policyChooser) picks among them. The
 * candidate's predictions are also the doubly robust estimate's value model.
 *
 * A decision logged without prompt text (prompt logging off) cannot be replayed: the chooser
 * throws, naming the decision.
 */
import type { NormalizedRequest } from '../router/decide/validate-request.js';
import { readTask } from '../router/core/task-family.js';
import type { ScoringSource } from '../router/decide/decide.js';
import { correctedQuality } from '../router/model/segment-corrections.js';
import { applyTierPrior } from '../router/model/task-prior.js';
import type { Catalog } from '../shared/catalog.js';
import { policyChooser, type CandidateChooser, type CandidatePolicy } from './log-estimate.js';
import type { LoggedRow } from './logged-traffic.js';

export class NoPromptError extends Error {}

export interface ModelCandidate {
  choose: CandidateChooser;
  /** The candidate model's predicted quality of each logged eligible candidate. */
  predict(row: LoggedRow): Readonly<Record<string, number>>;
}

export function modelChooser(scoring: Pick<ScoringSource, 'run' | 'corrections'>, catalog: Catalog, policy: CandidatePolicy): ModelCandidate {
  const rank = policyChooser(policy);
  const replayed = new WeakMap<LoggedRow, LoggedRow>();
  const replay = (row: LoggedRow): LoggedRow => {
    const seen = replayed.get(row);
    if (seen) return seen;
    if (row.prompt === '') throw new NoPromptError(`decision ${row.decisionId} carries no prompt text (router.prompt_logging was off), so a router model cannot be replayed on it`);
    const core = scoring.run(row.prompt);
    const { tier } = readTask({ qualityText: row.prompt, messages: [{ role: 'user', content: [{ type: 'text', text: row.prompt }] }], responseFormat: { type: 'text' }, tools: [] } as unknown as NormalizedRequest);
    const corrections = scoring.corrections?.(row.segment);
    const candidates = row.candidates.map((c) => {
      const i = catalog.get(c.model)?.index;
      return i === undefined ? c : { ...c, predictedQuality: correctedQuality(applyTierPrior(core.quality[i]!, tier), corrections?.[i] ?? 0) };
    });
    const out = { ...row, candidates };
    replayed.set(row, out);
    return out;
  };
  return {
    choose: (row) => rank(replay(row)),
    predict: (row) => Object.fromEntries(replay(row).candidates.map((c) => [c.model, c.predictedQuality])),
  };
}
