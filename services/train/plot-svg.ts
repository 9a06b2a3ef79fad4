/**
 * A cost/quality plot as a standalone SVG document (no dependencies): the router's curve
 * (its Pareto frontier: the operating points no other point beats on both cost and quality),
 * every single model as a labelled point, the oracle as a point, and the flagship's quality
 * as a dashed line. x is mean cost in USD per 1,000 prompts on a log scale; y is mean quality.
 */
export interface PlotInput {
  title: string;
  /** Router operating points: mean cost per prompt (USD) and mean quality. */
  router: readonly { cost: number; quality: number }[];
  models: readonly { model: string; cost_usd: number; quality: number }[];
  oracle: { cost_usd: number; quality: number };
  flagship: { model: string; quality: number };
}

const W = 860, H = 560;
const L = 80, R = 220, T = 50, B = 70;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(3)).toString());

/** Points that no other point beats on both cost and quality, cheapest first. */
export function paretoFrontier<T extends { cost: number; quality: number }>(points: readonly T[]): T[] {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || b.quality - a.quality);
  const out: T[] = [];
  for (const p of sorted) if (out.length === 0 || p.quality > out[out.length - 1]!.quality) out.push(p);
  return out;
}

export function plotSvg(input: PlotInput): string {
  const per1k = (c: number) => Math.max(c * 1000, 1e-9);
  const costs = [...input.router.map((p) => per1k(p.cost)), ...input.models.map((m) => per1k(m.cost_usd)), per1k(input.oracle.cost_usd)];
  const quals = [...input.router.map((p) => p.quality), ...input.models.map((m) => m.quality), input.oracle.quality];
  const x0 = Math.floor(Math.log10(Math.min(...costs)));
  const x1 = Math.ceil(Math.log10(Math.max(...costs)));
  const y0 = Math.max(0, Math.floor(Math.min(...quals) * 10 - 0.5) / 10);
  const y1 = Math.min(1, Math.ceil(Math.max(...quals) * 10 + 0.5) / 10);
  const sx = (c: number) => L + ((Math.log10(per1k(c)) - x0) / Math.max(1, x1 - x0)) * (W - L - R);
  const sy = (q: number) => H - B - ((q - y0) / Math.max(1e-9, y1 - y0)) * (H - T - B);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${(L + W - R) / 2}" y="28" text-anchor="middle" font-size="15">${esc(input.title)}</text>`);
  // Grid and ticks.
  for (let e = x0; e <= x1; e++) {
    const x = L + ((e - x0) / Math.max(1, x1 - x0)) * (W - L - R);
    parts.push(`<line x1="${x}" y1="${T}" x2="${x}" y2="${H - B}" stroke="#ddd"/>`);
    parts.push(`<text x="${x}" y="${H - B + 18}" text-anchor="middle">${fmt(Math.pow(10, e))}</text>`);
  }
  for (let k = 0; k <= 10; k++) {
    const q = y0 + ((y1 - y0) * k) / 10;
    const y = sy(q);
    parts.push(`<line x1="${L}" y1="${y}" x2="${W - R}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${L - 8}" y="${y + 4}" text-anchor="end">${q.toFixed(2)}</text>`);
  }
  parts.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - 25}" text-anchor="middle">mean cost, USD per 1,000 prompts (log scale)</text>`);
  parts.push(`<text transform="translate(22 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">mean quality</text>`);
  // Flagship quality.
  const fy = sy(input.flagship.quality);
  parts.push(`<line x1="${L}" y1="${fy}" x2="${W - R}" y2="${fy}" stroke="#c33" stroke-dasharray="5 4"/>`);
  // Router frontier.
  const front = paretoFrontier(input.router);
  if (front.length > 0) {
    // Points closer than half a pixel to the last one drawn add nothing visible.
    const xy: [number, number][] = [];
    front.forEach((p, k) => {
      const x = sx(p.cost), y = sy(p.quality);
      const last = xy[xy.length - 1];
      if (last === undefined || k === front.length - 1 || Math.hypot(x - last[0], y - last[1]) >= 0.5) xy.push([x, y]);
    });
    const d = xy.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="#1f5fbf" stroke-width="2"/>`);
  }
  // Single models and the oracle.
  for (const m of input.models) {
    const x = sx(m.cost_usd), y = sy(m.quality);
    parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="4" fill="#555"><title>${esc(m.model)}: quality ${m.quality.toFixed(3)}, $${fmt(m.cost_usd * 1000)}/1k</title></circle>`);
    parts.push(`<text x="${(x + 6).toFixed(1)}" y="${(y - 6).toFixed(1)}" font-size="10" fill="#555">${esc(m.model)}</text>`);
  }
  const ox = sx(input.oracle.cost_usd), oy = sy(input.oracle.quality);
  parts.push(`<path d="M${ox - 6} ${oy}L${ox} ${oy - 6}L${ox + 6} ${oy}L${ox} ${oy + 6}Z" fill="#2a2"/>`);
  parts.push(`<text x="${ox + 9}" y="${oy + 4}" fill="#2a2">oracle</text>`);
  // Legend.
  const lx = W - R + 20;
  parts.push(`<line x1="${lx}" y1="${T + 10}" x2="${lx + 24}" y2="${T + 10}" stroke="#1f5fbf" stroke-width="2"/><text x="${lx + 30}" y="${T + 14}">router</text>`);
  parts.push(`<circle cx="${lx + 12}" cy="${T + 30}" r="4" fill="#555"/><text x="${lx + 30}" y="${T + 34}">single model</text>`);
  parts.push(`<path d="M${lx + 6} ${T + 50}L${lx + 12} ${T + 44}L${lx + 18} ${T + 50}L${lx + 12} ${T + 56}Z" fill="#2a2"/><text x="${lx + 30}" y="${T + 54}">oracle</text>`);
  parts.push(`<line x1="${lx}" y1="${T + 70}" x2="${lx + 24}" y2="${T + 70}" stroke="#c33" stroke-dasharray="5 4"/><text x="${lx + 30}" y="${T + 74}">flagship quality</text>`);
  parts.push(`<text x="${lx}" y="${T + 94}" font-size="10">(${esc(input.flagship.model)})</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
