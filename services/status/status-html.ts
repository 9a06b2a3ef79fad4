/**
 * The status page as one HTML document: rendered on the server from the view (every value
 * escaped), with a small inline script that asks /status.json again every few seconds and
 * refills the same cells with textContent. No build step, no external resource; the page's
 * Content-Security-Policy allows exactly this script (by its hash) and requests to itself.
 */
import { createHash } from 'node:crypto';
import { TABLE_HEADS, type Cell, type Row, type StatusView } from './status-view.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Refills text and table cells from /status.json's `view`; all values go in as text. */
const SCRIPT = `(() => {
  const every = Number(document.body.dataset.refresh) * 1000;
  const cell = (c) => {
    const td = document.createElement('td');
    if (typeof c === 'string') { td.textContent = c; return td; }
    const m = document.createElement('meter');
    m.min = 0; m.max = 1; m.value = c.share;
    td.append(m, ' ', c.text);
    return td;
  };
  const refresh = async () => {
    try {
      const r = await fetch('status.json', { cache: 'no-store', credentials: 'same-origin' });
      if (!r.ok) throw new Error('HTTP ' + r.status);
      const { view } = await r.json();
      for (const [id, text] of Object.entries(view.text)) { const e = document.getElementById(id); if (e) e.textContent = text; }
      for (const [id, rows] of Object.entries(view.tables)) {
        const body = document.getElementById(id);
        if (!body) continue;
        const empty = document.getElementById(id + '-empty');
        if (empty) empty.hidden = rows.length > 0;
        body.replaceChildren(...rows.map((row) => { const tr = document.createElement('tr'); if (row.cls) tr.className = row.cls; tr.append(...row.cells.map(cell)); return tr; }));
      }
      document.getElementById('refresh-state').textContent = '';
    } catch (e) {
      document.getElementById('refresh-state').textContent = 'refresh failed: ' + e.message;
    }
  };
  setInterval(refresh, every);
})();`;

const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');

export const STATUS_CSP = `default-src 'none'; script-src 'sha256-${SCRIPT_HASH}'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; margin: 0 0 .2em; } h2 { font-size: 1.1em; margin: 1.4em 0 .4em; }
.meta { color: #666; } .figure { font-size: 1.6em; font-weight: 600; margin-right: .3em; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #f5f5f5; } td { font-variant-numeric: tabular-nums; } meter { width: 8em; }
tr.bad td { color: #a00; } tr.alarm td { background: #fff1f0; color: #a00; font-weight: 600; } tr.cleared td { color: #888; }
#refresh-state { color: #a00; }`;

function cellHtml(c: Cell): string {
  if (typeof c === 'string') return `<td>${escapeHtml(c)}</td>`;
  return `<td><meter min="0" max="1" value="${escapeHtml(String(c.share))}"></meter> ${escapeHtml(c.text)}</td>`;
}

function table(id: string, rows: Row[], empty: string): string {
  const head = TABLE_HEADS[id]!.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr${r.cls ? ` class="${escapeHtml(r.cls)}"` : ''}>${r.cells.map(cellHtml).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody id="${id}">${body}</tbody></table><p class="meta" id="${id}-empty"${rows.length > 0 ? ' hidden' : ''}>${escapeHtml(empty)}</p>`;
}

export function statusHtml(v: StatusView, refreshSeconds: number): string {
  const t = (id: string) => `<span id="${id}">${escapeHtml(v.text[id] ?? '')}</span>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchyard status</title><style>${STYLE}</style></head>
<body data-refresh="${Number(refreshSeconds)}">
<h1>Switchyard status</h1>
<p class="meta">router ${t('router-id')}, up since ${t('started-at')}; as of ${t('generated-at')}, refreshed every ${Number(refreshSeconds)} s <span id="refresh-state"></span></p>
<h2>Traffic</h2>
<p><span class="figure">${t('decisions-per-second')}</span> decisions per second (last minute); ${t('decisions-total')} decisions since start</p>
<p>Savings: ${t('savings')}</p>
<h2>Share by model</h2>
${table('share-rows', v.tables['share-rows']!, 'No decisions yet.')}
<h2>Drift alarms</h2>
<p>${t('drift-summary')}</p>
${table('alarm-rows', v.tables['alarm-rows']!, 'No drift alarm so far.')}
<h2>Models</h2>
${table('model-rows', v.tables['model-rows']!, 'No models.')}
<h2>Recent decisions</h2>
${table('recent-rows', v.tables['recent-rows']!, 'No decisions yet.')}
<script>${SCRIPT}</script>
</body></html>
`;
}
