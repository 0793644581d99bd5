// The live series of the selected VM: chart-ready points, oldest first, bounded both
// by count and by age so an hour of per-second samples (3,600) is the most a chart
// ever holds. Pure functions over plain objects: callers keep the returned value.

import { horaToMs } from './time.js';
import { recordValueList, SERIES_KEYS } from './metrics.js';

export const DEFAULT_CAP = 3600;
export const DEFAULT_WINDOW_MS = 60 * 60 * 1000;

/** An empty series. `lastId` lets appends skip rows a snapshot already delivered. */
export function emptySeries() {
  return { points: [], lastId: 0 };
}

/**
 * One record → the point the charts use ({x, id, values}: values in the order of
 * lib/metrics.js's SERIES); null when the record has no usable time. Chart.js gets {x,y} objects directly (parsing: false).
 */
export function recordToPoint(r) {
  const x = horaToMs(r.hora);
  if (!Number.isFinite(x)) return null;
  return { x, id: Number(r.id) || 0, values: recordValueList(r) };
}

/**
 * Appends records (oldest first) to a series and trims it to `cap` points and to
 * `windowMs` behind the newest point. Records at or below the series' lastId are
 * dropped: a snapshot and the records message after it may overlap.
 * Returns a new series object; the input is not modified.
 */
export function appendRecords(series, records, { cap = DEFAULT_CAP, windowMs = DEFAULT_WINDOW_MS } = {}) {
  let lastId = series.lastId;
  const added = [];
  for (const r of records) {
    const id = Number(r.id) || 0;
    if (id !== 0 && id <= lastId) continue;
    const p = recordToPoint(r);
    if (!p) continue;
    added.push(p);
    if (id > lastId) lastId = id;
  }
  if (added.length === 0) return series;
  let points = series.points.concat(added);
  // Rows arrive in id order, which is normally time order; a late agent clock can
  // break that, and Chart.js' decimation needs x ascending.
  if (!isSorted(points)) points.sort((a, b) => a.x - b.x);
  points = trim(points, cap, windowMs);
  return { points, lastId };
}

/** A series rebuilt from a snapshot's `series` array. */
export function seriesFromRecords(records, options) {
  return appendRecords(emptySeries(), records, options);
}

function isSorted(points) {
  for (let i = 1; i < points.length; i++) if (points[i].x < points[i - 1].x) return false;
  return true;
}

function trim(points, cap, windowMs) {
  let start = Math.max(0, points.length - cap);
  const newest = points[points.length - 1].x;
  const oldestAllowed = newest - windowMs;
  while (start < points.length && points[start].x < oldestAllowed) start++;
  return start === 0 ? points : points.slice(start);
}

/**
 * The {x,y} arrays Chart.js draws, one per series of lib/metrics.js (cpu, ram, load1…).
 * A series no point has (every v2 series of a v1 agent) is an empty array, so an hour
 * of v1 samples costs what it did before the v2 series existed.
 */
export function chartData(points) {
  const out = {};
  SERIES_KEYS.forEach((key, k) => {
    let any = false;
    for (let i = 0; i < points.length && !any; i++) any = points[i].values[k] !== null;
    const data = new Array(any ? points.length : 0);
    if (any) for (let i = 0; i < points.length; i++) data[i] = { x: points[i].x, y: points[i].values[k] };
    out[key] = data;
  });
  return out;
}
