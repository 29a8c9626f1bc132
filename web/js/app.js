// diachiso map viewer: MapLibre GL JS over the registry's own API. Works offline: every base
// layer is the project's data, glyphs are served by the binary. Vietnamese first.
//
// The entry module: the other modules set up their own part of the page when imported; this
// one ties together what spans several of them and starts the viewer.
import { applyLanguage, onLanguageChange } from './i18n.js';
import { applyPlaceFilter, loadKinds, renderLegend } from './kinds.js';
import { loadCommunes, map, refreshStreets } from './map.js';
import { openFromHash, redrawPlaceCard } from './place-card.js';
import { renderPopLegend } from './population.js';
import { renderSession, restoreSession } from './signin.js';
// Imported for what they set up: the search box, map clicks and the staff tools (the
// geocoder's part of the search box comes with search.js).
import './search.js';
import './what-is-here.js';
import './register.js';
import './streets.js';
import './progress.js';
import './geocode-batch.js';
import './import.js';

onLanguageChange(() => { renderLegend(); renderSession(); renderPopLegend(); redrawPlaceCard(); });

map.on('load', () => {
  loadCommunes();
  refreshStreets();
  openFromHash();
});

(async () => {
  await loadKinds();
  applyLanguage();
  if (map.loaded()) applyPlaceFilter(); else map.once('load', applyPlaceFilter);
  await restoreSession();
})();
