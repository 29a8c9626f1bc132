// "Đối chiếu địa chỉ (CSV)": a staff panel that sends a CSV file of addresses to
// POST /api/geocode/batch. The header is read here first (so the officer ticks the address
// columns by name, in the order they join), the answered file is offered for download, and a
// summary counts its rows by match level.
import { api, problemText } from './api.js';
import { fold } from './geocode.js';
import { lang, onLanguageChange, t } from './i18n.js';
import { endMode } from './mode.js';
import { openSheet } from './panel.js';
import * as state from './state.js';
import { $, esc } from './util.js';

// As the API: the largest body it takes (MAX_BATCH_BYTES).
const MAX_BYTES = 256 * 1024 * 1024;
// The header is read from the file's start only: a file may be hundreds of megabytes.
const HEAD_BYTES = 64 * 1024;
const LEVELS = ['house', 'street', 'place', 'commune'];

// The panel's state: the file, its delimiter and header, the columns ticked in order, the last
// answer (its summary and download link) and what went wrong (a function, so that a language
// switch says it again in the other language).
let file = null, delimiter = ',', header = [], picked = [], answer = null, busy = false, problem = null;
// The file input, made once and put back at every redraw: it holds the chosen file (a new one
// would say that no file is chosen). `owner`: the token the panel's work was done with.
let fileInput = null, owner = null;
// Counts the runs: an answer that comes after another file was chosen, or after someone else
// signed in, belongs to no one and is dropped.
let runs = 0;

// The delimiter as the API finds it: `,`, `;` or tab, whichever the first line has most of
// outside quotes (a tie goes to the earlier of the three).
export function detectDelimiter(firstLine) {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const c of firstLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c in counts) counts[c]++;
  }
  return [',', ';', '\t'].reduce((best, d) => (counts[d] > counts[best] ? d : best), ',');
}

// The records of a CSV text (RFC 4180: quoted fields with "" inside, CRLF, LF or CR line
// ends), calling `row` with each; blank lines are skipped as the API's reader skips them.
// `max` stops after that many records (the header alone).
export function parseCsv(text, d, row, max = Infinity) {
  let field = '', fields = [], quoted = false, n = 0, i = 0, touched = false;
  const end = () => {
    fields.push(field);
    if (touched || fields.length > 1 || field !== '') { row(fields); n++; }
    fields = []; field = ''; touched = false;
  };
  while (i < text.length && n < max) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += c;
    } else if (c === '"') { quoted = true; touched = true; }
    else if (c === d) { fields.push(field); field = ''; touched = true; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      end();
    } else field += c;
    i++;
  }
  if (n < max && (field !== '' || fields.length || touched)) end();
  return n;
}

// Counts of the answered file: rows, and rows by match level ('' when nothing matched).
// The API writes it with the delimiter it was sent with.
export function summarise(text, d) {
  let level = -1, rows = 0;
  const counts = { house: 0, street: 0, place: 0, commune: 0, none: 0 };
  parseCsv(text.replace(/^\uFEFF/, ''), d, (r) => {
    if (level < 0) { level = r.lastIndexOf('match_level'); return; }
    rows++;
    const l = (r[level] || '').trim();
    counts[l in counts && l !== 'none' ? l : 'none']++;
  });
  return { rows, counts, found: level >= 0 };
}

// The last answer's download link holds the whole file in memory until it is let go.
function forgetAnswer() {
  if (answer) URL.revokeObjectURL(answer.url);
  answer = null;
}

// The panel comes back as it was left (a file being matched goes on while another card is
// shown), unless someone else signed in since: their file and answer are not shown to them.
$('btn-geocode-batch').onclick = () => {
  endMode();
  if (owner !== state.token) {
    forgetAnswer();
    file = null; header = []; picked = []; problem = null; fileInput = null; busy = false; runs++;
  }
  owner = state.token;
  render();
  openSheet();
};
// Redraws the panel if it is on screen.
const redraw = () => { if ($('batch-card')) render(); };

function render() {
  const view = $('view');
  if (!fileInput) {
    fileInput = document.createElement('input');
    Object.assign(fileInput, { id: 'batch-file', type: 'file', accept: '.csv,.tsv,.txt,text/csv,text/tab-separated-values' });
    fileInput.onchange = () => readFile(fileInput.files[0]);
  }
  const cols = header.map((h, i) => {
    const at = picked.indexOf(i);
    return `<li><label class="col-pick"><input type="checkbox" data-col="${i}" ${at >= 0 ? 'checked' : ''}>
      <span class="ord" aria-hidden="true">${at >= 0 ? at + 1 : ''}</span><span class="col-name">${esc(h || t('batch_unnamed'))}</span></label></li>`;
  }).join('');
  view.innerHTML = `<section class="card" id="batch-card" aria-labelledby="batch-h">
    <h3 id="batch-h">${t('batch_h')}</h3>
    <p class="small muted">${t('batch_help')}</p>
    <label for="batch-file">${t('batch_file')}</label>
    <span id="batch-file-slot"></span>
    ${file ? `<p class="small muted" id="batch-info">${esc(file.name)} · ${esc(size(file.size))}${header.length ? ' · ' + t('batch_cols_n', { n: header.length }) + ' · ' + t('batch_delim') + ' ' + t('delims')[delimiter] : ''}</p>` : ''}
    ${header.length ? `<fieldset class="batch-cols"><legend>${t('batch_pick')}</legend>
      <ol class="col-list" id="batch-columns">${cols}</ol>
      <p class="small" id="batch-joined">${picked.length ? t('batch_joined') + ': ' + picked.map((i) => `<strong>${esc(header[i] || t('batch_unnamed'))}</strong>`).join(' + ') : t('batch_none')}</p>
    </fieldset>` : ''}
    <div class="actions"><button type="button" id="batch-run" ${header.length && picked.length && !busy ? '' : 'disabled'}>${t('batch_run')}</button></div>
    <p id="batch-error" class="error" role="alert">${problem ? esc(problem()) : ''}</p>
    <div id="batch-result" aria-live="polite">${busy ? `<p class="muted">${t('batch_busy')}</p>` : answer ? resultHtml() : ''}</div>
  </section>`;
  $('batch-file-slot').replaceWith(fileInput);
  view.querySelectorAll('input[data-col]').forEach((box) => {
    box.onchange = () => {
      const i = +box.dataset.col;
      picked = box.checked ? picked.filter((x) => x !== i).concat(i) : picked.filter((x) => x !== i);
      redraw();
      const again = view.querySelector(`input[data-col="${i}"]`);
      if (again) again.focus();
    };
  });
  $('batch-run').onclick = run;
}

const size = (b) => (b < 1024 ? b + ' B' : b < 1048576 ? (b / 1024).toFixed(1) + ' KB' : (b / 1048576).toFixed(1) + ' MB').replace('.', lang === 'vi' ? ',' : '.');

// Reads the header from the start of the file: UTF-8 (a byte-order mark is fine), the
// delimiter as the API will find it, and a column named like an address ticked to begin with.
async function readFile(f) {
  forgetAnswer();
  file = f || null; header = []; picked = []; problem = null; busy = false; runs++;
  if (!file) { redraw(); return; }
  if (file.size > MAX_BYTES) { problem = () => t('batch_too_large'); redraw(); return; }
  const head = await file.slice(0, HEAD_BYTES).arrayBuffer();
  let text;
  try {
    // `stream` when the slice may cut a character in two at its end.
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: file.size > HEAD_BYTES });
  } catch (e) {
    problem = () => t('batch_not_utf8'); redraw(); return;
  }
  text = text.replace(/^\uFEFF/, '');
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  if (!firstLine.trim()) { problem = () => t('batch_empty'); redraw(); return; }
  delimiter = detectDelimiter(firstLine);
  parseCsv(text, delimiter, (r) => { header = r.map((h) => h.trim()); }, 1);
  const address = header.findIndex((h) => /^(dia chi|address)/.test(fold(h)));
  if (address >= 0) picked = [address];
  redraw();
}

async function run() {
  if (!file || !picked.length || busy) return;
  forgetAnswer();
  busy = true; problem = null;
  const mine = ++runs;
  render();
  const query = picked.map((i) => 'column=' + encodeURIComponent(header[i])).join('&');
  const r = await api('POST', '/api/geocode/batch?' + query, file, { 'Content-Type': 'text/csv; charset=utf-8', Accept: 'text/csv' });
  if (mine !== runs) return;
  busy = false;
  if (!r.ok || typeof r.body !== 'string') { problem = () => batchProblem(r); redraw(); return; }
  // A byte-order mark in front, as the file may have had: without it Excel reads UTF-8 as
  // the Windows code page and garbles the Vietnamese; the API reads the file back either way.
  const blob = new Blob(['\uFEFF', r.body], { type: 'text/csv;charset=utf-8' });
  answer = { url: URL.createObjectURL(blob), name: answeredName(file.name), summary: summarise(r.body, delimiter) };
  redraw();
  const link = $('batch-download');
  if (link) link.focus();
}

// "dia-chi.csv" → "dia-chi-doi-chieu.csv".
export const answeredName = (name) => name.replace(/\.(csv|tsv|txt)$/i, '') + '-doi-chieu.csv';

function resultHtml() {
  const { rows, counts } = answer.summary;
  const pct = (n) => (rows ? Math.round((n / rows) * 1000) / 10 : 0).toLocaleString(lang === 'vi' ? 'vi' : 'en') + '%';
  const line = (key, label) => `<tr data-level="${key}"><th scope="row">${esc(label)}</th><td class="num">${counts[key].toLocaleString('vi')}</td><td class="num">${pct(counts[key])}</td></tr>`;
  return `<div id="batch-summary">
    <p><strong id="batch-rows">${rows.toLocaleString('vi')}</strong> ${t('batch_rows')}</p>
    <table class="batch-table"><thead><tr><th scope="col">${t('batch_level')}</th><th scope="col" class="num">${t('batch_count')}</th><th scope="col" class="num">%</th></tr></thead>
    <tbody>${LEVELS.map((l) => line(l, t('geo_levels')[l])).join('')}${line('none', t('batch_unmatched'))}</tbody></table>
    <a class="button" id="batch-download" href="${answer.url}" download="${esc(answer.name)}">${t('batch_download')} <span class="small">(${esc(answer.name)})</span></a>
  </div>`;
}

// The API's reasons (English) in Vietnamese where we know them; its own words otherwise.
function batchProblem(r) {
  if (r.status === 0 || r.status === 401 || r.status === 403) return problemText(r);
  if (r.status === 413) return t('batch_too_large');
  const detail = (r.body && r.body.detail) || '';
  if (lang === 'vi') {
    let m;
    if ((m = /^the file is not valid UTF-8 \(byte (\d+)\)/.exec(detail))) return t('batch_not_utf8_at', { n: m[1] });
    if (/^the file is empty/.test(detail)) return t('batch_empty');
    if ((m = /^no column "(.*)" in the header; the columns are: (.*)$/.exec(detail))) return t('batch_no_column', { c: m[1], all: m[2] });
    if ((m = /^the file has more than (\d+) rows/.exec(detail))) return t('batch_too_many', { n: Number(m[1]).toLocaleString('vi') });
    if ((m = /^the file cannot be read as CSV \(line (\d+)\): (.*)$/.exec(detail))) return t('batch_malformed', { n: m[1], why: m[2] });
  }
  return detail ? t('error') + ' ' + r.status + ': ' + detail : problemText(r);
}

onLanguageChange(redraw);
