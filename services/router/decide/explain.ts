/** The decision's reason, in words a person reads in a log or a table. */
import type { Plan, Ranked } from './plan.js';
import type { TaskRead } from '../core/task-family.js';
import { costFraction, describeOperatingPoint } from '../policy/operating-point.js';
import type { QualityPrior } from '../../shared/config/schema.js';
import { catalogPriorTiers, tierSetByPrice } from '../../shared/quality-tier.js';

/**
 * For each catalog model whose predicted quality is a prior (no routing data), what the reason
 * says of it: its public score and the tier that score sets (shared/quality-tier.ts), or the
 * measured model it is said to behave like. Measured models are absent.
 */
export function priorNotes(models: readonly { id: string; config: { quality: QualityPrior; prices: { output: number } } }[]): ReadonlyMap<string, string> {
  const tiers = catalogPriorTiers(models.map((m) => m.config));
  const notes = new Map<string, string>();
  models.forEach((m, i) => {
    const q = m.config.quality;
    if ('benchmark' in q) notes.set(m.id, `public score ${q.benchmark}, ${tiers[i]} tier${tierSetByPrice(q.benchmark) ? ' by its price at the band’s edge' : ''}`);
    else if (!('profile' in q)) notes.set(m.id, `like ${q.like}`);
  });
  return notes;
}

/** The reason's words for the priors among `ids`: their notes and the rule that made them. */
export function describePriors(ids: readonly string[], notes: ReadonlyMap<string, string>): string | undefined {
  const named = ids.filter((id) => notes.has(id));
  if (named.length === 0) return undefined;
  const list = named.map((id) => `${id} (${notes.get(id)})`).join(' and ');
  return `quality of ${list} from a prior, not routing data: the public score sets the level and the tier, and a measured model of that tier the shape`;
}

export interface ExplainInput {
  chosen: Ranked;
  /** The eligible model of best expected quality (the cheaper on a tie, then the first ranked). */
  best: Ranked;
  /** How many models each filter excluded, by the filter's name. */
  excluded: ReadonlyMap<string, number>;
  policyName: string;
  knob: number;
  /** The policy's quality margin (policy/operating-point.ts). */
  margin: number;
  task: TaskRead;
  /** Models whose predicted quality comes from a prior rather than routing data, with what the reason says of each (priorNotes). */
  priorModels: ReadonlyMap<string, string>;
  pinnedBy?: string | undefined;
  pinNote?: string | undefined;
  /** Why the session's model was kept over the best-ranked one, when it was. */
  sessionNote?: string;
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
    const best = x.best;
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
  if (x.explorationNote) parts.push(x.explorationNote);
  if (x.excluded.size > 0) {
    let total = 0;
    const byFilter: string[] = [];
    for (const [k, n] of x.excluded) {
      total += n;
      byFilter.push(`${k}: ${n}`);
    }
    parts.push(`${total} excluded (${byFilter.join(', ')})`);
  }
  if (x.plan.strategy !== 'single') parts.push(`${x.plan.strategy}: ${x.plan.models.join(' -> ')}`);
  if (x.plan.note) parts.push(x.plan.note);
  return parts.join('; ');
}
