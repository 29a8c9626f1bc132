// The search box (autocomplete over GET /api/search, keyboard and mouse) and the code look-up
// form; both end in a place card, a code's grid cell, or a message.
import { api, problemText } from './api.js';
import { t } from './i18n.js';
import { kindLabel } from './kinds.js';
import { map, setSelection } from './map.js';
import { setStatus } from './panel.js';
import { fetchEtag, openPlace, showPlace } from './place-card.js';
import { $, esc } from './util.js';

const searchInput = $('search');
const list = $('search-list');
let searchSeq = 0, searchTimer = null, results = [], active = -1;
searchInput.addEventListener('input', () => {
  clearTimeout(searchTimer);
  const q = searchInput.value.trim();
  if (q.length < 2) { closeList(); return; }
  searchTimer = setTimeout(() => runSearch(q), 180);
});
async function runSearch(q) {
  const seq = ++searchSeq;
  const c = map.getCenter();
  const r = await api('GET', `/api/search?q=${encodeURIComponent(q)}&limit=8&lon=${c.lng.toFixed(5)}&lat=${c.lat.toFixed(5)}`);
  if (seq !== searchSeq) return;
  results = r.ok && r.body && r.body.features ? r.body.features : [];
  active = -1;
  list.innerHTML = results.length
    ? results.map((f, i) => `<li role="option" id="opt-${i}" data-i="${i}" aria-selected="false">${esc(f.properties.name)}
        <span class="sub">${esc(kindLabel(f.properties.kind))} · ${esc([f.properties.address, f.properties.commune_name].filter(Boolean).join(', '))} · ${esc(f.properties.code_display)}</span></li>`).join('')
    : `<li role="option" aria-disabled="true">${t('no_result')}</li>`;
  list.hidden = false;
  searchInput.setAttribute('aria-expanded', 'true');
}
function closeList() {
  list.hidden = true; list.innerHTML = ''; results = []; active = -1;
  searchInput.setAttribute('aria-expanded', 'false');
  searchInput.removeAttribute('aria-activedescendant');
}
function highlight(i) {
  active = i;
  [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
  if (i >= 0) searchInput.setAttribute('aria-activedescendant', 'opt-' + i);
}
searchInput.addEventListener('keydown', (e) => {
  if (list.hidden || !results.length) return;
  if (e.key === 'ArrowDown') { e.preventDefault(); highlight((active + 1) % results.length); }
  else if (e.key === 'ArrowUp') { e.preventDefault(); highlight((active - 1 + results.length) % results.length); }
  else if (e.key === 'Escape') closeList();
});
$('search-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const f = results[active >= 0 ? active : 0];
  if (f) { closeList(); openPlace(f.properties.code); }
  else if (/^[\d\s.-]{12,}$/.test(searchInput.value)) goToCode(searchInput.value);
});
list.addEventListener('mousedown', (e) => {
  const li = e.target.closest('li[data-i]');
  if (!li) return;
  e.preventDefault();
  const f = results[+li.dataset.i];
  closeList();
  openPlace(f.properties.code);
});
searchInput.addEventListener('blur', () => setTimeout(closeList, 150));

// ------------------------------------------------------------------ code lookup
$('code-form').addEventListener('submit', (e) => { e.preventDefault(); goToCode($('code-input').value); });
async function goToCode(raw) {
  setStatus(t('loading'));
  const r = await api('GET', '/api/codes/' + encodeURIComponent(raw.trim()));
  if (!r.ok) { setStatus(problemText(r), 'bad'); return; }
  setStatus('');
  const c = r.body;
  if (c.place) { showPlace(c.place, null); fetchEtag(c.code); return; }
  const centre = c.cell && (c.cell.centre || c.cell.center);
  const view = $('view');
  view.innerHTML = `<div class="card"><div class="code">${esc(c.code_display)}</div>
    <p>${c.registered ? esc(t('code_hidden', { s: t('statuses')[c.status] || c.status })) : esc(t('code_free'))}</p>
    ${centre ? `<p class="muted small">${t('cell')}: ${centre.map((x) => x.toFixed(6)).join(', ')}</p>` : ''}</div>`;
  if (centre) { map.flyTo({ center: centre, zoom: 17 }); setSelection(centre); }
}

