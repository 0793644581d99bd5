// Everything the dashboard knows, derived from the hub's messages (docs/ws-protocol.md)
// by one pure reducer: snapshot replaces, records append, `fleet` replaces the vms
// entries it carries (and appends new VMs), resync marks the view stale until the
// snapshot that follows it, `alerts` replaces the active alerts and silences. The
// React side only dispatches and renders.

import { appendRecords, seriesFromRecords, emptySeries } from './series.js';
import { normalizeSplit } from './split.js';
import { normalizeAlerts, NO_ALERTS } from './alerts.js';

export const initialState = Object.freeze({
  received: false, // a snapshot has arrived at least once
  stale: false, // a resync was announced and its snapshot has not arrived yet
  vm: null, // the VM whose series we hold
  minutes: 0,
  vms: [], // [{vm, last, rows, porcentaje_cpu_uso?, …, etiquetas?}], sorted by name
  latest: {}, // vm → newest record
  series: emptySeries(),
  split: normalizeSplit(null),
  alerts: NO_ALERTS, // {active (ordered), silences}: lib/alerts.js
  alertsKnown: false, // the hub sent alerts at least once (a hub without them never does)
  lastMessageError: null,
  badMessages: 0,
});

/**
 * Parses one WebSocket text frame into an action, or returns an error action. Kept
 * apart from the reducer so a bad frame is counted and shown, never thrown.
 */
export function parseMessage(text) {
  let msg;
  try {
    msg = JSON.parse(text);
  } catch {
    return { type: 'bad-message', detail: 'not JSON' };
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
    return { type: 'bad-message', detail: 'not an object' };
  }
  switch (msg.type) {
    case 'snapshot':
      if (!Array.isArray(msg.series) || !Array.isArray(msg.vms)) {
        return { type: 'bad-message', detail: 'snapshot without series or vms' };
      }
      return msg;
    case 'records':
      if (!Array.isArray(msg.records)) return { type: 'bad-message', detail: 'records without an array' };
      return msg;
    case 'fleet':
      if (!Array.isArray(msg.vms)) return { type: 'bad-message', detail: 'fleet without a vms array' };
      return msg;
    case 'alerts': {
      const alerts = normalizeAlerts(msg);
      if (!alerts) return { type: 'bad-message', detail: 'alerts without active and silences arrays' };
      return { type: 'alerts', alerts };
    }
    case 'resync':
    case 'pong':
      return msg;
    default:
      return { type: 'bad-message', detail: `unknown message type ${JSON.stringify(msg.type)}` };
  }
}

export function reducer(state, action) {
  switch (action.type) {
    case 'snapshot':
      return applySnapshot(state, action);
    case 'records':
      return applyRecords(state, action);
    case 'fleet':
      return applyFleet(state, action);
    case 'alerts':
      return { ...state, alerts: action.alerts, alertsKnown: true };
    case 'resync':
      return { ...state, stale: true };
    case 'bad-message':
      return { ...state, lastMessageError: action.detail, badMessages: state.badMessages + 1 };
    default:
      return state;
  }
}

function applySnapshot(state, msg) {
  const latest = isObject(msg.latest) ? { ...msg.latest } : {};
  // A snapshot without `alerts` (a hub from before alerts) keeps what we had.
  const alerts = normalizeAlerts(msg.alerts);
  return {
    ...state,
    received: true,
    stale: false,
    vm: typeof msg.vm === 'string' ? msg.vm : null,
    minutes: Number(msg.minutes) || 0,
    vms: sortVms(msg.vms.filter((v) => v && typeof v.vm === 'string')),
    latest,
    series: seriesFromRecords(msg.series.filter((r) => r && r.vm === msg.vm)),
    split: msg.split ? normalizeSplit(msg.split) : state.split,
    alerts: alerts ?? state.alerts,
    alertsKnown: state.alertsKnown || alerts !== null,
  };
}

function applyRecords(state, msg) {
  const records = msg.records.filter((r) => isObject(r) && typeof r.vm === 'string');
  let { vms, latest, series, vm } = state;
  if (records.length > 0) {
    latest = { ...latest };
    // Only the entries of the VMs in this message are copied and changed: with 10,000
    // VMs the others stay the same objects (the machines table caches per entry).
    const index = new Map(vms.map((v, i) => [v.vm, i]));
    const next = [...vms];
    const copied = new Set();
    let added = false;
    for (const r of records) {
      const prev = latest[r.vm];
      if (!prev || (Number(r.id) || 0) >= (Number(prev.id) || 0)) latest[r.vm] = r;
      let i = index.get(r.vm);
      if (i === undefined) {
        i = next.push({ vm: r.vm, last: r.hora, rows: 0 }) - 1;
        index.set(r.vm, i);
        copied.add(r.vm);
        added = true;
      } else if (!copied.has(r.vm)) {
        next[i] = { ...next[i] };
        copied.add(r.vm);
      }
      const entry = next[i];
      entry.rows = (Number(entry.rows) || 0) + 1;
      if (!entry.last || r.hora >= entry.last) {
        entry.last = r.hora;
        // The entry carries the newest numbers too: the machines table reads them there.
        for (const k of ENTRY_FIELDS) if (r[k] !== undefined) entry[k] = r[k];
      }
    }
    vms = added ? sortVms(next) : next;
    // With an empty table the snapshot has no VM; the first VM to report becomes the
    // view, so a fresh install shows data without a click.
    if (vm === null) vm = records[0].vm;
    series = appendRecords(
      series,
      records.filter((r) => r.vm === vm),
    );
  }
  return {
    ...state,
    vms,
    latest,
    series,
    vm,
    split: msg.split ? normalizeSplit(msg.split) : state.split,
  };
}

// The record fields a vms entry repeats (docs/ws-protocol.md: /api/vms, `fleet`).
const ENTRY_FIELDS = ['porcentaje_cpu_uso', 'porcentaje_ram', 'carga_1', 'disco_total', 'disco_libre'];

/**
 * A `fleet` message: the entries of the VMs that changed. Each replaces the entry of
 * the same `vm` (it is the hub's whole entry); a VM not yet listed is added. Entries
 * that are not objects with a string vm are skipped. It also carries the split, which
 * `records` (the watched VM's rows only) no longer bring for the other VMs' rows.
 */
function applyFleet(state, msg) {
  const split = msg.split ? normalizeSplit(msg.split) : state.split;
  const entries = msg.vms.filter((v) => isObject(v) && typeof v.vm === 'string');
  if (entries.length === 0) return split === state.split ? state : { ...state, split };
  const index = new Map(state.vms.map((v, i) => [v.vm, i]));
  const vms = [...state.vms];
  let added = false;
  for (const e of entries) {
    const i = index.get(e.vm);
    if (i === undefined) {
      index.set(e.vm, vms.length);
      vms.push(e);
      added = true;
    } else vms[i] = e;
  }
  return { ...state, vms: added ? sortVms(vms) : vms, split };
}

function sortVms(vms) {
  return [...vms].sort((a, b) => (a.vm < b.vm ? -1 : a.vm > b.vm ? 1 : 0));
}

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
