// Staff actions on the place card: history, dragging the point to a better position, editing
// the name and address, certifying and retiring. Every write sends the card's ETag (If-Match);
// on 412 the card is reloaded and the user is told why.
import { api, problemText } from './api.js';
import { fieldHtml, readFields, validateFields } from './forms.js';
import { fieldMessage, lang, t } from './i18n.js';
import { map, refreshPlaces } from './map.js';
import { setStatus } from './panel.js';
import { currentPlace, openPlace, showPlace } from './place-card.js';
import { $, esc, round6 } from './util.js';

let moveMarker = null; // the draggable marker while a position is being corrected
// While dragging, a click on the map must not open what is under it.
export const moving = () => moveMarker !== null;

export async function showHistory(code) {
  const r = await api('GET', `/api/places/${code}/history`);
  const el = $('place-extra');
  if (!r.ok) { el.innerHTML = `<p class="error">${esc(problemText(r))}</p>`; return; }
  const events = r.body.events || [];
  el.innerHTML = `<h4>${t('history')}</h4><ol class="list" id="history-list">${events.map((e) => `<li><strong>${esc(t('events')[e.action] || e.action)}</strong>
    <span class="muted small">${esc(new Date(e.at).toLocaleString(lang === 'en' ? 'en-GB' : 'vi-VN'))} · ${esc(e.actor)}</span>${e.reason ? `<br>${esc(e.reason)}` : ''}</li>`).join('')}</ol>`;
}

// Drag to correct a position.
export function startMove() {
  stopMove();
  const f = currentPlace().feature;
  const el = document.createElement('div');
  el.className = 'move-marker';
  moveMarker = new maplibregl.Marker({ draggable: true, color: '#f0a400' }).setLngLat(f.geometry.coordinates).addTo(map);
  moveMarker.getElement().setAttribute('aria-label', t('move'));
  const extra = $('place-extra');
  extra.innerHTML = `<p class="muted small">${t('drag_hint')}</p><p class="small" id="move-pos"></p>
    <div class="actions"><button type="button" id="move-save">${t('save_pos')}</button><button type="button" class="ghost" id="move-cancel">${t('cancel')}</button></div>`;
  const showPos = () => { const ll = moveMarker.getLngLat(); $('move-pos').textContent = `${ll.lat.toFixed(6)}, ${ll.lng.toFixed(6)}`; };
  moveMarker.on('drag', showPos);
  showPos();
  $('move-cancel').onclick = () => { stopMove(); extra.innerHTML = ''; };
  $('move-save').onclick = async () => {
    const ll = moveMarker.getLngLat();
    await patchPlace({ geometry: { type: 'Point', coordinates: [round6(ll.lng), round6(ll.lat)] } });
  };
}
export function stopMove() { if (moveMarker) { moveMarker.remove(); moveMarker = null; } }

async function patchPlace(patch) {
  const { feature, etag } = currentPlace();
  const code = feature.properties.code;
  const r = await api('PATCH', '/api/places/' + code, patch, { 'Content-Type': 'application/merge-patch+json', 'If-Match': etag || '*' });
  if (r.ok) {
    stopMove();
    showPlace(r.body, r.headers.get('etag'), { fly: false });
    setStatus(t('saved'), 'good');
    refreshPlaces();
    return true;
  }
  if (r.status === 412) {
    await openPlace(code, { fly: false });
    setStatus(t('stale'), 'bad');
    return false;
  }
  if (r.status === 422 && r.body && r.body.errors) {
    setStatus(r.body.errors.map((e) => `${e.field}: ${fieldMessage(e.message)}`).join('; '), 'bad');
    return false;
  }
  setStatus(problemText(r), 'bad');
  return false;
}
export function showEditForm() {
  const p = currentPlace().feature.properties;
  const a = p.address || {};
  $('place-extra').innerHTML = `<form id="edit-form" novalidate>
    ${fieldHtml('e-name', 'name', p.name, 200, true)}
    ${fieldHtml('e-house_number', 'house_number', a.house_number, 20)}
    ${fieldHtml('e-street', 'street', a.street, 200)}
    ${fieldHtml('e-hamlet', 'hamlet', a.hamlet, 200)}
    <div class="actions"><button type="submit">${t('save')}</button><button type="button" class="ghost" id="edit-cancel">${t('cancel')}</button></div></form>`;
  $('edit-cancel').onclick = () => { $('place-extra').innerHTML = ''; };
  $('edit-form').onsubmit = async (e) => {
    e.preventDefault();
    const v = readFields('e-');
    if (!validateFields('e-', v)) return;
    const addr = { house_number: v.house_number || null, street: v.street || null, hamlet: v.hamlet || null };
    await patchPlace({ properties: { name: v.name, address: addr } });
  };
}
export async function certify() {
  const { feature, etag } = currentPlace();
  const h = etag ? { 'If-Match': etag } : {};
  const r = await api('POST', `/api/places/${feature.properties.code}/certify`, undefined, h);
  if (r.ok) { await openPlace(feature.properties.code, { fly: false }); setStatus(t('certified'), 'good'); refreshPlaces(); }
  else if (r.status === 412) { await openPlace(feature.properties.code, { fly: false }); setStatus(t('stale'), 'bad'); }
  else setStatus(problemText(r), 'bad');
}
export function openRetire() {
  $('retire-error').textContent = '';
  $('retire-reason').value = '';
  $('dlg-retire').showModal();
}
$('retire-cancel').onclick = () => $('dlg-retire').close();
$('retire-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const reason = $('retire-reason').value.trim();
  if (!reason) { $('retire-error').textContent = t('reason') + ': ' + t('field_required'); return; }
  const { feature, etag } = currentPlace();
  const r = await api('POST', `/api/places/${feature.properties.code}/retire`, { reason }, etag ? { 'If-Match': etag } : {});
  if (!r.ok) { $('retire-error').textContent = problemText(r); return; }
  $('dlg-retire').close();
  await openPlace(feature.properties.code, { fly: false });
  setStatus(t('retired'), 'good');
  refreshPlaces();
});

