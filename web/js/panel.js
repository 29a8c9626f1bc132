// The side panel (a bottom sheet on phones) and its status line.
import { $ } from './util.js';

export function setStatus(msg, cls) {
  const s = $('status');
  s.textContent = msg || '';
  s.className = 'status' + (cls ? ' ' + cls : '');
}

const sheet = $('panel');
export function openSheet() { sheet.classList.remove('collapsed'); $('sheet-handle').setAttribute('aria-expanded', 'true'); }
$('sheet-handle').onclick = () => {
  const c = sheet.classList.toggle('collapsed');
  $('sheet-handle').setAttribute('aria-expanded', String(!c));
};

