// The history views (15 min … 1 y, or a window zoomed by dragging on a chart): asking
// /api/history and turning its answer into band data for the charts
// (docs/ws-protocol.md, "HTTP"). The hub picks the raw, per-minute or per-hour tier
// from the span (hub/src/history_tier.hpp); the answer's shape is the same.

import { horaToMs, msToUnixSeconds } from './time.js';
import { mergeBuckets } from './downsample.js';
import { breakGaps } from './gaps.js';
import { SERIES } from './metrics.js';

export const RANGES = Object.freeze([
  { id: 'live', label: 'Live', minutes: 0 },
  { id: '15m', label: '15 min', minutes: 15 },
  { id: '1h', label: '1 h', minutes: 60 },
  { id: '24h', label: '24 h', minutes: 24 * 60 },
  { id: '7d', label: '7 d', minutes: 7 * 24 * 60 },
  { id: '30d', label: '30 d', minutes: 30 * 24 * 60 },
  { id: '1y', label: '1 y', minutes: 365 * 24 * 60 },
]);

/** A zoomed window narrower than this is widened around its middle. */
export const MIN_ZOOM_MS = 60_000;
/** How far back a zoom may reach: the longest range. */
const MAX_BACK_MS = RANGES[RANGES.length - 1].minutes * 60_000;

/** Buckets asked of the hub; the chart merges them down to its width. */
export const HISTORY_POINTS = 720;

export function rangeById(id) {
  return RANGES.find((r) => r.id === id) ?? RANGES[0];
}

export function isRangeId(id) {
  return RANGES.some((r) => r.id === id);
}

/**
 * The time window a view shows, in epoch ms: a zoom ({fromMs, toMs}) as it is, else
 * the range's last `minutes` up to now. Live (minutes 0) without a zoom → null.
 */
export function viewWindow(minutes, zoom, nowMs) {
  if (zoom) return { fromMs: zoom.fromMs, toMs: zoom.toMs };
  if (!minutes) return null;
  return { fromMs: nowMs - minutes * 60_000, toMs: nowMs };
}

/**
 * A dragged interval (two x values in epoch ms, either order) → the zoom window in
 * whole seconds: at least MIN_ZOOM_MS wide (widened around its middle), not past
 * `nowMs`, not further back than the longest range. null when the input is not two
 * finite times.
 */
export function clampZoom(aMs, bMs, nowMs) {
  if (![aMs, bMs, nowMs].every(Number.isFinite)) return null;
  let fromMs = Math.min(aMs, bMs);
  let toMs = Math.max(aMs, bMs);
  if (toMs - fromMs < MIN_ZOOM_MS) {
    const mid = (fromMs + toMs) / 2;
    fromMs = mid - MIN_ZOOM_MS / 2;
    toMs = mid + MIN_ZOOM_MS / 2;
  }
  const latest = Math.floor(nowMs / 1000) * 1000;
  if (toMs > latest) {
    fromMs -= toMs - latest;
    toMs = latest;
  }
  fromMs = Math.max(fromMs, latest - MAX_BACK_MS);
  fromMs = Math.floor(fromMs / 1000) * 1000;
  toMs = Math.ceil(toMs / 1000) * 1000;
  if (toMs - fromMs < MIN_ZOOM_MS) return null;
  return { fromMs, toMs };
}

/** The keys a focused history chart answers, as the zoom step each one takes. */
const ZOOM_KEYS = Object.freeze({
  '+': 'in',
  '=': 'in',
  '-': 'out',
  _: 'out',
  ArrowLeft: 'back',
  ArrowRight: 'forward',
});

/**
 * The keyboard's zoom: from the window shown ({fromMs, toMs}, epoch ms), `key` →
 * the next zoom window (clampZoom), or null when the key is not a zoom key or the
 * window is not known. `+` keeps the middle half, `-` doubles the width around the
 * middle, the arrows move by a quarter of the width. The same steps as a drag, so a
 * chart can be zoomed without a mouse.
 */
export function zoomStep(window, key, nowMs) {
  const step = ZOOM_KEYS[key];
  if (!step || !window || !Number.isFinite(window.fromMs) || !Number.isFinite(window.toMs)) return null;
  const { fromMs, toMs } = window;
  const width = toMs - fromMs;
  const mid = (fromMs + toMs) / 2;
  if (step === 'in') return clampZoom(mid - width / 4, mid + width / 4, nowMs);
  if (step === 'out') return clampZoom(mid - width, mid + width, nowMs);
  const shift = (step === 'back' ? -width : width) / 4;
  return clampZoom(fromMs + shift, toMs + shift, nowMs);
}

/** The /api/history request for [fromMs, toMs] (epoch ms), in Unix seconds. */
export function historyUrl(apiBase, vm, fromMs, toMs, points = HISTORY_POINTS) {
  const q = new URLSearchParams({
    vm,
    from: String(msToUnixSeconds(fromMs)),
    to: String(msToUnixSeconds(toMs)),
    points: String(points),
  });
  return `${apiBase}/api/history?${q}`;
}

/**
 * Validates a /api/history answer and shapes it for the charts: per series of
 * lib/metrics.js (cpu, ram, load1, …), three {x,y} arrays (min, avg, max). cpu and ram
 * are in every point; the v2 series only where the hub sent them (buckets of v1 rows
 * have none), so a series absent from the answer comes back with empty arrays.
 * Throws an Error that says what was wrong.
 */
export function shapeHistory(body, maxBuckets = Infinity) {
  if (!body || typeof body !== 'object' || !Array.isArray(body.points)) {
    throw new Error('history answer has no points array');
  }
  const buckets = Object.fromEntries(SERIES.map((s) => [s.key, []]));
  const procesos = [];
  for (const p of body.points) {
    const t = horaToMs(p?.t);
    if (!Number.isFinite(t) || !p.cpu || !p.ram)
      throw new Error(`history point with a bad time or no cpu/ram: ${JSON.stringify(p)}`);
    for (const s of SERIES) {
      const b = s.fromHistory(p);
      if (b) buckets[s.key].push({ t, n: p.n, ...b });
    }
    procesos.push({ x: t, y: p.procesos?.avg ?? null });
  }
  const bucketSeconds = Number(body.bucket_seconds) || 0;
  const out = { bucketSeconds, procesos };
  for (const s of SERIES) {
    const all = buckets[s.key];
    const merged = mergeBuckets(all, maxBuckets);
    // Buckets without rows are absent from the answer: a hole of more than two buckets
    // (of the merged width) is drawn as a hole.
    const per = merged.length > 0 ? Math.ceil(all.length / merged.length) : 1;
    out[s.key] = bands(merged, bucketSeconds > 0 ? 2.5 * bucketSeconds * 1000 * per : 0);
  }
  return out;
}

function bands(buckets, gapMs) {
  const [min, avg, max] = breakGaps(
    [
      buckets.map((b) => ({ x: b.t, y: b.min })),
      buckets.map((b) => ({ x: b.t, y: b.avg })),
      buckets.map((b) => ({ x: b.t, y: b.max })),
    ],
    gapMs,
  );
  return { min, avg, max };
}

/** The hub's error body ({error, detail}) or the HTTP status, as one sentence. */
export async function historyError(response) {
  try {
    const body = await response.json();
    if (body && body.error) return `${body.error}${body.detail ? `: ${body.detail}` : ''} (HTTP ${response.status})`;
  } catch {
    /* not JSON: fall through to the status */
  }
  return `HTTP ${response.status}`;
}
