/**
 * The human-readable form of an evaluation report (what `eval` prints without --json).
 */
import type { EvalReport } from './evaluate.js';

const f4 = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(4));
const f3 = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(3));
const per1k = (usd: number) => `$${(usd * 1000).toFixed(4)}/1k`;

export function formatReport(r: EvalReport): string {
  const lines: string[] = [];
  const how =
    r.folds !== null
      ? `${r.folds}-fold cross-validation`
      : r.in_sample
        ? 'the given router model, on data it was trained on (in-sample: optimistic; use --folds for held-out figures)'
        : 'the given router model, as it is';
  lines.push(`${r.n} prompts, ${r.models.length} models, ${how}` + (r.dropped_incomplete > 0 ? ` (${r.dropped_incomplete} prompts left out: a pool model has no outcome)` : ''));
  lines.push(`flagship                           ${r.flagship.model}: quality ${f4(r.flagship.quality)} at ${per1k(r.flagship.cost_usd)}`);
  lines.push(`match_flagship_cost_ratio          ${f4(r.match_flagship_cost_ratio)}`);
  lines.push(`best_quality_within_flagship_cost  ${f4(r.best_quality_within_flagship_cost)}`);
  lines.push(`aiq                                ${f4(r.aiq)}   (random mix of ${r.baselines.random_mix.cheapest} and the flagship: ${f4(r.baselines.random_mix.aiq)})`);
  lines.push(`oracle                             quality ${f4(r.oracle.quality)}, cost ratio ${f4(r.oracle.cost_ratio)}`);
  if (r.apgr !== undefined) lines.push(`apgr / cpt50 / cpt80               ${f4(r.apgr)} / ${f3(r.cpt50)}% / ${f3(r.cpt80)}%`);
  lines.push(`cross-entropy / calibration ECE    ${f4(r.cross_entropy)} / ${f4(r.calibration.ece)}   (expected cost: ${r.cost_model})`);
  if (r.operating_point !== null) {
    const op = r.operating_point;
    lines.push('');
    lines.push(
      `segments at knob ${op.knob.toFixed(3)} (λ ${op.lambda.toPrecision(3)}; ${op.target_share < 1 ? `${(op.target_share * 100).toFixed(1)}% of the flagship's quality` : op.matches_flagship ? 'matches the flagship' : 'best within the flagship cost'}: quality ${f4(op.quality)}, cost ratio ${f4(op.cost_ratio)}, saves ${(op.savings * 100).toFixed(1)}% against always the flagship)`,
    );
    const w = Math.max(8, ...Object.keys(r.segments).map((s) => s.length));
    lines.push(`  ${'segment'.padEnd(w)}  ${'n'.padStart(6)}  quality  cost_ratio  flagship_quality  ece`);
    for (const [s, v] of Object.entries(r.segments)) {
      const ece = r.calibration.segments[s]?.ece;
      lines.push(`  ${s.padEnd(w)}  ${String(v.n).padStart(6)}  ${f4(v.quality)}   ${f4(v.cost_ratio)}      ${f4(v.flagship_quality)}            ${f4(ece)}`);
    }
  }
  if (r.margin_point !== undefined) {
    const mp = r.margin_point;
    lines.push('');
    lines.push(
      `segments at quality_margin ${mp.quality_margin} (the cheapest model within it of the best expected quality: quality ${f4(mp.quality)}, cost ratio ${f4(mp.cost_ratio)}, saves ${(mp.savings * 100).toFixed(1)}% against always the flagship)`,
    );
    const w = Math.max(8, ...Object.keys(mp.segments).map((s) => s.length));
    lines.push(`  ${'segment'.padEnd(w)}  ${'n'.padStart(6)}  quality  cost_ratio  flagship_quality`);
    for (const [s, v] of Object.entries(mp.segments)) {
      lines.push(`  ${s.padEnd(w)}  ${String(v.n).padStart(6)}  ${f4(v.quality)}   ${f4(v.cost_ratio)}      ${f4(v.flagship_quality)}`);
    }
  }
  lines.push('');
  lines.push('single models');
  const w = Math.max(8, ...r.baselines.single_models.map((s) => s.model.length));
  for (const s of [...r.baselines.single_models].sort((a, b) => b.quality - a.quality)) {
    lines.push(`  ${s.model.padEnd(w)}  quality ${f4(s.quality)}  ${per1k(s.cost_usd).padStart(14)}  cost ratio ${f4(s.cost_ratio)}`);
  }
  return lines.join('\n') + '\n';
}
