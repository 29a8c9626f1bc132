// The population layers: H3 hexagons at a resolution that follows the zoom (fetched again on
// every move while switched on), communes (fetched when switched on), and their legend.
import { api, problemText } from './api.js';
import { t } from './i18n.js';
import { map, vis } from './map.js';
import { setStatus } from './panel.js';
import { POP_COLOURS, POP_STEPS, POP_SUPPRESSED } from './style.js';
import { $ } from './util.js';

function h3Resolution(z) {
  if (z < 9.5) return 6;
  if (z < 10.8) return 7;
  if (z < 12.2) return 8;
  if (z < 13.6) return 9;
  return 10;
}
let popSeq = 0;
async function refreshPopulationH3() {
  const seq = ++popSeq;
  const b = map.getBounds();
  const bbox = [Math.max(b.getWest(), 102), Math.max(b.getSouth(), 6), Math.min(b.getEast(), 118), Math.min(b.getNorth(), 23.5)].map((x) => x.toFixed(5)).join(',');
  const res = h3Resolution(map.getZoom());
  const r = await api('GET', `/api/population/h3?res=${res}&bbox=${bbox}`);
  if (seq !== popSeq) return;
  if (!r.ok) { setStatus(r.status === 404 ? t('pop_404') : problemText(r), 'bad'); return; }
  map.getSource('pop-h3').setData(r.body);
  window.__viewer.popH3 = r.body;
  document.body.dataset.popH3 = String(res);
}
async function loadPopulationCommunes() {
  const r = await api('GET', '/api/population/communes');
  if (!r.ok) { setStatus(r.status === 404 ? t('pop_404') : problemText(r), 'bad'); return; }
  map.getSource('pop-communes').setData(r.body);
}
export function renderPopLegend() {
  const on = $('lyr-pop-h3').checked || $('lyr-pop-communes').checked;
  const el = $('pop-legend');
  el.hidden = !on;
  if (!on) return;
  el.innerHTML = `<div class="ramp" aria-hidden="true">${POP_COLOURS.map((c) => `<span style="background:${c}"></span>`).join('')}<span style="background:${POP_SUPPRESSED}"></span></div>
    <div class="labels"><span>0</span><span>${POP_STEPS[3].toLocaleString('vi')}</span><span>${POP_STEPS[6].toLocaleString('vi')}+ ${t('density')}</span><span>${t('suppressed')}</span></div>`;
}

$('lyr-pop-h3').addEventListener('change', (e) => {
  vis(['pop-h3'], e.target.checked);
  if (e.target.checked) refreshPopulationH3();
  renderPopLegend();
});
$('lyr-pop-communes').addEventListener('change', (e) => {
  vis(['pop-communes'], e.target.checked);
  if (e.target.checked) loadPopulationCommunes();
  renderPopLegend();
});

map.on('moveend', () => {
  if ($('lyr-pop-h3').checked) refreshPopulationH3();
});
