/**
 * The routing state Decide reads: one ModelStatus per catalog model. It is an immutable
 * snapshot, replaced whole when something changes (credentials at start, and live health,
 * circuit and rate-limit observations as they arrive), so a decision never sees half an update.
 */
import type { Catalog, CatalogModel } from '../../shared/catalog.js';
import type { ModelStatus } from '../decide/hard-filters.js';

/** What is known of a model before any live observation: its credentials. */
export function staticStatus(m: CatalogModel): ModelStatus {
  if (m.hasCredentials || m.simulated) return { available: true };
  return { available: false, reason: `no credentials: set ${m.missingCredentials.join(' or ')}` };
}

export class RoutingState {
  private snapshot: readonly ModelStatus[];
  private readonly listeners = new Set<(s: readonly ModelStatus[]) => void>();

  constructor(private readonly catalog: Catalog) {
    this.snapshot = Object.freeze(catalog.models.map(staticStatus));
  }

  /** The current snapshot. */
  current = (): readonly ModelStatus[] => this.snapshot;

  /** Replaces the status of the models `update` names (by catalog index). */
  update(update: ReadonlyMap<number, ModelStatus>): void {
    const next = this.snapshot.map((s, i) => update.get(i) ?? s);
    this.snapshot = Object.freeze(next);
    for (const l of this.listeners) l(this.snapshot);
  }

  /** The static status of a model, for resetting live observations. */
  base(index: number): ModelStatus {
    return staticStatus(this.catalog.models[index]!);
  }

  onChange(listener: (s: readonly ModelStatus[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
