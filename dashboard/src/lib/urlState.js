// The view (VM and range) lives in the address bar, so a link or a reload shows the
// same thing. Other parameters (?hub=) are kept as they are.

// The contract's rule for a VM name (contract/record.schema.json). A name the hub
// would refuse is dropped here, or the page would reconnect forever asking for it.
const VM_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export function isVmName(name) {
  return typeof name === 'string' && VM_NAME.test(name);
}

export function readView(search) {
  const q = new URLSearchParams(search || '');
  const vm = q.get('vm');
  return { vm: isVmName(vm) ? vm : null, range: q.get('range') || 'live' };
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
