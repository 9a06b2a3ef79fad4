/** The decision's reason, in words a person reads in a log or a table. */
import type { Candidate__Output as Candidate } from '../../generated/switchyard/v1/Candidate.js';
import type { Plan, Ranked } from './plan.js';

export interface ExplainInput {
  chosen: Ranked;
  ranked: readonly Ranked[];
  candidates: readonly Candidate[];
  policyName: string;
  knob: number;
  pinnedBy?: string | undefined;
  pinNote?: string | undefined;
  /** The request asked for the chosen model. */
  requested?: boolean;
  plan: Plan;
}

const usd = (x: number) => (x >= 0.01 ? `$${x.toFixed(4)}` : `$${x.toPrecision(2)}`);

export function explain(x: ExplainInput): string {
  const { chosen } = x;
  const parts: string[] = [];
  if (x.requested) parts.push(`${chosen.id}: asked for by the request`);
  else if (x.pinnedBy) parts.push(`${chosen.id}: pinned by rule ${x.pinnedBy}`);
  else {
    parts.push(
      `${chosen.id}: best utility under policy ${x.policyName} (trade-off ${x.knob.toFixed(2)}), predicted quality ${chosen.quality.toFixed(3)} at about ${usd(chosen.costUsd)}`,
    );
    const best = x.ranked.reduce((a, b) => (b.quality > a.quality ? b : a));
    if (best !== chosen && best.quality > chosen.quality) {
      const ratio = chosen.costUsd > 0 ? `${(best.costUsd / chosen.costUsd).toFixed(1)}x the cost` : `${usd(best.costUsd)}`;
      parts.push(`${best.id} would add ${(best.quality - chosen.quality).toFixed(3)} quality for ${ratio}`);
    }
  }
  if (x.pinNote) parts.push(x.pinNote);
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
