// Fitting history to the chart: /api/history answers a fixed number of buckets
// (min/avg/max per bucket) and the chart may be narrower than that. Merging adjacent
// buckets keeps what a band means — the lowest min, the highest max and the
// count-weighted mean — which a point-picking method such as LTTB would not.

/**
 * Merges `points` (each {t, n, min, avg, max}, t ascending) into at most `target`
 * buckets of consecutive points. Returns the input when it is already small enough.
 */
export function mergeBuckets(points, target) {
  if (!Array.isArray(points) || target < 1 || points.length <= target) return points;
  const per = Math.ceil(points.length / target);
  const out = [];
  for (let i = 0; i < points.length; i += per) {
    const group = points.slice(i, i + per);
    let n = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const p of group) {
      const w = p.n > 0 ? p.n : 1;
      n += w;
      sum += p.avg * w;
      if (p.min < min) min = p.min;
      if (p.max > max) max = p.max;
    }
    // The merged bucket sits where its first member did, like the hub's buckets.
    out.push({ t: group[0].t, n, min, avg: sum / n, max });
  }
  return out;
}

/**
 * Largest-Triangle-Three-Buckets for plain {x,y} series: keeps the visual shape of
 * a line with `threshold` points. Used where a single line (no band) is drawn from
 * more points than pixels, e.g. the process-count trend of a long range.
 */
export function lttb(data, threshold) {
  if (!Array.isArray(data) || threshold >= data.length || threshold < 3) return data;
  const out = [data[0]];
  const every = (data.length - 2) / (threshold - 2);
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    const avgStart = Math.floor((i + 1) * every) + 1;
    const avgEnd = Math.min(Math.floor((i + 2) * every) + 1, data.length);
    let avgX = 0;
    let avgY = 0;
    for (let j = avgStart; j < avgEnd; j++) {
      avgX += data[j].x;
      avgY += data[j].y;
    }
    const len = avgEnd - avgStart || 1;
    avgX /= len;
    avgY /= len;
    const rangeStart = Math.floor(i * every) + 1;
    const rangeEnd = Math.floor((i + 1) * every) + 1;
    let maxArea = -1;
    let pick = rangeStart;
    for (let j = rangeStart; j < rangeEnd; j++) {
      const area = Math.abs((data[a].x - avgX) * (data[j].y - data[a].y) - (data[a].x - data[j].x) * (avgY - data[a].y));
      if (area > maxArea) {
        maxArea = area;
        pick = j;
      }
    }
    out.push(data[pick]);
    a = pick;
  }
  out.push(data[data.length - 1]);
  return out;
}
