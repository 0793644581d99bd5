// The time axis both charts share. Live: the axis follows the data (at least a minute
// wide). History: the whole range, re-pinned each minute, so a quiet VM shows as a
// gap rather than a stretched line.

const MINUTE_MS = 60_000;

/**
 * points: the live series ({x} in epoch ms, oldest first); minutes: the history range
 * (0 or missing = live); now: epoch ms; zoom: a dragged window {fromMs, toMs}, which
 * wins. → {spanMs, xMin, xMax}; with no live points xMin and xMax are undefined
 * (Chart.js then picks the axis).
 */
export function timeWindow(points, minutes, now, zoom = null) {
  if (zoom) return { spanMs: zoom.toMs - zoom.fromMs, xMin: zoom.fromMs, xMax: zoom.toMs };
  if (minutes) {
    const spanMs = minutes * MINUTE_MS;
    const xMax = Math.floor(now / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    return { spanMs, xMin: xMax - spanMs, xMax };
  }
  if (points.length === 0) return { spanMs: MINUTE_MS, xMin: undefined, xMax: undefined };
  const first = points[0].x;
  const xMax = points[points.length - 1].x;
  return { spanMs: Math.max(xMax - first, MINUTE_MS), xMin: Math.min(first, xMax - MINUTE_MS), xMax };
}

/**
 * The x of the point of `data` ({x,y}, x ascending) nearest to `x`, skipping the null
 * points that mark gaps; `x` itself when there is none. A click on a chart picks
 * the sample drawn there, not the pixel's time.
 */
export function nearestX(data, x) {
  let best = x;
  let bestD = Infinity;
  let lo = 0;
  let hi = (data?.length ?? 0) - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (data[mid].x < x) lo = mid + 1;
    else hi = mid;
  }
  // The binary search lands next to x; look a few points either side past any nulls.
  for (let i = Math.max(0, lo - 3); i <= Math.min((data?.length ?? 0) - 1, lo + 3); i++) {
    const p = data[i];
    if (p.y === null || p.y === undefined) continue;
    const d = Math.abs(p.x - x);
    if (d < bestD) {
      bestD = d;
      best = p.x;
    }
  }
  return best;
}
