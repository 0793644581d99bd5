// The view (VM and range) lives in the address bar, so a link or a reload shows the
// same thing. Other parameters (?hub=) are kept as they are.

export function readView(search) {
  const q = new URLSearchParams(search || '');
  return { vm: q.get('vm') || null, range: q.get('range') || 'live' };
}

/** The search string for `view`, keeping unrelated parameters; "" when empty. */
export function writeView(search, { vm, range }) {
  const q = new URLSearchParams(search || '');
  if (vm) q.set('vm', vm);
  else q.delete('vm');
  if (range && range !== 'live') q.set('range', range);
  else q.delete('range');
  const s = q.toString();
  return s ? `?${s}` : '';
}
