// "Nhập địa điểm từ tệp": a staff panel (editor and above) that sends a spreadsheet or a
// GeoJSON file to POST /api/imports, first as a dry run (nothing written: every row decided,
// its problems listed), then, when the officer agrees, for real; both run as a job on the
// server, polled until it ends, then its report is read. The API's reasons are English; the
// common ones are said in Vietnamese here.
import { api, problemText } from './api.js';
import { fieldMessage, lang, onLanguageChange, t, TEXT } from './i18n.js';
import { communeNames, refreshPlaces } from './map.js';
import { endMode } from './mode.js';
import { openSheet, setStatus } from './panel.js';
import { openPlace } from './place-card.js';
import * as state from './state.js';
import { $, esc, grouped } from './util.js';

// As the API: the largest file it takes (MAX_IMPORT_BYTES); larger ones are for the command line.
const MAX_BYTES = 64 * 1024 * 1024;
// How often a running job is asked for its progress.
const POLL_MS = 500;
// Rows with something to look at shown in the panel; the rest are in the report file.
const SHOWN_ROWS = 200;
// The systems an officer meets in Hưng Yên ('' is WGS 84 degrees, the API's default).
const SYSTEMS = [['', 'imp_crs_wgs84'], ['EPSG:9209', 'imp_crs_9209'], ['EPSG:4756', 'imp_crs_4756'], ['EPSG:3405', 'imp_crs_3405']];

// The panel's state, kept across redraws and while another card is shown: the settings, the
// job being polled (`live`), the finished dry run and import with their report rows, and what
// went wrong (a function, so that a language switch says it again in the other language).
let file = null, crs = '', columns = '', certified = false;
let busy = false, live = null, dry = null, done = null, problem = null, total = null;
// The file input, made once and put back at every redraw (a new one would forget the file).
// `owner`: the token the panel's work was done with.
let fileInput = null, owner = null;
// Counts the runs: a job polled after another file was chosen, or after someone else signed
// in, belongs to no one and is dropped.
let runs = 0;

// A new file, or a new person: everything done before is forgotten.
function forget() {
  dry = null; done = null; live = null; problem = null; busy = false; total = null; runs++;
}

$('btn-import').onclick = () => {
  endMode();
  if (owner !== state.token) {
    forget();
    file = null; crs = ''; columns = ''; certified = false; fileInput = null;
  }
  owner = state.token;
  if (!state.canReview()) certified = false;
  render();
  openSheet();
};
const shown = () => !!$('imp-card');
// Redraws the whole panel (a language switch) or only its result part (progress, answers),
// which keeps the focus where it is in the form.
const redraw = () => { if (shown()) render(); };
const redrawResult = () => {
  if (!shown()) return;
  // A button of the result part that had the focus keeps it.
  const box = $('imp-result');
  const had = box.contains(document.activeElement) ? document.activeElement.id : '';
  box.innerHTML = resultHtml();
  bindResult();
  if (had && $(had)) $(had).focus();
};

function render() {
  if (!fileInput) {
    fileInput = document.createElement('input');
    // Out of sight: its own button would speak the browser's language ("Choose File"); the
    // panel's button opens it.
    Object.assign(fileInput, { id: 'imp-file', type: 'file', accept: '.csv,.tsv,.txt,.xlsx,.geojson,.json,.ndjson', tabIndex: -1, className: 'sr-only' });
    fileInput.setAttribute('aria-hidden', 'true');
    fileInput.onchange = () => chooseFile(fileInput.files[0]);
  }
  $('view').innerHTML = `<section class="card" id="imp-card" aria-labelledby="imp-h">
    <h3 id="imp-h">${t('imp_h')}</h3>
    <p class="small muted" id="imp-help">${t('imp_help')}</p>
    <label for="imp-pick">${t('imp_file')}</label>
    <div class="file-pick"><button type="button" class="ghost" id="imp-pick" aria-describedby="imp-info imp-help">${t(file ? 'imp_pick_other' : 'imp_pick')}</button>
      <span class="small ${file ? '' : 'muted'}" id="imp-info">${file ? `${esc(file.name)} · ${esc(size(file.size))}` : t('imp_no_file')}</span><span id="imp-file-slot"></span></div>
    <label for="imp-crs">${t('imp_crs')}</label>
    <select id="imp-crs" aria-describedby="imp-crs-help">${SYSTEMS.map(([v, k]) => `<option value="${v}" ${v === crs ? 'selected' : ''}>${t(k)}</option>`).join('')}</select>
    <p class="small muted" id="imp-crs-help">${t('imp_crs_help')}</p>
    <label for="imp-columns">${t('imp_columns')}</label>
    <input id="imp-columns" type="text" autocomplete="off" spellcheck="false" placeholder="name=Tên cơ sở,kind=Loại hình" aria-describedby="imp-columns-help" value="${esc(columns)}">
    <p class="small muted" id="imp-columns-help">${t('imp_columns_help')}</p>
    ${state.canReview() ? `<label class="check"><input type="checkbox" id="imp-certified" aria-describedby="imp-certified-help" ${certified ? 'checked' : ''}> ${t('imp_certified')}</label>
      <p class="small muted" id="imp-certified-help">${t('imp_certified_help')}</p>` : ''}
    <div class="actions"><button type="button" id="imp-check">${t('imp_check')}</button></div>
    <div id="imp-result" aria-live="polite">${resultHtml()}</div>
  </section>`;
  $('imp-file-slot').replaceWith(fileInput);
  $('imp-pick').onclick = () => fileInput.click();
  $('imp-crs').onchange = (e) => { crs = e.target.value; redrawResult(); };
  // Kept as typed without a redraw (that would take the caret away); the result part says
  // when the settings are no longer those the dry run was made with.
  $('imp-columns').oninput = (e) => { columns = e.target.value; };
  $('imp-columns').onchange = () => redrawResult();
  const cert = $('imp-certified');
  if (cert) cert.onchange = () => { certified = cert.checked; redrawResult(); };
  $('imp-check').onclick = () => run(true);
  bindResult();
}

const size = (b) => (b < 1024 ? b + ' B' : b < 1048576 ? (b / 1024).toFixed(1) + ' KB' : (b / 1048576).toFixed(1) + ' MB').replace('.', lang === 'vi' ? ',' : '.');
const num = (n) => Number(n).toLocaleString('vi');

function chooseFile(f) {
  forget();
  file = f || null;
  if (file && file.size > MAX_BYTES) problem = () => t('imp_too_large');
  redraw();
  // The next step: the dry run.
  const next = shown() && $('imp-check');
  if (next && !next.disabled) next.focus();
}

// What the run is made with: an import is the dry run's file read the same way.
const settings = () => ({ crs, columns: columns.trim(), certified: certified && state.canReview() });
const sameSettings = (a, b) => a.crs === b.crs && a.columns === b.columns && a.certified === b.certified;

// The records a text file holds, about (its lines, less a spreadsheet's header), for the
// progress bar; null for a workbook or a GeoJSON file, whose records are not lines.
async function countRecords(f) {
  const ext = (/\.([^.]+)$/.exec(f.name) || [])[1];
  const kind = ext && ext.toLowerCase();
  if (!['csv', 'tsv', 'txt', 'ndjson'].includes(kind)) return null;
  const bytes = new Uint8Array(await f.arrayBuffer());
  let lines = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) lines++;
  if (bytes.length && bytes[bytes.length - 1] !== 10) lines++;
  return Math.max(kind === 'ndjson' ? lines : lines - 1, 1);
}

async function run(dryRun) {
  if (!file || busy) return;
  if (file.size > MAX_BYTES) { problem = () => t('imp_too_large'); redrawResult(); return; }
  const mine = ++runs;
  const made = settings();
  busy = true; problem = null; live = null; done = null;
  if (dryRun) dry = null;
  redrawResult();
  total = await countRecords(file).catch(() => null);
  if (mine !== runs) return;
  const q = ['name=' + encodeURIComponent(file.name)];
  if (made.crs) q.push('crs=' + encodeURIComponent(made.crs));
  if (made.columns) q.push('columns=' + encodeURIComponent(made.columns));
  if (made.certified) q.push('certified=true');
  if (dryRun) q.push('dry_run=true');
  // The file itself is the body (a form would be refused with 415).
  const r = await api('POST', '/api/imports?' + q.join('&'), file, { 'Content-Type': 'application/octet-stream' });
  if (mine !== runs) return;
  if (r.status !== 202 || !r.body || !r.body.id) { busy = false; problem = () => startProblem(r); redrawResult(); return; }
  live = r.body;
  const self = r.headers.get('location') || live.links.self;
  redrawResult();
  while (live.state === 'running') {
    await new Promise((res) => setTimeout(res, POLL_MS));
    if (mine !== runs) return;
    const p = await api('GET', self);
    if (mine !== runs) return;
    if (!p.ok || !p.body) { busy = false; problem = () => problemText(p); redrawResult(); return; }
    live = p.body;
    redrawResult();
  }
  const rep = await api('GET', live.links.report + '?format=json');
  if (mine !== runs) return;
  const rows = rep.ok && rep.body && Array.isArray(rep.body.rows) ? rep.body.rows : [];
  const answer = { job: live, rows, settings: made, file };
  if (dryRun) dry = answer; else done = answer;
  busy = false; live = null;
  learnDemo(answer);
  if (!dryRun && answer.job.accepted > 0) {
    // The new places on the map (the tiles are cut again after any write).
    refreshPlaces();
    if (!shown()) setStatus(t('imp_done_status', { n: num(answer.job.accepted), f: file.name }), 'good');
  }
  redrawResult();
  // The next thing to do, for the keyboard: import, or read what happened.
  const next = $('imp-run') || $('imp-summary-h');
  if (next && shown()) next.focus();
}

// ------------------------------------------------------------------ the result part

function resultHtml() {
  let html = problem ? `<p id="imp-error" class="error" role="alert">${esc(problem())}</p>` : '';
  if (busy) return html + progressHtml();
  const a = done || dry;
  if (!a) return html;
  return html + summaryHtml(a);
}

function progressHtml() {
  const n = live ? live.records_done : 0;
  const importing = live && !live.dry_run;
  const known = total && live;
  return `<div id="imp-progress" class="imp-progress">
    <p><strong>${t(importing ? 'imp_importing' : 'imp_checking')}</strong></p>
    <progress id="imp-bar" ${known ? `max="${total}" value="${Math.min(n, total)}"` : ''} aria-labelledby="imp-count"></progress>
    <p class="small" id="imp-count">${known ? t('imp_done_of', { n: num(n), t: num(total) }) : t('imp_done_n', { n: num(n) })}</p>
  </div>`;
}

// Counts, the job's message, the rows worth a look and the report download.
function summaryHtml(a) {
  const j = a.job;
  const wet = !j.dry_run;
  const count = (id, label, n, cls) => `<tr data-count="${id}"><th scope="row">${label}</th><td class="num ${n ? cls : ''}">${num(n)}</td></tr>`;
  const message = jobMessage(j);
  const ended = j.state === 'complete' || j.state === 'stopped' || j.state === 'unreadable' || j.state === 'failed';
  let html = `<div id="imp-summary">
    <h4 id="imp-summary-h" tabindex="-1">${t(wet ? 'imp_result_h' : 'imp_dry_h')}</h4>
    <p class="small muted imp-file">${esc(a.file.name)}</p>
    ${message ? `<p id="imp-message" class="${j.state === 'complete' ? 'muted' : 'error'}" role="${j.state === 'complete' ? 'note' : 'alert'}">${esc(message)}</p>` : ''}`;
  if (ended && (j.records_done > 0 || j.state === 'complete')) {
    html += `<table class="batch-table imp-counts"><tbody>
      ${count('read', t('imp_read'), j.records_done, '')}
      ${count('accepted', t(wet ? 'imp_imported' : 'imp_would'), j.accepted, 'good')}
      ${count('rejected', t('imp_rejected'), j.rejected, 'bad')}
      ${count('duplicates', t('imp_dups'), j.duplicates, 'warn')}
    </tbody></table>`;
    if (!wet) html += `<p class="small muted">${t('imp_dry_note')}</p>`;
    // The decision comes right after the counts; the rows are for those who want to look.
    if (a === dry && !done) html += nextHtml();
    html += rowsHtml(a.rows);
    if (j.duplicates) html += `<p class="small muted">${t('imp_dups_note')}</p>`;
    if (a.rows.length) {
      html += `<div class="actions"><button type="button" class="ghost" id="imp-download">${t('imp_download')} <span class="small">(${esc(reportName(a.file.name, wet))})</span></button></div>`;
    }
  }
  return html + '</div>';
}

// The rows with something to look at: refused, possible duplicates, and imported ones with a
// warning; at most SHOWN_ROWS of them.
const worthRows = (rows) => rows.filter((r) => r.outcome === 'rejected' || r.outcome === 'possible duplicate' || r.problems);
function rowsHtml(rows) {
  const worth = worthRows(rows);
  if (!worth.length) return `<p class="small" id="imp-clean">${t('imp_no_problems')}</p>`;
  const outcomes = t('imp_outcomes');
  const body = worth.slice(0, SHOWN_ROWS).map((r) => {
    const ok = r.outcome === 'imported' || r.outcome === 'would be imported';
    const cls = ok ? 'warn' : r.outcome === 'rejected' ? 'bad' : 'warn';
    const label = `<span class="nw">${esc(outcomes[r.outcome] || r.outcome)}</span>` + (ok ? ` <span class="nw">· ${t('imp_warning')}</span>` : '');
    return `<tr data-line="${r.line}" data-outcome="${esc(r.outcome)}"><td class="num">${r.line}</td>
      <td class="${cls}">${label}${ok && r.code ? `<br>${r.outcome === 'imported' ? codeButton(grouped(r.code)) : futureCode(r.code)}` : ''}</td>
      <td class="imp-why">${withCodes(esc(problemsText(r.problems)))}</td></tr>`;
  }).join('');
  const more = worth.length > SHOWN_ROWS ? `<p class="small" id="imp-more">${t('imp_more', { n: num(worth.length - SHOWN_ROWS) })}</p>` : '';
  return `<h4>${t('imp_rows_h')}</h4>
    <div class="table-scroll"><table class="imp-rows" id="imp-rows"><thead><tr><th scope="col" class="num">${t('imp_line')}</th><th scope="col">${t('imp_outcome')}</th><th scope="col">${t('imp_problems')}</th></tr></thead>
    <tbody>${body}</tbody></table></div>${more}`;
}
// A location code in a row (the place it may duplicate, the place a row became) opens its card;
// a generated (demo) place's is labelled so, as on its card.
const codeButton = (g) => {
  const code = g.replace(/\D/g, '');
  return `<button type="button" class="link" data-code="${code}">${g}</button>` + (demoCodes.get(code) ? ` <span class="badge demo nw">${t('demo')}</span>` : '');
};
const withCodes = (html) => html.replace(/\b\d{4} \d{4} \d{4}\b/g, codeButton);
// The code a row of a dry run would get: no place has it yet.
const futureCode = (c) => `<span class="nw imp-future" data-future="${esc(c)}">${grouped(c)}</span> <span class="small muted nw">(${t('imp_future')})</span>`;

// Whether the places named in the rows are generated (demo) data: looked up once per code, for
// the rows shown (at most DEMO_LOOKUPS codes at a time); the rows are drawn again when one is.
const demoCodes = new Map();
const DEMO_LOOKUPS = 50;
async function learnDemo(a) {
  const codes = new Set();
  for (const r of worthRows(a.rows).slice(0, SHOWN_ROWS)) {
    if (r.outcome === 'imported' && r.code) codes.add(r.code);
    for (const m of (r.problems || '').matchAll(/\b\d{12}\b/g)) codes.add(m[0]);
  }
  const ask = [...codes].filter((c) => !demoCodes.has(c)).slice(0, DEMO_LOOKUPS);
  if (!ask.length) return;
  const answers = await Promise.all(ask.map((c) => api('GET', '/api/places/' + c).then((r) => [c, !!(r.ok && r.body && r.body.properties && r.body.properties.generated)], () => [c, false])));
  for (const [c, generated] of answers) demoCodes.set(c, generated);
  if (answers.some(([, generated]) => generated) && (done || dry) === a) redrawResult();
}

// After a dry run: the import, when there is something to import and the settings are still
// those the dry run was made with.
function nextHtml() {
  const j = dry.job;
  if (j.state !== 'complete') return '';
  if (!j.accepted) return `<p class="small" id="imp-nothing">${t('imp_nothing')}</p>`;
  if (dry.file !== file || !sameSettings(dry.settings, settings())) return `<p class="small warn" id="imp-changed">${t('imp_changed')}</p>`;
  return `<div class="actions"><button type="button" class="ok" id="imp-run">${t('imp_run', { n: num(j.accepted) })}</button></div>`;
}

function bindResult() {
  if (!shown()) return;
  const go = $('imp-run');
  if (go) go.onclick = () => run(false);
  const dl = $('imp-download');
  if (dl) dl.onclick = () => download(done || dry);
  $('imp-result').querySelectorAll('button[data-code]').forEach((b) => { b.onclick = () => openPlace(b.dataset.code); });
  $('imp-check').disabled = !file || busy || file.size > MAX_BYTES;
}

// "khao-sat.xlsx" → "khao-sat-bao-cao-nhap.csv" (a dry run's: "khao-sat-bao-cao-kiem-tra.csv").
export const reportName = (name, wet) => name.replace(/\.(csv|tsv|txt|xlsx|xlsm|geojson|json|ndjson)$/i, '') + (wet ? '-bao-cao-nhap.csv' : '-bao-cao-kiem-tra.csv');

// The report CSV needs the token, so it is fetched here and handed over as a file, with a
// byte-order mark in front: without it Excel reads UTF-8 as the Windows code page.
async function download(a) {
  const r = await api('GET', a.job.links.report, undefined, { Accept: 'text/csv' });
  if (!r.ok || typeof r.body !== 'string') { setStatus(problemText(r), 'bad'); return; }
  const url = URL.createObjectURL(new Blob(['\uFEFF', r.body], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = reportName(a.file.name, !a.job.dry_run);
  document.body.appendChild(link); link.click(); link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ------------------------------------------------------------------ the API's words

// Why the import did not start, in Vietnamese where we know it.
function startProblem(r) {
  const detail = (r.body && r.body.detail) || '';
  if (r.status === 413) return t('imp_too_large');
  if (r.status === 429) return t('imp_busy_server');
  if (r.status === 415) return t('imp_format');
  if (r.status === 400 && lang === 'vi') {
    let m;
    if (detail === 'the file is empty') return t('imp_empty');
    if (/^(format is|cannot tell the format)/.test(detail)) return t('imp_format');
    if ((m = /^columns take field=Header pairs, not "(.*)"$/.exec(detail))) return t('imp_columns_bad', { c: m[1] });
  }
  return problemText(r);
}

// A finished job's message (why it ended as it did), in the viewer's language.
function jobMessage(j) {
  if (j.state === 'already_imported') return t('imp_already');
  if (j.state === 'failed') return t('imp_failed');
  const m = j.message || '';
  if (!m) return '';
  // Metres without a system: say which system to choose, in the words of the select.
  if (/^the coordinates are metres/.test(m)) return t('imp_metres');
  if (lang !== 'vi') return m;
  let x;
  if ((x = /^resumed after (\d+) records/.exec(m))) return t('imp_resumed', { n: num(x[1]) });
  if ((x = /^stopped at the first bad record \(strict\); (\d+) records/.exec(m))) return t('imp_stopped', { n: num(x[1]) });
  if ((x = /^no coordinate columns: .*\(the columns are: (.*)\)$/.exec(m))) return t('imp_m_no_coords', { all: x[1] });
  if ((x = /^no name column: .*\(the columns are: (.*)\)$/.exec(m))) return t('imp_m_no_name', { all: x[1] });
  if ((x = /^--columns: unknown field "(.*)" \((.*)\)$/.exec(m))) return t('imp_m_field', { f: x[1], all: x[2] });
  if ((x = /^--columns: no column "(.*)"; the columns are: (.*)$/.exec(m))) return t('imp_m_column', { c: x[1], all: x[2] });
  if ((x = /^the file is not valid UTF-8 \(byte (\d+)\)/.exec(m))) return t('batch_not_utf8_at', { n: x[1] });
  if (m === 'the file has no header line') return t('imp_m_no_header');
  if ((x = /^CSV line (\d+): (.*)$/.exec(m))) return t('batch_malformed', { n: x[1], why: x[2] });
  if ((x = /^the workbook cannot be read: (.*)$/.exec(m))) return t('imp_m_workbook', { why: x[1] });
  if ((x = /^the workbook has no sheet "(.*)"; its sheets are: (.*)$/.exec(m))) return t('imp_m_no_sheet', { s: x[1], all: x[2] });
  return m;
}

// A report row's problems ("; "-separated), each in Vietnamese where we know it. In English
// they are the API's words, but for the two most common: the commune is named, and the codes
// of possible duplicates are grouped 4-4-4 (and open their place).
export function problemsText(problems) {
  return (problems || '').split('; ').map(problemText1).join('; ');
}
function problemText1(p) {
  let x;
  if ((x = /^not allowed to write in commune (\d+)$/.exec(p))) return t('imp_p_commune', { c: (communeNames.has(x[1]) ? communeNames.get(x[1]) + ', ' : '') + x[1] });
  if ((x = /^similar to (.+) within 15 m/.exec(p))) return t('imp_p_similar', { c: x[1].split(', ').map(grouped).join(', ') });
  if (lang !== 'vi') return p;
  const words = TEXT.vi.imp_p_words;
  if ((x = /^unknown kind "(.*)": /.exec(p))) return t('imp_p_kind', { w: x[1] });
  if (/^no kind: /.test(p)) return t('imp_p_no_kind');
  if ((x = /^the point \((.+)\) is not inside any commune/.exec(p))) return t('imp_p_outside', { p: x[1] });
  if ((x = /^the point \((.+)\) is outside the national territory/.exec(p))) return t('imp_p_territory', { p: x[1] });
  if ((x = /^the file says commune (\d+); the point is in (\d+) \((.+)\), which is kept$/.exec(p))) return t('imp_p_says_code', { a: x[1], b: `${x[3]} (${x[2]})` });
  if ((x = /^the file says "(.*)" \(a former commune's name\?\); the point is in (.+), which is kept$/.exec(p))) return t('imp_p_says_name', { a: x[1], b: x[2] });
  if ((x = /^(.+) kept as an attribute$/.exec(p))) return t('imp_p_kept', { k: x[1] });
  if ((x = /^(.+) left out: an attribute of that name exists$/.exec(p))) return t('imp_p_left_exists', { k: x[1] });
  if ((x = /^(.+) left out: the registry sets them$/.exec(p))) return t('imp_p_left_registry', { k: x[1] });
  if (/^X and Y read as easting and northing/.test(p)) return t('imp_p_swapped');
  if ((x = /^(X|Y|easting|northing|longitude|latitude) "(.*)" is not a number$/.exec(p))) return t('imp_p_nan', { w: words[x[1]], v: x[2] });
  if ((x = /^(X|easting|longitude) or (Y|northing|latitude) is missing$/.exec(p))) return t('imp_p_missing', { a: words[x[1]], b: words[x[2]] });
  if (p === 'no name') return t('imp_p_no_name');
  if (p === 'no coordinates') return t('imp_p_no_coords');
  if (/^easting and northing are metres/.test(p)) return t('imp_p_en_metres');
  if ((x = /^longitude and latitude are degrees; (.+) is for X\/Y in metres$/.exec(p))) return t('imp_p_degrees', { c: x[1] });
  if (/^the coordinates give no point on Earth/.test(p)) return t('imp_p_no_point');
  // A field of the Feature: "/properties/name: is required" → "Tên: bắt buộc".
  if ((x = /^\/properties\/(\w+)(\/\S*)?: (.+)$/.exec(p)) && TEXT.vi[x[1]] && !x[2]) return t(x[1]) + ': ' + fieldMessage(x[3]);
  return p;
}

onLanguageChange(redraw);
