// The process list of a record (procesos_top, contract v2) as the `top`-like table
// shows it: validated, filtered by name, sorted by CPU or memory; and the
// /api/processes request for the list stored at a past time (docs/ws-protocol.md).

import { msToHora } from './time.js';

/** Linux's one-letter process states (ps(1), "PROCESS STATE CODES"), as words. */
export const STATE_NAMES = Object.freeze({
  R: 'running',
  S: 'sleeping (interruptible)',
  D: 'waiting for I/O (uninterruptible sleep)',
  Z: 'zombie',
  T: 'stopped',
  t: 'stopped by a debugger',
  I: 'idle kernel thread',
  X: 'dead',
  W: 'paging',
  P: 'parked',
  K: 'wakekill',
});

export function stateName(letter) {
  return STATE_NAMES[letter] ?? `state ${letter}`;
}

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

/**
 * procesos_top → the entries the table can show, or null when the record has no list
 * (a v1 agent). Entries lacking a pid or a name are dropped rather than drawn broken;
 * a missing number reads as null ("—").
 */
export function normalizeProcesses(list) {
  if (!Array.isArray(list)) return null;
  const out = [];
  for (const p of list) {
    if (!p || typeof p !== 'object' || !Number.isInteger(p.pid) || typeof p.nombre !== 'string') continue;
    out.push({
      pid: p.pid,
      nombre: p.nombre,
      estado: typeof p.estado === 'string' && p.estado.length === 1 ? p.estado : '?',
      porcentaje_cpu: isNum(p.porcentaje_cpu) ? p.porcentaje_cpu : null,
      ram_mib: isNum(p.ram_mib) ? p.ram_mib : null,
    });
  }
  return out;
}

/** The columns the table sorts by: key → the entry's field. */
export const SORT_FIELDS = Object.freeze({ cpu: 'porcentaje_cpu', mem: 'ram_mib' });

/**
 * A new array sorted by `key` (cpu | mem) in `dir` (desc | asc). Ties, and entries
 * without the value (always last), fall back to the pid, so the order is stable
 * from one second to the next.
 */
export function sortProcesses(list, key = 'cpu', dir = 'desc') {
  const field = SORT_FIELDS[key] ?? SORT_FIELDS.cpu;
  const sign = dir === 'asc' ? 1 : -1;
  return [...list].sort((a, b) => {
    const x = a[field];
    const y = b[field];
    if (x === null || y === null) {
      if (x !== y) return x === null ? 1 : -1;
    } else if (x !== y) return sign * (x - y);
    return a.pid - b.pid;
  });
}

/** The next sort after a click on a column header: the same column flips, another starts descending. */
export function nextSort(sort, key) {
  if (sort.key === key) return { key, dir: sort.dir === 'desc' ? 'asc' : 'desc' };
  return { key, dir: 'desc' };
}

/** Entries whose name contains `text` (case-insensitive), or whose pid is `text`. */
export function filterProcesses(list, text) {
  const q = (text ?? '').trim().toLowerCase();
  if (q === '') return list;
  return list.filter((p) => p.nombre.toLowerCase().includes(q) || String(p.pid) === q);
}

/** GET /api/processes for the list stored at (or just before) `atMs`. */
export function processesUrl(apiBase, vm, atMs) {
  const q = new URLSearchParams({ vm, at: msToHora(atMs) });
  return `${apiBase}/api/processes?${q}`;
}

/** A 200 answer → {hora, procesos}; throws an Error saying what was wrong. */
export function shapeProcessesAnswer(body) {
  const procesos = normalizeProcesses(body?.procesos_top);
  if (!procesos) throw new Error('process answer has no procesos_top array');
  return { hora: typeof body.hora === 'string' ? body.hora : null, procesos };
}
