// The search box (autocomplete over GET /api/search, keyboard and mouse, with the geocoder's
// answers for an address) and the code look-up form; both end in a place card, an address
// answer's card, a code's grid cell, or a message.
import { api, problemText } from './api.js';
import { chooseAnswer, geocode, looksLikeAddress, optionHtml } from './geocode.js';
import { t } from './i18n.js';
import { kindLabel } from './kinds.js';
import { map, setSelection } from './map.js';
import { setStatus } from './panel.js';
import { fetchEtag, openPlace, showPlace } from './place-card.js';
import { $, esc } from './util.js';

const searchInput = $('search');
const list = $('search-list');
// results: the options of the list, {geo: false, f} for a place of /api/search and {geo: true,
// f} for an answer of /api/geocode; listFor: the text they answer; geoQuery: what the
// geocoder understood of it.
let searchSeq = 0, searchTimer = null, results = [], active = -1, listFor = null, geoQuery = null;
const isCode = (q) => /^[\d\s.-]{12,}$/.test(q);
searchInput.addEventListener('input', () => {
  clearTimeout(searchTimer);
  const q = searchInput.value.trim();
  if (q.length < 2) { searchSeq++; closeList(); return; }
  searchTimer = setTimeout(() => runSearch(q), 180);
});
// Asks /api/search and, for an address-shaped text or when the search finds nothing,
// /api/geocode; draws the list. False when a later keystroke made the answer stale.
async function runSearch(q) {
  const seq = ++searchSeq;
  const c = map.getCenter();
  const address = looksLikeAddress(q);
  const [r, geoNow] = await Promise.all([
    api('GET', `/api/search?q=${encodeURIComponent(q)}&limit=8&lon=${c.lng.toFixed(5)}&lat=${c.lat.toFixed(5)}`),
    address ? geocode(q) : null,
  ]);
  if (seq !== searchSeq) return false;
  const places = r.ok && r.body && r.body.features ? r.body.features : [];
  const geo = geoNow || (!places.length && !isCode(q) ? await geocode(q) : null);
  if (seq !== searchSeq) return false;
  const answers = geo ? geo.features : [];
  geoQuery = geo ? geo.query : null;
  // An address is best answered by the geocoder when it found the house or the street; a
  // name by the search, before the geocoder's named places and communes. A place found by
  // both is listed once, where it comes first; Enter with nothing selected takes the first.
  const geoItems = answers.map((f) => ({ geo: true, f }));
  const placeItems = places.map((f) => ({ geo: false, f }));
  const precise = (x) => ['house', 'street'].includes(x.f.properties.match_level);
  const ordered = address
    ? geoItems.filter(precise).concat(placeItems, geoItems.filter((x) => !precise(x)))
    : placeItems.concat(geoItems);
  const seen = new Set();
  results = ordered.filter((x) => {
    const code = x.f.properties.code;
    if (!code) return true;
    if (seen.has(code)) return false;
    seen.add(code);
    return true;
  });
  listFor = q;
  active = -1;
  list.innerHTML = results.length
    ? results.map((x, i) => (x.geo ? optionHtml(x.f, i) : placeOption(x.f, i))).join('')
    : `<li role="option" aria-disabled="true">${t('no_result')}</li>`;
  list.hidden = false;
  searchInput.setAttribute('aria-expanded', 'true');
  return true;
}
const placeOption = (f, i) => `<li role="option" id="opt-${i}" data-i="${i}" aria-selected="false">${esc(f.properties.name)}
  <span class="sub">${esc(kindLabel(f.properties.kind))} · ${esc([f.properties.address, f.properties.commune_name].filter(Boolean).join(', '))} · ${esc(f.properties.code_display)}</span></li>`;
function closeList() {
  list.hidden = true; list.innerHTML = ''; results = []; active = -1; listFor = null;
  searchInput.setAttribute('aria-expanded', 'false');
  searchInput.removeAttribute('aria-activedescendant');
}
function highlight(i) {
  active = i;
  [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
  if (i >= 0) searchInput.setAttribute('aria-activedescendant', 'opt-' + i);
}
function choose(x) {
  const query = geoQuery;
  closeList();
  if (x.geo) chooseAnswer(x.f, query); else openPlace(x.f.properties.code);
}
searchInput.addEventListener('keydown', (e) => {
  if (list.hidden || !results.length) return;
  if (e.key === 'ArrowDown') { e.preventDefault(); highlight((active + 1) % results.length); }
  else if (e.key === 'ArrowUp') { e.preventDefault(); highlight((active - 1 + results.length) % results.length); }
  else if (e.key === 'Escape') closeList();
});
$('search-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const q = searchInput.value.trim();
  if (active >= 0 && results[active] && listFor === q) { choose(results[active]); return; }
  if (isCode(q) && listFor !== q) { clearTimeout(searchTimer); searchSeq++; closeList(); goToCode(q); return; }
  // Enter before the list caught up with the text (typed fast, or pasted): ask now, then take
  // the best answer, so an address typed and entered at once still goes to its place.
  if (listFor !== q && q.length >= 2) {
    clearTimeout(searchTimer);
    if (!(await runSearch(q))) return;
  }
  const x = results[0];
  if (x) choose(x);
  else if (isCode(q)) goToCode(q);
});
list.addEventListener('mousedown', (e) => {
  const li = e.target.closest('li[data-i]');
  if (!li) return;
  e.preventDefault();
  choose(results[+li.dataset.i]);
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

