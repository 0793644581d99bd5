import { describe, it, expect } from 'vitest';
import {
  historyUrl,
  shapeHistory,
  historyError,
  rangeById,
  isRangeId,
  viewWindow,
  clampZoom,
  zoomStep,
  MIN_ZOOM_MS,
} from '../../src/lib/history.js';

describe('history', () => {
  it('builds the request in Unix seconds', () => {
    const url = historyUrl('http://h:1', 'web 1', 1_699_999_100_500, 1_700_000_000_500, 100);
    expect(url).toBe('http://h:1/api/history?vm=web+1&from=1699999100&to=1700000000&points=100');
  });
  it('shapes bands per metric', () => {
    const body = {
      bucket_seconds: 60,
      points: [
        {
          t: '2026-01-01 00:00:00',
          n: 60,
          cpu: { min: 1, avg: 2, max: 3 },
          ram: { min: 40, avg: 41, max: 42 },
          procesos: { avg: 100 },
        },
        {
          t: '2026-01-01 00:01:00',
          n: 60,
          cpu: { min: 4, avg: 5, max: 6 },
          ram: { min: 43, avg: 44, max: 45 },
          procesos: { avg: 101 },
        },
      ],
    };
    const h = shapeHistory(body);
    expect(h.bucketSeconds).toBe(60);
    expect(h.cpu.max.map((p) => p.y)).toEqual([3, 6]);
    expect(h.ram.min[1]).toEqual({ x: Date.UTC(2026, 0, 1, 0, 1), y: 43 });
    expect(h.procesos[0].y).toBe(100);
    expect(shapeHistory(body, 1).cpu.avg).toHaveLength(1);
  });
  it('draws a missing stretch of buckets as a hole', () => {
    const pt = (t, v) => ({ t, n: 1, cpu: { min: v, avg: v, max: v }, ram: { min: v, avg: v, max: v } });
    const h = shapeHistory({
      bucket_seconds: 60,
      points: [pt('2026-01-01 00:00:00', 1), pt('2026-01-01 00:01:00', 2), pt('2026-01-01 00:10:00', 3)],
    });
    expect(h.cpu.avg.map((p) => p.y)).toEqual([1, 2, null, 3]);
    expect(h.cpu.min).toHaveLength(4);
  });
  it('shapes the v2 series where the hub sent them, empty where it did not (v1 rows)', () => {
    const b = (v) => ({ min: v, avg: v, max: v });
    const h = shapeHistory({
      bucket_seconds: 60,
      points: [
        { t: '2026-01-01 00:00:00', n: 1, cpu: b(1), ram: b(2) },
        {
          t: '2026-01-01 00:01:00',
          n: 1,
          cpu: b(1),
          ram: b(2),
          carga: { avg: 0.5, max: 0.9 },
          red_rx: { avg: 2, max: 3 },
          disco: { avg: 75, max: 75 },
        },
      ],
    });
    expect(h.load1.avg).toEqual([{ x: Date.UTC(2026, 0, 1, 0, 1), y: 0.5 }]);
    expect(h.load1.max[0].y).toBe(0.9);
    expect(h.netRx.max[0].y).toBe(3);
    expect(h.diskUsed.avg[0].y).toBe(75);
    expect(h.load5).toEqual({ min: [], avg: [], max: [] });
    expect(h.cpu.avg).toHaveLength(2);
  });
  it('rejects malformed answers with a reason', () => {
    expect(() => shapeHistory({})).toThrow(/no points/);
    expect(() => shapeHistory({ points: [{ t: 'x' }] })).toThrow(/bad time/);
  });
  it("reads the hub's error body", async () => {
    const res = new Response(JSON.stringify({ error: 'not_found', detail: 'no such vm' }), { status: 404 });
    expect(await historyError(res)).toBe('not_found: no such vm (HTTP 404)');
    expect(await historyError(new Response('oops', { status: 502 }))).toBe('HTTP 502');
  });
  it('unknown range ids fall back to live', () => expect(rangeById('zzz').id).toBe('live'));
});

describe('ranges and zoom', () => {
  const now = Date.UTC(2026, 11, 5, 12, 0, 0);
  const DAY = 86_400_000;
  it('offers 7 d, 30 d and 1 y after the short ranges', () => {
    expect(['7d', '30d', '1y'].map((id) => rangeById(id).minutes)).toEqual([7 * 1440, 30 * 1440, 365 * 1440]);
    expect(isRangeId('30d')).toBe(true);
    expect(isRangeId('2y')).toBe(false);
    expect(isRangeId(null)).toBe(false);
  });
  it('a range is its last N minutes up to now; a zoom is itself; live without zoom has none', () => {
    expect(viewWindow(7 * 1440, null, now)).toEqual({ fromMs: now - 7 * DAY, toMs: now });
    expect(viewWindow(60, { fromMs: 1, toMs: 2 }, now)).toEqual({ fromMs: 1, toMs: 2 });
    expect(viewWindow(0, null, now)).toBeNull();
  });
  it('asks a 7-day span in Unix seconds for 7 d', () => {
    const w = viewWindow(7 * 1440, null, now);
    const q = new URL(historyUrl('http://h', 'a', w.fromMs, w.toMs)).searchParams;
    expect(Number(q.get('to')) - Number(q.get('from'))).toBe(7 * 86400);
  });
  it('orders a drag either way and rounds it to whole seconds', () => {
    expect(clampZoom(now - 3_600_500, now - 1_800_200, now)).toEqual({
      fromMs: now - 3_601_000,
      toMs: now - 1_800_000,
    });
    expect(clampZoom(now - 1_800_000, now - 3_600_000, now)).toEqual({
      fromMs: now - 3_600_000,
      toMs: now - 1_800_000,
    });
  });
  it('widens a narrow drag to a minute around its middle', () => {
    const z = clampZoom(now - 600_000, now - 599_000, now);
    expect(z.toMs - z.fromMs).toBe(MIN_ZOOM_MS + 1000);
    expect(z.fromMs).toBeLessThanOrEqual(now - 600_000);
    expect(z.toMs).toBeGreaterThanOrEqual(now - 599_000);
  });
  it('keeps the window out of the future and within a year', () => {
    expect(clampZoom(now - 60_000, now + 3_600_000, now)).toEqual({ fromMs: now - 3_660_000, toMs: now });
    expect(clampZoom(now - 3 * 365 * DAY, now - DAY, now)).toEqual({ fromMs: now - 365 * DAY, toMs: now - DAY });
  });
  it('refuses what is not two times, or a window wholly older than a year', () => {
    expect(clampZoom(NaN, now, now)).toBeNull();
    expect(clampZoom(undefined, now, now)).toBeNull();
    expect(clampZoom(now - 3 * 365 * DAY, now - 2 * 365 * DAY, now)).toBeNull();
  });
  it('zooms with the keyboard: + halves around the middle, - doubles, arrows move a quarter', () => {
    const w = { fromMs: now - 4 * 3_600_000, toMs: now - 2 * 3_600_000 };
    expect(zoomStep(w, '+', now)).toEqual({ fromMs: now - 3.5 * 3_600_000, toMs: now - 2.5 * 3_600_000 });
    expect(zoomStep(w, '=', now)).toEqual(zoomStep(w, '+', now));
    expect(zoomStep(w, '-', now)).toEqual({ fromMs: now - 5 * 3_600_000, toMs: now - 3_600_000 });
    expect(zoomStep(w, 'ArrowLeft', now)).toEqual({ fromMs: now - 4.5 * 3_600_000, toMs: now - 2.5 * 3_600_000 });
    expect(zoomStep(w, 'ArrowRight', now)).toEqual({ fromMs: now - 3.5 * 3_600_000, toMs: now - 1.5 * 3_600_000 });
  });
  it('keeps keyboard steps inside the same limits as a drag', () => {
    // Forward at the present stays at the present; out stops at a year; in stops at a minute.
    const recent = { fromMs: now - 3_600_000, toMs: now };
    expect(zoomStep(recent, 'ArrowRight', now)).toEqual(recent);
    expect(zoomStep({ fromMs: now - 300 * DAY, toMs: now }, '-', now)).toEqual({ fromMs: now - 365 * DAY, toMs: now });
    const narrow = zoomStep({ fromMs: now - 600_000, toMs: now - 540_000 }, '+', now);
    expect(narrow.toMs - narrow.fromMs).toBe(MIN_ZOOM_MS);
  });
  it('ignores other keys and an unknown window', () => {
    const w = { fromMs: now - 7_200_000, toMs: now - 3_600_000 };
    for (const key of ['a', 'Enter', 'ArrowUp', ' ', 'Escape']) expect(zoomStep(w, key, now)).toBeNull();
    expect(zoomStep(null, '+', now)).toBeNull();
    expect(zoomStep({ fromMs: undefined, toMs: now }, '+', now)).toBeNull();
  });
});
