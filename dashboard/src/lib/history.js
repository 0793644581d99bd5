// The 15 min / 1 h / 24 h views: asking /api/history and turning its answer into
// band data for the charts (docs/ws-protocol.md, "HTTP").

import { horaToMs, msToUnixSeconds } from './time.js';
import { mergeBuckets } from './downsample.js';
import { breakGaps } from './gaps.js';

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
 * Validates a /api/history answer and shapes it for the charts: per metric, three
 * {x,y} arrays (min, avg, max). Throws an Error that says what was wrong.
 */
export function shapeHistory(body, maxBuckets = Infinity) {
  if (!body || typeof body !== 'object' || !Array.isArray(body.points)) {
    throw new Error('history answer has no points array');
  }
  const cpu = [];
  const ram = [];
  const procesos = [];
  for (const p of body.points) {
    const t = horaToMs(p?.t);
    if (!Number.isFinite(t) || !p.cpu || !p.ram)
      throw new Error(`history point with a bad time or no cpu/ram: ${JSON.stringify(p)}`);
    cpu.push({ t, n: p.n, min: p.cpu.min, avg: p.cpu.avg, max: p.cpu.max });
    ram.push({ t, n: p.n, min: p.ram.min, avg: p.ram.avg, max: p.ram.max });
    procesos.push({ x: t, y: p.procesos?.avg ?? null });
  }
  const bucketSeconds = Number(body.bucket_seconds) || 0;
  const mergedCpu = mergeBuckets(cpu, maxBuckets);
  const mergedRam = mergeBuckets(ram, maxBuckets);
  // Buckets without rows are absent from the answer: a hole of more than two buckets
  // (of the merged width) is drawn as a hole.
  const merged = mergedCpu.length > 0 ? Math.ceil(cpu.length / mergedCpu.length) : 1;
  const gapMs = bucketSeconds > 0 ? 2.5 * bucketSeconds * 1000 * merged : 0;
  return {
    bucketSeconds,
    cpu: bands(mergedCpu, gapMs),
    ram: bands(mergedRam, gapMs),
    procesos,
  };
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
