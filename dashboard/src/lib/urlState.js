// The view (VM and range) lives in the address bar, so a link or a reload shows the
// same thing. Other parameters (?hub=) are kept as they are.

import { properties } from '../../../contract/record.schema.json';

// The contract's rule for a VM name, read from the schema itself. A name the hub
// would refuse is dropped here, or the page would reconnect forever asking for it.
const VM_RULE = properties.vm;
const VM_PATTERN = new RegExp(VM_RULE.pattern);

export function isVmName(name) {
  return (
    typeof name === 'string' &&
    name.length >= VM_RULE.minLength &&
    name.length <= VM_RULE.maxLength &&
    VM_PATTERN.test(name)
  );
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
