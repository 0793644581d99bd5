// The time axis both charts share. Live: the axis follows the data (at least a minute
// wide). History: the whole range, re-pinned each minute, so a quiet VM shows as a
// gap rather than a stretched line.

const MINUTE_MS = 60_000;

/**
 * points: the live series ({x} in epoch ms, oldest first); minutes: the history range
 * (0 or missing = live); now: epoch ms. → {spanMs, xMin, xMax}; with no live points
 * xMin and xMax are undefined (Chart.js then picks the axis).
 */
export function timeWindow(points, minutes, now) {
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
