/** The decision's reason, in words a person reads in a log or a table. */
import type { Candidate__Output as Candidate } from '../../generated/switchyard/v1/Candidate.js';
import type { Plan, Ranked } from './plan.js';
import type { TaskRead } from '../core/task-family.js';
import { costFraction, describeOperatingPoint } from '../policy/operating-point.js';

export interface ExplainInput {
  chosen: Ranked;
  ranked: readonly Ranked[];
  candidates: readonly Candidate[];
  policyName: string;
  knob: number;
  /** The policy's quality margin (policy/operating-point.ts). */
  margin: number;
  task: TaskRead;
  /** Models whose predicted quality comes from a prior rather than routing data. */
  priorModels: ReadonlySet<string>;
  pinnedBy?: string | undefined;
  pinNote?: string | undefined;
  /** The request asked for the chosen model. */
  requested?: boolean;
  plan: Plan;
  /** How exploration chose (policy/exploration.ts), when it did. */
  explorationNote?: string;
}

const usd = (x: number) => (x >= 0.01 ? `$${x.toFixed(4)}` : `$${x.toPrecision(2)}`);

export function explain(x: ExplainInput): string {
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
    const priors = [chosen, best].filter((r, i, a) => a.indexOf(r) === i && x.priorModels.has(r.id)).map((r) => r.id);
    if (priors.length > 0) parts.push(`quality of ${priors.join(' and ')} from a prior (public scores), not routing data`);
  }
  if (x.pinNote) parts.push(x.pinNote);
  if (x.explorationNote) parts.push(x.explorationNote);
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
