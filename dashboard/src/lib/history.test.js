import { describe, it, expect } from 'vitest';
import { historyUrl, shapeHistory, historyError, rangeById } from './history.js';

describe('history', () => {
  it('builds the request in Unix seconds', () => {
    const url = historyUrl('http://h:1', 'web 1', 15, 1_700_000_000_500, 100);
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
