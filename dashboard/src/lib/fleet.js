// The machines table at fleet scale (10,000 VMs): each VM's row (numbers from its vms
// entry, else its newest record; status; labels), the search, status and label
// filters, the sort, and which rows a scrolled window shows. Pure functions; the
// component only keeps the choices and renders the visible slice.

import { horaToMs } from './time.js';
import { VM_DOWN } from './alerts.js';

/** A VM whose newest row is older than this is stale (its dot turns amber). */
export const STALE_MS = 30_000;

/** The status filter's choices: up / stale / down as the dot shows them, or any alert. */
export const STATUS_FILTERS = Object.freeze(['all', 'up', 'stale', 'down', 'alerting']);

/** The sortable columns: key → what the row is compared by. */
export const SORT_KEYS = Object.freeze(['name', 'cpu', 'ram', 'seen']);

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
const num = (v) => (isNum(v) ? v : null);

/**
 * `etiquetas` ({key: value}, strings) → [[key, value]] sorted by key; anything else
 * (absent, not an object, a value that is not a string) gives no label.
 */
export function labelsOf(entry) {
  const e = entry?.etiquetas;
  if (!e || typeof e !== 'object' || Array.isArray(e)) return [];
  return Object.entries(e)
    .filter(([, v]) => typeof v === 'string')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// What an entry says that does not change with the clock, kept per entry object: the
// hub's `fleet` message replaces an entry rather than editing it, and the table
// recomputes every second for 10,000 VMs.
const facts = new WeakMap();
function entryFacts(entry) {
  let f = facts.get(entry);
  if (!f) {
    const labels = labelsOf(entry);
    f = { lastMs: horaToMs(entry.last), labels, labelTexts: labels.map(([k, v]) => `${k}=${v}`.toLowerCase()) };
    facts.set(entry, f);
  }
  return f;
}

/**
 * One row per vms entry: {vm, entry, cpu, ram, seenMs, status, alerting, labels,
 * labelTexts (each label as "key=value", lower case, for the search)}.
 * CPU, RAM and last seen come from the entry (the hub's `fleet` message keeps it
 * current), else the VM's newest record. `down`: its vm_down alert is firing (last
 * seen is then the alert's since); `stale`: nothing for STALE_MS; else `up`.
 * `alerting`: any other pending or firing alert.
 */
export function fleetRows(vms, latest, active, nowMs) {
  const byVm = new Map();
  for (const a of active ?? []) {
    if (!byVm.has(a.vm)) byVm.set(a.vm, []);
    byVm.get(a.vm).push(a);
  }
  return vms.map((entry) => {
    const r = latest?.[entry.vm];
    const mine = byVm.get(entry.vm) ?? [];
    const down = mine.find((a) => a.rule === VM_DOWN && a.state === 'firing');
    const { lastMs, labels, labelTexts } = entryFacts(entry);
    const seenMs = down && isNum(down.sinceMs) ? down.sinceMs : isNum(lastMs) ? lastMs : horaToMs(r?.hora);
    const status = down ? 'down' : isNum(seenMs) && nowMs - seenMs > STALE_MS ? 'stale' : 'up';
    return {
      vm: entry.vm,
      entry,
      cpu: num(entry.porcentaje_cpu_uso) ?? num(r?.porcentaje_cpu_uso),
      ram: num(entry.porcentaje_ram) ?? num(r?.porcentaje_ram),
      seenMs: isNum(seenMs) ? seenMs : null,
      status,
      alerting: mine.some((a) => a !== down),
      labels,
      labelTexts,
    };
  });
}

/**
 * The label filter box: "" → null (no filter), "key=value" → {key, value} (spaces
 * around either trimmed), anything else → {error}.
 */
export function parseLabelFilter(text) {
  const t = (text ?? '').trim();
  if (t === '') return null;
  const i = t.indexOf('=');
  const key = i > 0 ? t.slice(0, i).trim() : '';
  const value = i > 0 ? t.slice(i + 1).trim() : '';
  if (!key || !value) return { error: 'write the label as key=value' };
  return { key, value };
}

/**
 * The search box: true when `needle` (already trimmed and lower case; "" matches all) is
 * in the row's name or in one of its labels written key=value, in any case: "web" finds
 * web-1 and every role=web, "env=prod" every VM labelled so (and "env=pro" too: it is a
 * search, the label filter is the exact match).
 */
export function matchesSearch(row, needle) {
  if (!needle || row.vm.toLowerCase().includes(needle)) return true;
  const texts = row.labelTexts ?? (row.labels ?? []).map(([k, v]) => `${k}=${v}`.toLowerCase());
  return texts.some((text) => text.includes(needle));
}

/**
 * Rows kept by {search (matchesSearch), status (STATUS_FILTERS), label ({key, value}:
 * exact match; an {error} filter keeps nothing)}.
 */
export function filterFleet(rows, { search = '', status = 'all', label = null } = {}) {
  const needle = search.trim().toLowerCase();
  return rows.filter((row) => {
    if (!matchesSearch(row, needle)) return false;
    if (status === 'alerting' ? !row.alerting : status !== 'all' && row.status !== status) return false;
    if (label && (label.error || !row.labels.some(([k, v]) => k === label.key && v === label.value))) return false;
    return true;
  });
}

const VALUE = { cpu: (r) => r.cpu, ram: (r) => r.ram, seen: (r) => r.seenMs };
const byName = (a, b) => (a.vm < b.vm ? -1 : a.vm > b.vm ? 1 : 0);

/**
 * A new array sorted by `key` (SORT_KEYS) in `dir` (asc | desc). Rows without the
 * value go last either way; ties go by name, so rows do not jump between updates.
 */
export function sortFleet(rows, key = 'name', dir = 'asc') {
  const sign = dir === 'desc' ? -1 : 1;
  if (key === 'name' || !VALUE[key]) return [...rows].sort((a, b) => sign * byName(a, b));
  const value = VALUE[key];
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === y ? byName(a, b) : x === null ? 1 : -1;
    return x === y ? byName(a, b) : sign * (x - y);
  });
}

/** The next sort after a click on `key`'s header: numbers start descending, names ascending; a second click flips. */
export function nextSort(current, key) {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: key === 'name' ? 'asc' : 'desc' };
}

/**
 * The rows a scrolled list shows: [start, end) of `count` rows of `rowPx` each, for a
 * viewport `viewportPx` tall scrolled by `scrollTop`, with `overscan` rows either side
 * so a fast scroll does not flash blank.
 */
export function visibleRange(scrollTop, viewportPx, rowPx, count, overscan = 8) {
  const top = Math.max(0, Number(scrollTop) || 0);
  const first = Math.floor(top / rowPx);
  const shown = Math.ceil(Math.max(0, viewportPx) / rowPx) + 1;
  const start = Math.min(count, Math.max(0, first - overscan));
  const end = Math.min(count, first + shown + overscan);
  return { start, end: Math.max(start, end) };
}
