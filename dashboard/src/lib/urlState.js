// The view (VM, range and a zoomed window) lives in the address bar, so a link or a
// reload shows the same thing. Other parameters (?hub=) are kept as they are.

import { properties } from '../../../contract/record.schema.json';
import { isRangeId, clampZoom } from './history.js';

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

const UNIX_SECONDS = /^\d{1,11}$/;

/**
 * A zoom from the address (`from`, `to`: Unix seconds) → {fromMs, toMs}, or null when
 * either is missing or malformed, `from` is not before `to`, or the window ends in the
 * future; a window that is valid but too narrow or too far back is clamped
 * (clampZoom).
 */
export function readZoom(fromText, toText, nowMs) {
  if (!UNIX_SECONDS.test(fromText ?? '') || !UNIX_SECONDS.test(toText ?? '')) return null;
  const fromMs = Number(fromText) * 1000;
  const toMs = Number(toText) * 1000;
  if (fromMs >= toMs || toMs > nowMs + 60_000) return null;
  return clampZoom(fromMs, toMs, nowMs);
}

/** {vm, range, zoom}: an unknown range reads as live, and live has no zoom. */
export function readView(search, nowMs = Date.now()) {
  const q = new URLSearchParams(search || '');
  const vm = q.get('vm');
  const range = isRangeId(q.get('range')) ? q.get('range') : 'live';
  const zoom = range === 'live' ? null : readZoom(q.get('from'), q.get('to'), nowMs);
  return { vm: isVmName(vm) ? vm : null, range, zoom };
}

/** The search string for `view`, keeping unrelated parameters; "" when empty. */
export function writeView(search, { vm, range, zoom = null }) {
  const q = new URLSearchParams(search || '');
  if (vm) q.set('vm', vm);
  else q.delete('vm');
  if (range && range !== 'live') q.set('range', range);
  else q.delete('range');
  if (zoom && range && range !== 'live') {
    q.set('from', String(Math.floor(zoom.fromMs / 1000)));
    q.set('to', String(Math.floor(zoom.toMs / 1000)));
  } else {
    q.delete('from');
    q.delete('to');
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
