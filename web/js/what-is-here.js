// A click on the map: a staff mode takes it first; otherwise it opens the place or street
// under the pointer, or says what is here (commune, house number, nearest places).
import { api, problemText } from './api.js';
import { t } from './i18n.js';
import { kindLabel } from './kinds.js';
import { map, setSelection } from './map.js';
import { currentMode, modeClick } from './mode.js';
import { openSheet, setStatus } from './panel.js';
import { openPlace } from './place-card.js';
import { moving } from './place-edit.js';
import { showStreet } from './streets.js';
import { $, esc } from './util.js';

map.on('click', async (e) => {
  if (modeClick(e.lngLat)) return;
  if (moving()) return;
  const box = [[e.point.x - 6, e.point.y - 6], [e.point.x + 6, e.point.y + 6]];
  const hit = map.queryRenderedFeatures(box, { layers: ['places'] }).find((f) => !f.properties.count || f.properties.count === 1 || map.getZoom() >= 14);
  if (hit && (map.getZoom() >= 14 || hit.properties.count === 1)) { openPlace(hit.properties.code, { fly: false }); return; }
  const street = map.getLayer('streets') && map.queryRenderedFeatures(box, { layers: ['streets'] })[0];
  if (street) {
    const r = await api('GET', '/api/streets/' + street.properties.id);
    if (r.ok) { showStreet(r.body); return; }
  }
  whatIsHere(e.lngLat);
});
async function whatIsHere(ll) {
  setSelection([ll.lng, ll.lat]);
  history.replaceState(null, '', location.pathname + location.search);
  const r = await api('GET', `/api/reverse?lon=${ll.lng.toFixed(6)}&lat=${ll.lat.toFixed(6)}&limit=5`);
  if (!r.ok) { setStatus(problemText(r), 'bad'); return; }
  setStatus('');
  const c = r.body.commune;
  const feats = r.body.features || [];
  const house = feats.find((f) => f.properties.address && /^\S+/.test(f.properties.address) && f.properties.kind === 'house');
  $('view').innerHTML = `<section class="card" id="here-card"><h3>${t('what_here')}</h3>
    <p class="small muted">${ll.lat.toFixed(6)}, ${ll.lng.toFixed(6)}</p>
    <p id="here-commune">${c ? `<strong>${esc(c.full_name || c.name)}</strong>, ${esc(c.province_name || 'Hưng Yên')}` : esc(t('outside'))}</p>
    ${house ? `<p>${t('house_number')}: <strong>${esc(house.properties.address)}</strong></p>` : ''}
    <h4>${t('nearest')}</h4>
    ${feats.length ? `<ul class="list">${feats.map((f) => `<li><button type="button" class="link" data-code="${esc(f.properties.code)}">${esc(f.properties.name)}</button>
      <span class="muted small">· ${esc(kindLabel(f.properties.kind))} · ${Math.round(f.properties.distance_m)} m · ${esc(f.properties.code_display)}</span></li>`).join('')}</ul>` : `<p class="muted">${t('no_place')}</p>`}
  </section>`;
  $('view').querySelectorAll('button[data-code]').forEach((b) => { b.onclick = () => openPlace(b.dataset.code); });
  openSheet();
}
map.on('mousemove', (e) => {
  if (currentMode()) return;
  const f = map.queryRenderedFeatures(e.point, { layers: ['places'] });
  map.getCanvas().style.cursor = f.length ? 'pointer' : '';
});
