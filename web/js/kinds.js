// The kinds of place: their labels (from GET /api/kinds, the colours' keys until it answers),
// the legend with one switch per kind, and the places layers' filter that follows it.
import { api } from './api.js';
import { lang } from './i18n.js';
import { map } from './map.js';
import { KIND_COLOURS } from './style.js';
import { $, esc } from './util.js';

export let kinds = Object.keys(KIND_COLOURS).map((k) => ({ kind: k, label_vi: k, label_en: k }));
export const kindLabel = (k) => {
  const d = kinds.find((x) => x.kind === k);
  return d ? (lang === 'en' ? d.label_en : d.label_vi) : k;
};
const hiddenKinds = new Set();

export async function loadKinds() {
  const k = await api('GET', '/api/kinds');
  if (k.ok && k.body && k.body.kinds) kinds = k.body.kinds;
}

export function renderLegend() {
  const ul = $('legend');
  ul.innerHTML = kinds.map((k) => `<li><label><input type="checkbox" data-kind="${k.kind}" ${hiddenKinds.has(k.kind) ? '' : 'checked'}>
    <span class="swatch" style="background:${KIND_COLOURS[k.kind] || '#444'}"></span> ${esc(kindLabel(k.kind))}</label></li>`).join('');
}
export function applyPlaceFilter() {
  const visible = kinds.map((k) => k.kind).filter((k) => !hiddenKinds.has(k));
  const f = ['in', ['get', 'kind'], ['literal', visible]];
  map.setFilter('places', f);
  map.setFilter('places-label', ['all', f, ['!=', ['get', 'kind'], 'house']]);
}
$('legend').addEventListener('change', (e) => {
  const k = e.target.dataset.kind;
  if (!k) return;
  if (e.target.checked) hiddenKinds.delete(k); else hiddenKinds.add(k);
  applyPlaceFilter();
});
