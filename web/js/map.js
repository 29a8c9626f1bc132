// The MapLibre map (the vendored UMD build sets window.maplibregl before the modules run), the
// data of its own sources (communes, streets, the places' tiles, the selection ring, drafts),
// the layer switches of the panel, PNG export and the optional basemap setting.
import { api } from './api.js';
import { t } from './i18n.js';
import { setStatus } from './panel.js';
import * as state from './state.js';
import { KIND_COLOURS, POP_COLOURS, POP_STEPS, PROVINCE_BOUNDS, style } from './style.js';
import { $ } from './util.js';

export const map = new maplibregl.Map({
  container: 'map',
  style,
  bounds: PROVINCE_BOUNDS,
  fitBoundsOptions: { padding: 20 },
  maxZoom: 20,
  canvasContextAttributes: { preserveDrawingBuffer: true },
  attributionControl: { compact: true, customAttribution: 'Sở Xây dựng Hưng Yên · diachiso' },
  transformRequest: (url) => {
    if (state.token && url.startsWith(location.origin + '/tiles/')) {
      return { url, headers: { Authorization: 'Bearer ' + state.token } };
    }
    return { url };
  },
});
map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
// A handle for the browser test (tests/browser/run.mjs) and the console; the population
// layer and the numbering plan add what they drew.
window.__viewer = { map, state, KIND_COLOURS, POP_COLOURS, POP_STEPS };

let firstRender = null;
map.once('idle', () => {
  firstRender = performance.now();
  window.__viewer.firstRenderMs = Math.round(firstRender);
  document.body.dataset.mapReady = '1';
});
map.on('moveend', () => refreshStreets());

// Commune names by code, once loaded: the import panel names the commune a refused row is in.
export const communeNames = new Map();
export async function loadCommunes() {
  const r = await api('GET', '/ogc/collections/communes/items?limit=200');
  if (!r.ok || !r.body) return;
  for (const f of r.body.features) communeNames.set(f.properties.code, f.properties.full_name || f.properties.name);
  map.getSource('communes').setData(r.body);
  const labels = r.body.features.map((f) => ({ type: 'Feature', properties: { name: f.properties.name, code: f.properties.code }, geometry: { type: 'Point', coordinates: labelPoint(f.geometry) } }));
  map.getSource('commune-labels').setData({ type: 'FeatureCollection', features: labels });
}
// The area-weighted centroid of the largest outer ring (good enough for a label).
function labelPoint(g) {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let best = null, bestA = -1;
  for (const p of polys) {
    const ring = p[0];
    let a = 0, cx = 0, cy = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
      a += f; cx += (ring[j][0] + ring[i][0]) * f; cy += (ring[j][1] + ring[i][1]) * f;
    }
    if (Math.abs(a) > bestA && a !== 0) { bestA = Math.abs(a); best = [cx / (3 * a), cy / (3 * a)]; }
  }
  return best || polys[0][0][0];
}

let streetsTimer = null;
export function refreshStreets() {
  clearTimeout(streetsTimer);
  streetsTimer = setTimeout(async () => {
    if (map.getZoom() < 12 || !$('lyr-streets').checked) return;
    const b = map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((x) => x.toFixed(5)).join(',');
    const r = await api('GET', '/api/streets?limit=2000&bbox=' + bbox);
    if (r.ok && r.body && r.body.features) map.getSource('streets').setData(r.body);
  }, 150);
}
// The tile URL changes after every write so that MapLibre drops its cached tiles.
let tileVersion = 0;
export function refreshPlaces() {
  tileVersion++;
  map.getSource('places').setTiles([location.origin + '/tiles/places/{z}/{x}/{y}.mvt?v=' + tileVersion]);
}
export function setSelection(coords) {
  map.getSource('selection').setData({ type: 'FeatureCollection', features: coords ? [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: coords } }] : [] });
}
export function setDraft(features) { map.getSource('draft').setData({ type: 'FeatureCollection', features }); }

// ------------------------------------------------------------------ layer switches
export const vis = (ids, on) => ids.forEach((id) => map.getLayer(id) && map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none'));
$('lyr-places').addEventListener('change', (e) => vis(['places', 'places-label'], e.target.checked));
$('lyr-streets').addEventListener('change', (e) => { vis(['streets', 'streets-casing', 'streets-label'], e.target.checked); refreshStreets(); });
$('lyr-communes').addEventListener('change', (e) => vis(['commune-line', 'commune-label'], e.target.checked));

// ------------------------------------------------------------------ PNG export
$('btn-png').onclick = () => {
  const url = map.getCanvas().toDataURL('image/png');
  const a = document.createElement('a');
  a.href = url;
  a.download = 'ban-do-hung-yen-' + new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-') + '.png';
  document.body.appendChild(a); a.click(); a.remove();
  setStatus(t('png_done'), 'good');
};

// ------------------------------------------------------------------ settings
$('btn-settings').onclick = () => { $('basemap-url').value = localStorage.getItem('diachiso.basemap') || ''; $('dlg-settings').showModal(); };
$('settings-cancel').onclick = () => $('dlg-settings').close();
$('settings-form').addEventListener('submit', () => {
  const v = $('basemap-url').value.trim();
  if (v) localStorage.setItem('diachiso.basemap', v); else localStorage.removeItem('diachiso.basemap');
  location.reload();
});

