// The map's style: its sources, its layers in drawing order, and the colours other modules
// reuse (the kind legend, the population legend, the browser test's pixel checks). No map
// here, so every module can import the colours without waiting for the map.

export const KIND_COLOURS = {
  public_building: '#1f5fa8', government_office: '#c0262d', business: '#e07b00', tourist_site: '#138a3a',
  bus_station: '#7b3fa6', parking_lot: '#0f8b9a', religious_site: '#8a5a2b', community_point: '#d14f9c',
  house: '#6b7780', other: '#9a9a1e',
};
// Population ramp (residents per km²), light to dark; suppressed cells grey.
export const POP_STEPS = [0, 200, 500, 1000, 2000, 5000, 10000];
export const POP_COLOURS = ['#fff3b0', '#ffd166', '#f8961e', '#f3722c', '#e03b24', '#b0151f', '#6d0a1a'];
export const POP_SUPPRESSED = '#bfc5ca';

export const PROVINCE_BOUNDS = [[105.893, 20.244], [106.653, 21.008]];
const basemapUrl = localStorage.getItem('diachiso.basemap') || '';
export const style = {
  version: 8,
  glyphs: '/viewer/glyphs/{range}.pbf?font={fontstack}',
  sources: {
    province: { type: 'geojson', data: '/api/province' },
    communes: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    'commune-labels': { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    streets: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    places: { type: 'vector', tiles: [location.origin + '/tiles/places/{z}/{x}/{y}.mvt'], minzoom: 0, maxzoom: 16 },
    'pop-h3': { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    'pop-communes': { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    selection: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    draft: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    plan: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
  },
  layers: [
    { id: 'bg', type: 'background', paint: { 'background-color': '#e9edf0' } },
    { id: 'province-fill', type: 'fill', source: 'province', paint: { 'fill-color': '#fbfaf6' } },
    { id: 'pop-communes', type: 'fill', source: 'pop-communes', layout: { visibility: 'none' }, paint: popPaint() },
    { id: 'pop-h3', type: 'fill', source: 'pop-h3', layout: { visibility: 'none' }, paint: popPaint() },
    { id: 'commune-line', type: 'line', source: 'communes', paint: { 'line-color': '#7d8b97', 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 0.5, 13, 1.5], 'line-dasharray': [3, 2] } },
    { id: 'province-line', type: 'line', source: 'province', paint: { 'line-color': '#8c3b2e', 'line-width': 2.2 } },
    { id: 'streets-casing', type: 'line', source: 'streets', minzoom: 12, paint: { 'line-color': '#9aa6b0', 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 2, 18, 14] }, layout: { 'line-cap': 'round', 'line-join': 'round' } },
    { id: 'streets', type: 'line', source: 'streets', minzoom: 12, paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 1, 18, 11] }, layout: { 'line-cap': 'round', 'line-join': 'round' } },
    { id: 'streets-label', type: 'symbol', source: 'streets', minzoom: 14, layout: { 'symbol-placement': 'line', 'text-field': ['get', 'display_name'], 'text-font': ['Noto Sans Regular'], 'text-size': 12 }, paint: { 'text-color': '#37434d', 'text-halo-color': '#fff', 'text-halo-width': 1.5 } },
    { id: 'commune-label', type: 'symbol', source: 'commune-labels', minzoom: 9, maxzoom: 15, layout: { 'text-field': ['get', 'name'], 'text-font': ['Noto Sans Regular'], 'text-size': ['interpolate', ['linear'], ['zoom'], 9, 11, 13, 15], 'text-allow-overlap': false }, paint: { 'text-color': '#2f3e4a', 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 } },
    {
      id: 'places', type: 'circle', source: 'places', 'source-layer': 'places',
      paint: {
        'circle-color': kindColourExpr(),
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, ['min', 9, ['+', 2, ['*', 0.9, ['ln', ['+', 1, ['coalesce', ['get', 'count'], 1]]]]]], 14, 5, 18, 9],
        'circle-stroke-color': ['match', ['get', 'status'], 'provisional', '#1b1b1b', '#ffffff'],
        'circle-stroke-width': ['match', ['get', 'status'], 'provisional', 2, 1],
        'circle-opacity': ['match', ['get', 'status'], 'retired', 0.35, 0.95],
      },
    },
    { id: 'places-label', type: 'symbol', source: 'places', 'source-layer': 'places', minzoom: 15, filter: ['!=', ['get', 'kind'], 'house'], layout: { 'text-field': ['get', 'name'], 'text-font': ['Noto Sans Regular'], 'text-size': 12, 'text-offset': [0, 1.1], 'text-anchor': 'top', 'text-optional': true }, paint: { 'text-color': '#17232d', 'text-halo-color': '#fff', 'text-halo-width': 1.5 } },
    { id: 'plan-label', type: 'symbol', source: 'plan', layout: { 'text-field': ['get', 'label'], 'text-font': ['Noto Sans Regular'], 'text-size': 12, 'text-offset': [0, -1.2], 'text-allow-overlap': true }, paint: { 'text-color': ['case', ['get', 'changed'], '#a3211c', '#1d6b36'], 'text-halo-color': '#fff', 'text-halo-width': 2 } },
    { id: 'selection', type: 'circle', source: 'selection', paint: { 'circle-radius': 11, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#f0a400', 'circle-stroke-width': 3 } },
    { id: 'draft-line', type: 'line', source: 'draft', filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': '#0b5d8c', 'line-width': 4, 'line-dasharray': [2, 1] } },
    { id: 'draft-point', type: 'circle', source: 'draft', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 6, 'circle-color': '#0b5d8c', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
  ],
};
if (basemapUrl) {
  style.sources.basemap = { type: 'raster', tiles: [basemapUrl], tileSize: 256 };
  style.layers.splice(1, 0, { id: 'basemap', type: 'raster', source: 'basemap' });
  style.layers.find((l) => l.id === 'province-fill').paint['fill-opacity'] = 0.25;
}
function kindColourExpr() {
  const e = ['match', ['get', 'kind']];
  for (const [k, c] of Object.entries(KIND_COLOURS)) e.push(k, c);
  e.push('#444444');
  return e;
}
function popPaint() {
  const colour = ['step', ['coalesce', ['get', 'density_per_km2'], 0], POP_COLOURS[0]];
  for (let i = 1; i < POP_STEPS.length; i++) colour.push(POP_STEPS[i], POP_COLOURS[i]);
  return {
    'fill-color': ['case', ['==', ['get', 'suppressed'], true], POP_SUPPRESSED, colour],
    'fill-opacity': 0.8,
    'fill-outline-color': 'rgba(90,60,40,0.35)',
  };
}
