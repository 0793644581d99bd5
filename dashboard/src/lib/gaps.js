// A VM that stopped reporting must show as a hole in its chart, not as a straight line
// drawn across the silence. Chart.js breaks a line at a point whose y is null
// (spanGaps: false), so a null point is put inside every gap.

/** Median spacing of the last `sample` x values; 0 with fewer than two points. */
export function typicalStep(points, sample = 240) {
  const from = Math.max(1, points.length - sample);
  const steps = [];
  for (let i = from; i < points.length; i++) steps.push(points[i].x - points[i - 1].x);
  if (steps.length === 0) return 0;
  steps.sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)];
}

/**
 * Returns `series` ({x,y} arrays sharing the same x values, e.g. [cpu, ram]) with a
 * {x, y: null} point in the middle of every gap wider than `gapMs`. Arrays without a
 * gap, and empty arrays, are returned as they are.
 */
export function breakGaps(series, gapMs) {
  const first = series[0];
  if (!first || first.length < 2 || !(gapMs > 0)) return series;
  const at = [];
  for (let i = 1; i < first.length; i++) if (first[i].x - first[i - 1].x > gapMs) at.push(i);
  if (at.length === 0) return series;
  return series.map((data) => {
    if (data.length !== first.length) return data; // a series with no samples at all (a v1 agent's v2 ones)
    const out = [];
    let prev = 0;
    for (const i of at) {
      for (let j = prev; j < i; j++) out.push(data[j]);
      out.push({ x: (data[i - 1].x + data[i].x) / 2, y: null });
      prev = i;
    }
    for (let j = prev; j < data.length; j++) out.push(data[j]);
    return out;
  });
}

/** The gap threshold for live data: five typical steps, and never under 30 s. */
export function liveGapMs(points) {
  return Math.max(30_000, 5 * typicalStep(points));
}
