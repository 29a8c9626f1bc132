// Staff sign-in: a token pasted into a dialog, checked with GET /api/session and kept for the
// tab's session; the staff tools shown for its role; signing out.
import { api, problemText } from './api.js';
import { t } from './i18n.js';
import { refreshPlaces } from './map.js';
import { endMode } from './mode.js';
import { currentPlace, openFromHash, openPlace } from './place-card.js';
import * as state from './state.js';
import { $ } from './util.js';

export function renderSession() {
  const s = state.session;
  $('staff').hidden = !s;
  $('signin').textContent = s ? t('signout') : t('signin');
  if (s) {
    $('who').textContent = t('signed_as', { name: s.name, role: t('role_' + s.role) }) + (s.communes && s.communes.length ? ' · ' + s.communes.join(', ') : '');
    $('btn-register').hidden = !state.canWrite();
    $('btn-street').hidden = !state.canWrite();
    $('btn-geocode-batch').hidden = !state.canRead();
    $('btn-import').hidden = !state.canWrite();
  }
}
$('signin').onclick = () => {
  if (state.session) {
    sessionStorage.removeItem('diachiso.token');
    state.setToken(null); state.setSession(null);
    renderSession(); refreshPlaces(); endMode(); $('view').innerHTML = '';
    return;
  }
  $('signin-error').textContent = '';
  $('token-input').value = '';
  $('dlg-signin').showModal();
};
$('signin-cancel').onclick = () => $('dlg-signin').close();
$('signin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const token = $('token-input').value.trim();
  if (!token) return;
  const ok = await signIn(token);
  if (ok) $('dlg-signin').close();
});
async function signIn(token) {
  const prev = state.token;
  state.setToken(token);
  const r = await api('GET', '/api/session');
  if (!r.ok || !r.body || !r.body.authenticated) {
    state.setToken(prev);
    $('signin-error').textContent = problemText(r);
    return false;
  }
  sessionStorage.setItem('diachiso.token', token);
  state.setSession(r.body);
  renderSession();
  refreshPlaces();
  const place = currentPlace();
  if (place) openPlace(place.feature.properties.code, { fly: false });
  else openFromHash(); // a provisional place's link, opened before signing in
  return true;
}

// At start-up: a token kept from earlier in this tab's session, if it is still valid.
export async function restoreSession() {
  if (!state.token) return;
  const r = await api('GET', '/api/session');
  if (r.ok && r.body.authenticated) { state.setSession(r.body); renderSession(); } else { sessionStorage.removeItem('diachiso.token'); state.setToken(null); }
}
