// Who is signed in: the one piece of state that several modules read (the API client, the
// tile requests, the place card, the staff tools). Everything else lives in the module that
// owns it. Exported as live bindings; only the setters below change them.

// Kept for this tab's session only (sessionStorage), never across browser restarts.
export let token = sessionStorage.getItem('diachiso.token') || null;
export let session = null; // the answer of GET /api/session when signed in

export function setToken(value) { token = value; }
export function setSession(value) { session = value; }

export function role() { return session && session.role; }
// The staff ladder (reader < editor < reviewer < admin); the system roles stand beside it.
export const canRead = () => ['reader', 'editor', 'reviewer', 'admin'].includes(role());
export const canWrite = () => ['editor', 'reviewer', 'admin'].includes(role());
export const canReview = () => ['reviewer', 'admin'].includes(role());
