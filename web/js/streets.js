// Streets: drawing one (vertex by vertex on the map), its card, and its house numbering plan
// (run by an editor, approved by a reviewer) with old → new labels at each house.
import { api, problemText } from './api.js';
import { setFieldError } from './forms.js';
import { fieldMessage, t } from './i18n.js';
import { map, refreshPlaces, refreshStreets, setDraft } from './map.js';
import { endMode, startMode } from './mode.js';
import { openSheet, setStatus } from './panel.js';
import { canReview, canWrite } from './state.js';
import { $, esc, grouped, round6 } from './util.js';

let vertices = []; // [lon, lat] of the street being drawn

$('btn-street').onclick = () => {
  startMode('street', t('draw_hint'), addVertex, () => { vertices = []; });
  const types = Object.entries(t('street_types')).map(([k, l]) => `<option value="${k}">${esc(l)}</option>`).join('');
  $('view').innerHTML = `<section class="card" aria-labelledby="st-h"><h3 id="st-h">${t('draw_h')}</h3>
    <form id="street-form" novalidate>
      <p class="small muted">${t('vertices')}: <span id="s-count">0</span></p>
      <label for="s-street_type">${t('street_type')} *</label><select id="s-street_type">${types}</select>
      <label for="s-name">${t('name')}</label><input id="s-name" maxlength="200" aria-describedby="s-name-err"><p class="field-error" id="s-name-err"></p>
      <label for="s-width_m">${t('width_m')}</label><input id="s-width_m" type="number" min="0.5" max="200" step="0.5" value="12">
      <p id="s-error" class="error" role="alert"></p>
      <div class="actions"><button type="submit" id="s-submit">${t('save_street')}</button><button type="button" class="ghost" id="s-undo">${t('undo')}</button><button type="button" class="ghost" id="s-cancel">${t('cancel')}</button></div>
    </form></section>`;
  $('s-cancel').onclick = () => { endMode(); $('view').innerHTML = ''; };
  $('s-undo').onclick = () => { vertices.pop(); drawStreetDraft(); };
  $('street-form').onsubmit = submitStreet;
  openSheet();
};
function addVertex(ll) {
  vertices.push([round6(ll.lng), round6(ll.lat)]);
  drawStreetDraft();
}
function drawStreetDraft() {
  const v = vertices;
  const feats = v.map((c) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } }));
  if (v.length >= 2) feats.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: v } });
  setDraft(feats);
  const n = $('s-count'); if (n) n.textContent = String(v.length);
}
async function submitStreet(e) {
  e.preventDefault();
  $('s-error').textContent = '';
  const type = $('s-street_type').value, name = $('s-name').value.normalize('NFC').replace(/\s+/g, ' ').trim();
  const width = parseFloat($('s-width_m').value);
  if (vertices.length < 2) { $('s-error').textContent = t('draw_hint'); return; }
  if (['duong', 'pho'].includes(type) && !name) { setFieldError('s-', 'name', t('field_required')); return; }
  setFieldError('s-', 'name', '');
  const props = { street_type: type };
  if (name) props.name = name;
  if (Number.isFinite(width)) props.width_m = width;
  const r = await api('POST', '/api/streets', { type: 'Feature', geometry: { type: 'LineString', coordinates: vertices }, properties: props });
  if (r.status === 201) {
    endMode();
    refreshStreets();
    showStreet(r.body);
    setStatus(t('street_saved'), 'good');
    return;
  }
  if (r.status === 422 && r.body && r.body.errors) {
    const rest = [];
    for (const er of r.body.errors) {
      if (er.field === '/properties/name') setFieldError('s-', 'name', fieldMessage(er.message));
      else rest.push(`${er.field}: ${fieldMessage(er.message)}`);
    }
    $('s-error').textContent = rest.join('; ');
    return;
  }
  $('s-error').textContent = problemText(r);
}
export function showStreet(f) {
  const p = f.properties;
  map.getSource('plan').setData({ type: 'FeatureCollection', features: [] });
  $('view').innerHTML = `<article class="card" id="street-card"><div class="kind">${t('street_card')} · ${esc(p.street_type_label || p.street_type)}</div>
    <h3>${esc(p.display_name || p.name)} ${p.generated ? `<span class="badge demo">${t('demo')}</span>` : ''}</h3>
    <dl class="props"><dt>${t('width_m')}</dt><dd>${esc(p.width_m)}</dd><dt>${t('commune')}</dt><dd>${esc((p.communes || []).join(', '))}</dd><dt>ID</dt><dd class="small">${esc(p.id)}</dd></dl>
    <div class="actions">${canWrite() ? `<button type="button" id="act-plan">${t('plan_run')}</button>` : ''}</div>
    <div id="plan-view"></div></article>`;
  const b = $('act-plan');
  if (b) b.onclick = () => runPlan(p.id);
  openSheet();
}
async function runPlan(streetId) {
  setStatus(t('loading'));
  const r = await api('POST', `/api/streets/${streetId}/numbering-plans`, {});
  if (!r.ok) { setStatus(problemText(r), 'bad'); return; }
  setStatus('');
  showPlan(r.body);
}
async function showPlan(plan) {
  const houses = plan.houses || [];
  const changed = houses.filter((h) => h.changed).length;
  const el = $('plan-view');
  el.innerHTML = `<h4>${t('plan_h')}</h4><p class="small">${t('changed_n', { n: changed, t: houses.length })} · <span class="muted">${esc(plan.status || '')}</span></p>
    ${houses.length ? `<table id="plan-table"><thead><tr><th>${t('code')}</th><th>${t('old_new')}</th><th>${t('side')}</th><th>${t('reason')}</th></tr></thead><tbody>
    ${houses.map((h) => `<tr><td class="small">${esc(grouped(h.code))}</td><td class="${h.changed ? 'changed' : ''}">${esc(h.old_number || '—')} → ${esc(h.new_number)}</td><td>${esc(h.side === 'left' ? t('left') : h.side === 'right' ? t('right') : h.side)}</td><td class="small">${esc(h.reason_text || h.reason)}</td></tr>`).join('')}
    </tbody></table>` : `<p class="muted">${t('plan_none')}</p>`}
    <div class="actions">${canReview() && plan.status === 'draft' ? `<button type="button" class="ok" id="act-approve">${t('approve')}</button>` : ''}</div>`;
  const a = $('act-approve');
  if (a) a.onclick = async () => {
    const r = await api('POST', `/api/numbering-plans/${plan.id}/approve`, {});
    if (!r.ok) { setStatus(problemText(r), 'bad'); return; }
    setStatus(t('approved'), 'good');
    refreshPlaces();
    showPlan(r.body.plan || r.body);
  };
  // Old → new labels on the map, at each house.
  const feats = [];
  const known = new Map();
  for (const f of map.querySourceFeatures('places', { sourceLayer: 'places' })) known.set(f.properties.code, f.geometry.coordinates);
  for (const h of houses.slice(0, 300)) {
    let at = known.get(h.code);
    if (!at) { const r = await api('GET', '/api/places/' + h.code); if (r.ok) at = r.body.geometry.coordinates; }
    if (at) feats.push({ type: 'Feature', properties: { label: `${h.old_number || '—'} → ${h.new_number}`, changed: !!h.changed }, geometry: { type: 'Point', coordinates: at } });
  }
  map.getSource('plan').setData({ type: 'FeatureCollection', features: feats });
  window.__viewer.planLabels = feats;
}

