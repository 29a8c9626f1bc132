// Address matching in the search box (GET /api/geocode): when a text is address-shaped, the
// geocoder's answers (house, street, place or commune) and what it understood of the text;
// a street or commune answer has no place to open, so it gets a small card of its own.
import { api } from './api.js';
import { onLanguageChange, t } from './i18n.js';
import { map, setSelection } from './map.js';
import { openSheet, setStatus } from './panel.js';
import { openPlace } from './place-card.js';
import { $, esc } from './util.js';

// The API refuses longer texts (one address, MAX_ADDRESS_QUERY_CHARS).
const MAX_CHARS = 300;

// Lower case without diacritics, đ as d: people type addresses both ways, and the keywords
// below must be found in "so 12 ngo 5" as in "số 12 ngõ 5".
export const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();

// Whole words that only an address has (folded): số / SN, alley and street types, hamlet
// words, administrative units and their abbreviations. Not "thị" (thị trấn, thị xã) nor
// "quận": folded, they are "Thị" and "Quân" of people's names.
const KEYWORDS = new Set(['so', 'sn', 'ngo', 'ngach', 'hem', 'kiet', 'duong', 'pho', 'phuong', 'xa',
  'huyen', 'tinh', 'thon', 'xom', 'tdp', 'kp', 'tp', 'tx']);

// Whether a text reads like an address rather than a place's name: a house number followed
// by words ("12 Nguyễn Văn Linh", "12A/5 …"), a comma, an address keyword, or an abbreviated
// unit with its dot ("P. Hiến Nam", "TP. Hưng Yên", "Đ. Điện Biên").
export function looksLikeAddress(raw) {
  const q = raw.trim();
  if (q.length < 3) return false;
  if (/^[\d\s.-]+$/.test(q)) return false; // a location code, or only numbers
  if (q.includes(',')) return true;
  if (/^\d+[a-zA-Z]?([/-]\d+[a-zA-Z]?)*\s+\p{L}/u.test(q)) return true;
  const f = fold(q);
  if (/(^|[\s,])(p|tp|tx|tt|q|d)\.\s*\S/.test(f)) return true;
  return f.split(/[^a-z0-9]+/).some((w) => KEYWORDS.has(w));
}

// Asks the geocoder; null when the text cannot be asked (too long) or the call failed, so
// that the search list stays as /api/search made it.
export async function geocode(q, limit = 5) {
  if (!q || q.length > MAX_CHARS) return null;
  const r = await api('GET', `/api/geocode?q=${encodeURIComponent(q)}&limit=${limit}`);
  if (!r.ok || !r.body || !Array.isArray(r.body.features)) return null;
  return { query: r.body.query || {}, features: r.body.features };
}

export const levelLabel = (level) => t('geo_levels')[level] || level;

// "Phường Hiến Nam, TP. Hưng Yên": the former units an answer was converted from, with the
// usual abbreviation of the former city. The former province is named only when it is not
// today's (Thái Bình): the old Hưng Yên has the same name.
export function convertedText(c) {
  if (!c) return '';
  const province = c.province && !/Hưng Yên$/.test(c.province) ? c.province : null;
  return [c.commune, c.district, province].filter(Boolean)
    .map((s) => s.replace(/^Thành phố /, 'TP. ').replace(/^Thị xã /, 'TX. ')).join(', ');
}
// The API writes an address as a line goes ("phố Nguyễn Văn Linh, phường …"); shown on its
// own, it starts with a capital.
export const capital = (s) => (s ? s[0].toUpperCase() + s.slice(1) : '');
const percent = (score) => Math.round((Number(score) || 0) * 100) + '%';

// One line of the search list for an answer: its level, the address, and what else tells it
// apart (the place's name, its code, the former units, how sure the match is).
export function optionHtml(f, i) {
  const p = f.properties;
  const sub = [p.name, p.code_display, p.converted_from ? t('converted_from') + ': ' + convertedText(p.converted_from) : '', t('score') + ' ' + percent(p.score)]
    .filter(Boolean).map(esc).join(' · ');
  return `<li role="option" id="opt-${i}" data-i="${i}" aria-selected="false" class="geo-option">
    <span class="lvl lvl-${esc(p.match_level)}">${esc(levelLabel(p.match_level))}</span> ${esc(capital(p.full_address))}
    <span class="sub">${sub}</span></li>`;
}

// The street's type word as an address writes it, Vietnamese in both languages: it is part
// of the street's name on its plates.
const STREET_WORDS = { duong: 'đường', pho: 'phố' };

// What the geocoder understood of the text, in the words of an address (Số nhà, Ngõ, Đường,
// Thôn/Tổ, Xã/Phường, Huyện cũ, Tỉnh), as [label, value] pairs.
export function parsedRows(parsed) {
  if (!parsed) return [];
  const rows = [];
  const unit = (u) => ((u.names && u.names.length ? u.names.join(' / ') : u.written) || '') + (u.former ? ' (' + t('geo_former') + ')' : '');
  if (parsed.house_number) rows.push([t('geo_p_house'), parsed.house_number]);
  for (const a of parsed.alleys || []) rows.push([t('geo_alleys')[a.kind] || a.kind, a.value]);
  if (parsed.street) {
    const word = STREET_WORDS[parsed.street.kind] || '';
    rows.push([t('geo_p_street'), (word ? word + ' ' : '') + parsed.street.name]);
  }
  if (parsed.hamlet) rows.push([t('geo_p_hamlet'), parsed.hamlet]);
  if (parsed.other) rows.push([t('geo_p_other'), parsed.other]);
  if (parsed.commune) rows.push([t('geo_p_commune'), unit(parsed.commune)]);
  if (parsed.district) rows.push([t('geo_p_district'), unit(parsed.district)]);
  if (parsed.province) rows.push([t('geo_p_province'), unit(parsed.province)]);
  if (parsed.outside) rows.push([t('geo_p_province'), t('geo_outside')]);
  if (parsed.typos) rows.push([t('geo_p_typos'), String(parsed.typos)]);
  return rows;
}

let shown = null; // {feature, query}: the answer of the card on screen, for a language switch

// A street or commune answer: the map flies to its point and a card says what was found and
// what was understood.
export function showGeocodeCard(f, query, opts) {
  shown = { feature: f, query };
  const p = f.properties;
  const coords = f.geometry.coordinates;
  history.replaceState(null, '', location.pathname + location.search);
  setSelection(coords);
  if (!opts || opts.fly !== false) map.flyTo({ center: coords, zoom: p.match_level === 'commune' ? 13 : 17, duration: 600 });
  const rows = parsedRows(query && query.parsed);
  const parsed = (query && query.parsed) || {};
  // A number the registry does not have: say so, rather than let the street look like it.
  const missing = p.match_level !== 'house' && parsed.house_number
    ? t('geo_no_house', { n: parsed.house_number }) : '';
  const notes = (p.notes || []).map((n) => t('geo_notes')[n] || n);
  $('view').innerHTML = `<section class="card" id="geo-card" aria-labelledby="geo-address">
    <div class="kind"><span class="lvl lvl-${esc(p.match_level)}" id="geo-level">${esc(levelLabel(p.match_level))}</span>
      <span>${t('score')} <strong id="geo-score">${percent(p.score)}</strong></span></div>
    <h3 id="geo-address">${esc(capital(p.full_address))}</h3>
    ${p.converted_from ? `<p class="small" id="geo-converted">${t('converted_from')}: ${esc(convertedText(p.converted_from))}</p>` : ''}
    ${missing ? `<p class="small warn" id="geo-missing">${esc(missing)}</p>` : ''}
    ${rows.length ? `<h4>${t('geo_understood')}${query && query.text ? ` <span class="muted small">“${esc(query.text)}”</span>` : ''}</h4>
    <dl class="props" id="geo-parsed">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>` : ''}
    ${notes.length ? `<p class="small muted" id="geo-notes">${t('geo_notes_h')}: ${esc(notes.join('; '))}</p>` : ''}
    <p class="small muted">${t('point')}: ${coords[1].toFixed(6)}, ${coords[0].toFixed(6)}</p>
  </section>`;
  openSheet();
}

// An answer chosen in the list: a house or place opens its card by its code (as a search
// result does); a street or commune, or a place that cannot be opened, gets the small card.
export async function chooseAnswer(f, query) {
  const p = f.properties;
  if ((p.match_level === 'house' || p.match_level === 'place') && p.code) {
    shown = null;
    if (await openPlace(p.code)) return;
    setStatus('');
  }
  showGeocodeCard(f, query);
}

onLanguageChange(() => {
  if (shown && $('geo-card')) showGeocodeCard(shown.feature, shown.query, { fly: false });
});
