// The 15 min / 1 h / 24 h views: asking /api/history and turning its answer into
// band data for the charts (docs/ws-protocol.md, "HTTP").

import { horaToMs, msToUnixSeconds } from './time.js';
import { mergeBuckets } from './downsample.js';
import { breakGaps } from './gaps.js';
import { SERIES } from './metrics.js';

export const RANGES = Object.freeze([
  { id: 'live', label: 'Live', minutes: 0 },
  { id: '15m', label: '15 min', minutes: 15 },
  { id: '1h', label: '1 h', minutes: 60 },
  { id: '24h', label: '24 h', minutes: 24 * 60 },
]);

/** Buckets asked of the hub; the chart merges them down to its width. */
export const HISTORY_POINTS = 720;

export function rangeById(id) {
  return RANGES.find((r) => r.id === id) ?? RANGES[0];
}

export function historyUrl(apiBase, vm, minutes, nowMs, points = HISTORY_POINTS) {
  const to = msToUnixSeconds(nowMs);
  const from = to - minutes * 60;
  const q = new URLSearchParams({ vm, from: String(from), to: String(to), points: String(points) });
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
