// The place card: the place shown (with its ETag, for the staff's conditional writes), its
// card and selection ring, and the #code= share link that opens it.
import { api, problemText } from './api.js';
import { t } from './i18n.js';
import { kindLabel } from './kinds.js';
import { map, setSelection } from './map.js';
import { openSheet, setStatus } from './panel.js';
import { certify, openRetire, showEditForm, showHistory, startMove, stopMove } from './place-edit.js';
import { canReview, canWrite, session } from './state.js';
import { KIND_COLOURS } from './style.js';
import { $, esc, grouped } from './util.js';

let place = null; // {feature, etag}: the place of the card, or the last one shown
export const currentPlace = () => place;

export async function fetchEtag(code) {
  const r = await api('GET', '/api/places/' + code);
  if (r.ok) { place = { feature: r.body, etag: r.headers.get('etag') }; }
}
export async function openPlace(code, opts) {
  setStatus(t('loading'));
  const r = await api('GET', '/api/places/' + encodeURIComponent(code));
  if (!r.ok) { setStatus(r.status === 404 ? t('not_found') : problemText(r), 'bad'); return null; }
  setStatus('');
  showPlace(r.body, r.headers.get('etag'), opts);
  return r.body;
}
function fullAddress(p) {
  const a = p.address || {};
  const parts = [];
  if (a.house_number && a.street) parts.push(`số ${a.house_number} ${a.street}`);
  else if (a.house_number) parts.push(`số ${a.house_number}`);
  else if (a.street) parts.push(a.street);
  if (a.hamlet) parts.push(a.hamlet);
  if (p.commune_name) parts.push(p.commune_name);
  parts.push('tỉnh Hưng Yên');
  return parts.join(', ');
}
export function showPlace(f, etag, opts) {
  stopMove();
  place = { feature: f, etag };
  const p = f.properties;
  const coords = f.geometry.coordinates;
  history.replaceState(null, '', '#code=' + p.code);
  setSelection(coords);
  if (!opts || opts.fly !== false) map.flyTo({ center: coords, zoom: Math.max(map.getZoom(), 17), duration: 600 });
  const statusLabel = t('statuses')[p.status] || p.status;
  $('view').innerHTML = `<article class="card" id="place-card" aria-labelledby="place-name">
    <div class="kind"><span class="swatch" style="background:${KIND_COLOURS[p.kind] || '#444'}"></span> ${esc(kindLabel(p.kind))}</div>
    <h3 id="place-name">${esc(p.name)} ${p.generated ? `<span class="badge demo">${t('demo')}</span>` : ''}</h3>
    <div class="code" aria-label="${t('code')}">${esc(grouped(p.code))}</div>
    <dl class="props">
      <dt>${t('address')}</dt><dd id="place-address">${esc(fullAddress(p))}</dd>
      <dt>${t('status')}</dt><dd><span class="badge ${esc(p.status)}" id="place-status">${esc(statusLabel)}</span></dd>
      <dt>${t('point')}</dt><dd class="small">${coords[1].toFixed(6)}, ${coords[0].toFixed(6)}</dd>
    </dl>
    <div class="actions">
      <button type="button" class="ghost" id="act-share">${t('share')}</button>
      <button type="button" class="ghost" id="act-zoom">${t('zoom_to')}</button>
      ${session ? `<button type="button" class="ghost" id="act-history">${t('history')}</button>` : ''}
      ${canWrite() && p.status !== 'retired' ? `<button type="button" id="act-move">${t('move')}</button><button type="button" id="act-edit">${t('edit')}</button>` : ''}
      ${canReview() && p.status === 'provisional' ? `<button type="button" class="ok" id="act-certify">${t('certify')}</button>` : ''}
      ${canWrite() && p.status !== 'retired' ? `<button type="button" class="danger" id="act-retire">${t('retire')}</button>` : ''}
    </div>
    <div id="place-extra"></div>
  </article>`;
  $('act-share').onclick = async () => {
    const url = location.origin + location.pathname + '#code=' + p.code;
    try { await navigator.clipboard.writeText(url); } catch (e) { /* not allowed: the link is in the address bar */ }
    setStatus(t('copied') + ': ' + url, 'good');
  };
  $('act-zoom').onclick = () => map.flyTo({ center: coords, zoom: 18 });
  const on = (id, fn) => { const b = $(id); if (b) b.onclick = fn; };
  on('act-history', () => showHistory(p.code));
  on('act-move', () => startMove());
  on('act-edit', () => showEditForm());
  on('act-certify', () => certify());
  on('act-retire', () => openRetire());
  openSheet();
}
export function openFromHash() {
  const m = /code=([\d\s.%-]+)/.exec(location.hash);
  if (m) openPlace(decodeURIComponent(m[1]).replace(/\D/g, ''));
}
window.addEventListener('hashchange', openFromHash);

// After a language switch: the card again, in place, if it is the one on screen.
export function redrawPlaceCard() {
  if (place && $('place-card')) showPlace(place.feature, place.etag, { fly: false });
}
