// Registering a place: pick its point on the map, fill in kind, name and address (checked as
// the API checks them), and on a 409 confirm that it is not one of the nearby candidates.
import { api, problemText } from './api.js';
import { fieldHtml, readFields, showApiFieldErrors, validateFields } from './forms.js';
import { t } from './i18n.js';
import { kindLabel, kinds } from './kinds.js';
import { refreshPlaces, setDraft } from './map.js';
import { endMode, startMode } from './mode.js';
import { openSheet, setStatus } from './panel.js';
import { showPlace } from './place-card.js';
import { $, esc, grouped, round6 } from './util.js';

let draftPoint = null; // [lon, lat] of the place being registered

$('btn-register').onclick = () => {
  startMode('register', t('pick_point'), pickPoint, () => { draftPoint = null; });
  const kindOptions = kinds.map((k) => `<option value="${k.kind}">${esc(kindLabel(k.kind))}</option>`).join('');
  $('view').innerHTML = `<section class="card" aria-labelledby="reg-h"><h3 id="reg-h">${t('register_h')}</h3>
    <form id="register-form" novalidate>
      <p id="r-point" class="small muted">${t('choose_point')}</p>
      <label for="r-kind">${t('kind')} *</label><select id="r-kind" aria-describedby="r-kind-err"><option value=""></option>${kindOptions}</select><p class="field-error" id="r-kind-err"></p>
      ${fieldHtml('r-name', 'name', '', 200, true)}
      ${fieldHtml('r-house_number', 'house_number', '', 20)}
      ${fieldHtml('r-street', 'street', '', 200)}
      ${fieldHtml('r-hamlet', 'hamlet', '', 200)}
      <div id="r-dups"></div>
      <p id="r-error" class="error" role="alert"></p>
      <div class="actions"><button type="submit" id="r-submit">${t('submit')}</button><button type="button" class="ghost" id="r-cancel">${t('cancel')}</button></div>
    </form></section>`;
  $('r-cancel').onclick = () => { endMode(); $('view').innerHTML = ''; };
  $('register-form').onsubmit = submitRegistration;
  openSheet();
};
function pickPoint(ll) {
  draftPoint = [round6(ll.lng), round6(ll.lat)];
  setDraft([{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: draftPoint } }]);
  $('r-point').textContent = `${t('point')}: ${draftPoint[1].toFixed(6)}, ${draftPoint[0].toFixed(6)}`;
}
async function submitRegistration(e) {
  e.preventDefault();
  $('r-error').textContent = '';
  const v = readFields('r-');
  let ok = validateFields('r-', v);
  if (!draftPoint) { $('r-error').textContent = t('choose_point'); ok = false; }
  if (!ok) return;
  const address = {};
  for (const k of ['house_number', 'street', 'hamlet']) if (v[k]) address[k] = v[k];
  const props = { kind: v.kind, name: v.name };
  if (Object.keys(address).length) props.address = address;
  const distinct = $('r-distinct');
  if (distinct && distinct.checked) props.confirm_distinct = true;
  const body = { type: 'Feature', geometry: { type: 'Point', coordinates: draftPoint }, properties: props };
  $('r-submit').disabled = true;
  const r = await api('POST', '/api/places', body, { 'Idempotency-Key': 'viewer-' + Date.now() + '-' + Math.random().toString(36).slice(2) });
  $('r-submit').disabled = false;
  if (r.status === 201) {
    endMode();
    refreshPlaces();
    showPlace(r.body, r.headers.get('etag'));
    setStatus(t('registered') + ': ' + grouped(r.body.properties.code), 'good');
    return;
  }
  if (r.status === 409 && r.body && r.body.candidates) {
    $('r-dups').innerHTML = `<p class="error">${t('dup_found')}</p><ul class="list">${r.body.candidates.map((c) => {
      const p = c.properties || c;
      return `<li>${esc(p.name)} — ${esc(grouped(p.code))}</li>`;
    }).join('')}</ul><label class="row"><input type="checkbox" id="r-distinct" style="width:auto"> ${t('confirm_distinct')}</label>`;
    return;
  }
  if (r.status === 422 && r.body && r.body.errors) {
    const rest = showApiFieldErrors('r-', r.body.errors);
    $('r-error').textContent = rest.join('; ');
    return;
  }
  $('r-error').textContent = problemText(r);
}

