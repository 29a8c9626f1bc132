// The map-click modes of the staff tools: picking a new place's point ('register') and adding
// a street's vertices ('street'). While one is on, a click on the map goes to it instead of
// opening what is there, the cursor is a crosshair and a hint on the map says what to do.
import { map, setDraft } from './map.js';
import { $ } from './util.js';

let mode = null; // null | { name, click(lngLat), end() }
export const currentMode = () => (mode ? mode.name : null);

function hint(text) {
  let h = document.querySelector('.mode-hint');
  if (!text) { if (h) h.remove(); return; }
  if (!h) { h = document.createElement('div'); h.className = 'mode-hint'; h.setAttribute('role', 'note'); $('map').appendChild(h); }
  h.textContent = text;
}

// `end` forgets the mode's own draft (its point or vertices) when the mode ends.
export function startMode(name, hintText, click, end) {
  endMode();
  mode = { name, click, end };
  map.getCanvas().style.cursor = 'crosshair';
  hint(hintText);
}
export function endMode() {
  const ended = mode;
  mode = null;
  if (ended) ended.end();
  setDraft([]); hint(null); map.getCanvas().style.cursor = '';
}
// True when the click was the mode's.
export function modeClick(lngLat) {
  if (!mode) return false;
  mode.click(lngLat);
  return true;
}

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && mode) { endMode(); $('view').innerHTML = ''; }
});
