// The registry's HTTP API: every call of the viewer goes through api(), which adds the
// signed-in token and never throws (a network failure is status 0); a body is sent as JSON,
// except a Blob (a file), sent as it is with the Content-Type the caller gives. problemText()
// turns an error answer (application/problem+json) into a sentence for the status line or a
// form.
import { t } from './i18n.js';
import { token } from './state.js';

export async function api(method, path, body, headers) {
  const h = Object.assign({}, headers || {});
  if (token) h.Authorization = 'Bearer ' + token;
  const file = body instanceof Blob;
  if (body !== undefined && !file && !h['Content-Type']) h['Content-Type'] = 'application/json';
  let r;
  try {
    r = await fetch(path, { method, headers: h, body: body === undefined || file ? body : JSON.stringify(body) });
  } catch (e) {
    return { ok: false, status: 0, body: { detail: t('network') }, headers: new Headers() };
  }
  let data = null;
  const ct = r.headers.get('content-type') || '';
  if (ct.includes('json')) data = await r.json().catch(() => null);
  else data = await r.text();
  return { ok: r.ok, status: r.status, body: data, headers: r.headers };
}
export function problemText(res) {
  if (res.status === 401) return t('unauthorized');
  if (res.status === 403) return t('forbidden') + (res.body && res.body.detail ? ' (' + res.body.detail + ')' : '');
  if (res.status === 412) return t('stale');
  return (res.body && res.body.detail) || t('error') + ' ' + res.status;
}
