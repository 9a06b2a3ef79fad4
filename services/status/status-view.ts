/**
 * The status page's text, cell by cell: a StatusSnapshot formatted once, here, for both the
 * server-rendered HTML (status-html.ts) and the page's refresh, which fills the same cells
 * from /status.json's `view` with textContent (so formatting lives in one place, and nothing
 * the page shows is ever parsed as HTML).
 */
import type { StatusSnapshot } from './status-snapshot.js';

/** A cell: text, or a share drawn as a meter beside its text. */
export type Cell = string | { text: string; share: number };

export interface Row {
  cells: Cell[];
  /** A class for the row (alarm state, outcome). */
  cls?: string;
}

export interface StatusView {
  /** Element id → text. */
  text: Record<string, string>;
  /** Table body id → rows. */
  tables: Record<string, Row[]>;
}

export const TABLE_HEADS: Record<string, string[]> = {
  'share-rows': ['model', 'decisions', 'share'],
  'model-rows': ['model', 'provider', 'health', 'circuits'],
  'alarm-rows': ['state', 'kind', 'what changed', 'since', 'raised', 'router'],
  'recent-rows': ['time', 'decision', 'policy', 'segment', 'model', 'answered by', 'outcome', 'cost', 'latency', 'feedback', 'prompt'],
};

const usd = (x: number) => `$${x.toFixed(x !== 0 && Math.abs(x) < 0.01 ? 6 : 4)}`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const time = (iso: string) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '');

export function statusView(s: StatusSnapshot): StatusView {
  const t = s.traffic;
  const active = s.drift.alarms.filter((a) => a.active).length;
  const saved = t.referenceCostUsd > 0 ? ` (${pct(t.savingsUsd / t.referenceCostUsd)} of the reference cost)` : '';
  return {
    text: {
      'router-id': s.routerId,
      'started-at': time(s.startedAt),
      'generated-at': time(s.generatedAt),
      'decisions-per-second': t.decisionsPerSecond.toFixed(2),
      'decisions-total': String(t.decisions),
      savings: t.referenceCostUsd > 0 ? `spent ${usd(t.costUsd)} where the reference models would have cost ${usd(t.referenceCostUsd)}: saved ${usd(t.savingsUsd)}${saved}` : 'no executed calls with a reference cost yet',
      'drift-summary': !s.drift.enabled
        ? 'drift monitoring is off (drift.enabled: false)'
        : `${active} active alarm${active === 1 ? '' : 's'}; watching quality per model and segment (feedback: ${s.drift.qualityMetrics.join(', ') || 'no quality metric declared'}), provider shift, and traffic mix (reference: ${s.drift.reference})${s.drift.droppedEvents > 0 ? `; ${s.drift.droppedEvents} events dropped` : ''}`,
    },
    tables: {
      'share-rows': t.byModel.map((m) => ({ cells: [m.model, String(m.decisions), { text: pct(m.share), share: m.share }] })),
      'model-rows': s.models.map((m) => ({
        cls: m.available ? 'ok' : 'bad',
        cells: [m.id, m.provider, m.available ? 'available' : `unavailable: ${m.reason}`, m.circuits.map((c) => `${c.deployment}: ${c.state}`).join(', ') || '-'],
      })),
      'alarm-rows': s.drift.alarms.map((a) => ({
        cls: a.active ? 'alarm' : 'cleared',
        cells: [a.active ? 'ACTIVE' : 'cleared', a.kind, a.message, time(a.since), time(a.raised), a.routerId],
      })),
      'recent-rows': s.recent.map((d) => ({
        cls: d.outcome === 'ok' || d.outcome === 'decided' ? 'ok' : 'bad',
        cells: [
          time(d.time),
          d.id,
          d.policy,
          d.segment,
          d.model,
          d.answeredModel || '-',
          d.outcome,
          usd(d.costUsd),
          d.latencyMs > 0 ? `${d.latencyMs.toFixed(0)} ms` : '-',
          d.feedback.map((f) => `${f.metric}=${Number(f.value.toFixed(3))}`).join(', ') || '-',
          d.prompt ?? '',
        ],
      })),
    },
  };
}
