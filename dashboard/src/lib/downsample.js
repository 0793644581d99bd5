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
