// The progress dashboard (GET /api/reports/progress), drawn from whatever shape it answers.
import { api, problemText } from './api.js';
import { t } from './i18n.js';
import { endMode } from './mode.js';
import { $, esc } from './util.js';

$('btn-progress').onclick = async () => {
  endMode();
  $('view').innerHTML = `<section class="card"><h3>${t('progress_h')}</h3><div id="progress-body">${t('loading')}</div></section>`;
  const r = await api('GET', '/api/reports/progress?format=json');
  const body = $('progress-body');
  if (r.status === 404) { body.innerHTML = `<p class="muted">${t('progress_404')}</p>`; return; }
  if (!r.ok) { body.innerHTML = `<p class="error">${esc(problemText(r))}</p>`; return; }
  body.innerHTML = renderReport(r.body);
};
// Whatever the report holds: arrays of flat objects become tables, objects become lists.
function renderReport(v) {
  if (Array.isArray(v)) {
    if (v.length && typeof v[0] === 'object' && v[0] !== null) {
      const cols = [...new Set(v.flatMap((o) => Object.keys(o).filter((k) => typeof o[k] !== 'object' || o[k] === null)))];
      return `<div style="overflow:auto"><table><thead><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${v.map((o) => `<tr>${cols.map((c) => `<td class="${typeof o[c] === 'number' ? 'num' : ''}">${esc(typeof o[c] === 'number' ? o[c].toLocaleString('vi') : o[c] ?? '')}</td>`).join('')}</tr>`).join('')}</tbody></table></div>`;
    }
    return esc(v.join(', '));
  }
  if (v && typeof v === 'object') {
    return `<dl class="props">${Object.entries(v).map(([k, x]) => `<dt>${esc(k)}</dt><dd>${typeof x === 'object' && x !== null ? renderReport(x) : esc(typeof x === 'number' ? x.toLocaleString('vi') : x)}</dd>`).join('')}</dl>`;
  }
  return esc(v);
}

