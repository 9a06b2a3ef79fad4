/**
 * The configuration of what watches a running router: `drift` (the live drift monitor,
 * services/evaluation/drift-monitor.ts) and `status_page` (GET /status on the HTTP front door).
 * Both are on by default; the defaults are the detectors' documented false-alarm rates.
 */
import { z } from 'zod';

const positiveInt = z.number().int().positive();
const metricName = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must be a feedback metric name');

/** A feedback metric that grades an answer, and the range its values map onto quality 0..1. */
const qualityMetric = z
  .strictObject({ metric: metricName, min: z.number().finite().default(0), max: z.number().finite().default(1) })
  .refine((m) => m.max > m.min, { message: 'max must be more than min', path: ['max'] });

export const driftSection = z.strictObject({
  enabled: z.boolean().default(true),
  /**
   * Feedback metrics whose values grade an answer's quality (per decision). Absent: every
   * declared per-decision boolean metric whose `better` is higher.
   */
  quality_metrics: z.array(qualityMetric).optional(),
  /** Quality per model and segment: warm-up grades per stream, the drop worth an alarm, grades per false alarm. */
  quality: z
    .strictObject({ warmup: positiveInt.default(100), min_drop: z.number().gt(0).lt(1).default(0.15), arl0: z.number().gt(1).default(20_000) })
    .default({ warmup: 100, min_drop: 0.15, arl0: 20_000 }),
  /** Provider shift per model: error, refusal and truncation rates, answer length. */
  provider: z
    .strictObject({
      warmup: positiveInt.default(200),
      min_rate_rise: z.number().gt(0).lt(1).default(0.05),
      min_length_factor: z.number().gt(1).default(1.5),
      arl0: z.number().gt(1).default(500_000),
    })
    .default({ warmup: 200, min_rate_rise: 0.05, min_length_factor: 1.5, arl0: 500_000 }),
  /**
   * Traffic mix (task family, prompt length, language, segment) against a reference: the JSON
   * file `reference` ({feature: {bin: count}}, relative to the config file), else the one the
   * router model in service carries (header training.traffic, written by `train --from-log`;
   * it follows a reloaded or promoted model), else the first window after start.
   */
  traffic: z
    .strictObject({
      window: positiveInt.default(1_000),
      alpha: z.number().gt(0).lt(1).default(0.001),
      min_psi: z.number().positive().default(0.2),
      reference: z.string().min(1).optional(),
    })
    .default({ window: 1_000, alpha: 0.001, min_psi: 0.2 }),
  /** Segments watched per model; later ones are watched together as `other` (bounded memory). */
  max_segments: positiveInt.default(64),
  /** Recent decisions remembered so that feedback arriving later can be joined to its prediction. */
  join_window: positiveInt.default(100_000),
  /** How long a decision (and feedback that came before its record) waits to be joined. */
  join_ttl_ms: positiveInt.default(3_600_000),
  /** Events waiting for the monitor; past it they are dropped and counted. */
  queue_size: positiveInt.default(10_000),
  /** How long an alarm counts as active (gauge, status page). */
  active_ms: positiveInt.default(6 * 3_600_000),
  /** Alarms kept for the status page, newest first. */
  max_alarms: positiveInt.default(200),
});

export const statusPageSection = z.strictObject({
  /** Serve GET /status and /status.json on the HTTP front door (server.http_listen). */
  enabled: z.boolean().default(true),
  /** When tenants (keys) are configured: the tenants whose keys may read the page. None: nobody. */
  tenants: z.array(z.string().min(1)).default([]),
  /** Recent decisions listed. */
  recent: z.number().int().min(1).max(500).default(50),
  /** Seconds the page's refresh asks /status.json again. */
  refresh_seconds: z.number().int().min(1).max(3600).default(5),
});

export type DriftConfig = z.infer<typeof driftSection>;
export type StatusPageConfig = z.infer<typeof statusPageSection>;

/** Cross-references: quality metrics and status tenants must name what the config declares. */
export function crossCheckMonitoring(c: {
  drift: DriftConfig;
  status_page: StatusPageConfig;
  feedback: { metrics: readonly { name: string; per: string }[] };
  tenants: Readonly<Record<string, unknown>>;
}): string[] {
  const problems: string[] = [];
  (c.drift.quality_metrics ?? []).forEach((q, i) => {
    const m = c.feedback.metrics.find((x) => x.name === q.metric);
    const at = `drift.quality_metrics[${i}].metric`;
    if (!m) problems.push(`${at}: no feedback metric named "${q.metric}" (declare it in feedback.metrics)`);
    else if (m.per !== 'decision') problems.push(`${at}: "${q.metric}" is per episode; quality drift needs a per-decision metric`);
  });
  c.status_page.tenants.forEach((t, i) => {
    if (!(t in c.tenants)) problems.push(`status_page.tenants[${i}]: no tenant named "${t}"`);
  });
  return problems;
}
