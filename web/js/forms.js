// The staff forms' fields: markup, reading (NFC, spaces collapsed), the API's own rules checked
// before sending, and the API's 422 errors put next to the field they name.
import { fieldMessage, t } from './i18n.js';
import { $, esc } from './util.js';

const FIELD_POINTERS = { name: '/properties/name', kind: '/properties/kind', house_number: '/properties/address/house_number', street: '/properties/address/street', hamlet: '/properties/address/hamlet' };
export function fieldHtml(id, key, value, max, required) {
  return `<label for="${id}">${t(key)}${required ? ' *' : ''}</label>
    <input id="${id}" name="${key}" value="${esc(value || '')}" maxlength="${max}" ${required ? 'required aria-required="true"' : ''} aria-describedby="${id}-err">
    <p class="field-error" id="${id}-err"></p>`;
}
export function readFields(prefix) {
  const v = {};
  for (const k of ['name', 'house_number', 'street', 'hamlet', 'kind']) {
    const el = $(prefix + k);
    if (el) v[k] = el.value.normalize('NFC').replace(/\s+/g, ' ').trim();
  }
  return v;
}
export function setFieldError(prefix, key, msg) {
  const el = $(prefix + key), err = $(prefix + key + '-err');
  if (el) el.setAttribute('aria-invalid', msg ? 'true' : 'false');
  if (err) err.textContent = msg || '';
}
// The same rules as the API's (src/place/draft.rs): name required, ≤ 200 characters, no
// control characters; house number ≤ 20; street and hamlet ≤ 200.
export function validateFields(prefix, v) {
  let ok = true;
  const limits = { name: 200, house_number: 20, street: 200, hamlet: 200 };
  for (const [k, max] of Object.entries(limits)) {
    let msg = '';
    const s = v[k] || '';
    if (k === 'name' && !s) msg = t('field_required');
    else if ([...s].length > max) msg = t('field_long', { n: max });
    else if (/[\u0000-\u001f\u007f-\u009f]/.test(s)) msg = t('field_control');
    setFieldError(prefix, k, msg);
    if (msg) ok = false;
  }
  if (prefix === 'r-' && !v.kind) { setFieldError(prefix, 'kind', t('field_required')); ok = false; }
  return ok;
}
export function showApiFieldErrors(prefix, errors) {
  const rest = [];
  for (const e of errors) {
    const key = Object.keys(FIELD_POINTERS).find((k) => FIELD_POINTERS[k] === e.field);
    if (key && $(prefix + key)) setFieldError(prefix, key, fieldMessage(e.message));
    else rest.push(`${e.field}: ${fieldMessage(e.message)}`);
  }
  return rest;
}

