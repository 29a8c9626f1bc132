// Small DOM and formatting helpers shared by every module of the viewer.

export const $ = (id) => document.getElementById(id);
export const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
export const grouped = (code) => String(code).replace(/\D/g, '').replace(/(\d{4})(?=\d)/g, '$1 ');
export const round6 = (x) => Math.round(x * 1e6) / 1e6;
