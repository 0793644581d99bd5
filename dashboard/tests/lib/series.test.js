import { describe, it, expect } from 'vitest';
import { appendRecords, emptySeries, seriesFromRecords, recordToPoint, chartData } from '../../src/lib/series.js';

const rec = (id, sec, cpu = 10, ram = 20, vm = 'a') => ({
  id,
  vm,
  hora: new Date(Date.UTC(2026, 0, 1, 0, 0, 0) + sec * 1000).toISOString().slice(0, 19).replace('T', ' '),
  porcentaje_cpu_uso: cpu,
  porcentaje_ram: ram,
});

describe('series buffer', () => {
  it('turns records into chart points, oldest first', () => {
    const s = seriesFromRecords([rec(1, 0, 5, 50), rec(2, 1, 6, 51)]);
    expect(chartData(s.points).cpu.map((p) => p.y)).toEqual([5, 6]);
    expect(s.points[1].x - s.points[0].x).toBe(1000);
    expect(s.lastId).toBe(2);
  });

  it('skips rows it already holds (snapshot and records overlap)', () => {
    const s = seriesFromRecords([rec(1, 0), rec(2, 1)]);
    const t = appendRecords(s, [rec(2, 1), rec(3, 2)]);
    expect(t.points.map((p) => p.id)).toEqual([1, 2, 3]);
  });

  it('returns the same object when nothing new arrived', () => {
    const s = seriesFromRecords([rec(1, 0)]);
    expect(appendRecords(s, [rec(1, 0)])).toBe(s);
  });

  it('does not modify its input', () => {
    const s = seriesFromRecords([rec(1, 0)]);
    appendRecords(s, [rec(2, 1)]);
    expect(s.points).toHaveLength(1);
  });

  it('keeps at most `cap` points, dropping the oldest', () => {
    const records = Array.from({ length: 4000 }, (_, i) => rec(i + 1, i));
    const s = seriesFromRecords(records);
    expect(s.points).toHaveLength(3600);
    expect(s.points[0].id).toBe(401);
    expect(s.points.at(-1).id).toBe(4000);
  });

  it('drops points older than the window behind the newest', () => {
    const s = seriesFromRecords([rec(1, 0), rec(2, 30), rec(3, 100)], { windowMs: 60_000 });
    expect(s.points.map((p) => p.id)).toEqual([3]);
  });

  it('sorts by time when a late clock sends rows out of order', () => {
    const s = seriesFromRecords([rec(1, 10), rec(2, 5), rec(3, 20)]);
    expect(s.points.map((p) => p.id)).toEqual([2, 1, 3]);
  });

  it('ignores records without a readable time', () => {
    expect(recordToPoint({ hora: 'never' })).toBeNull();
    expect(appendRecords(emptySeries(), [{ id: 1, hora: 'x' }]).points).toHaveLength(0);
  });

  it('shapes {x,y} arrays for Chart.js with parsing off', () => {
    const { cpu, ram } = chartData(seriesFromRecords([rec(1, 0, 7, 70)]).points);
    expect(cpu[0]).toEqual({ x: Date.UTC(2026, 0, 1), y: 7 });
    expect(ram[0].y).toBe(70);
  });

  it('carries the v2 series, null (a hole) for the records of a v1 agent', () => {
    const v2 = { ...rec(1, 0), carga_1: 1.5, red_tx_kib_s: 9, disco_total: 10, disco_libre: 4 };
    const data = chartData(seriesFromRecords([v2, rec(2, 1)]).points);
    expect(data.load1.map((p) => p.y)).toEqual([1.5, null]);
    expect(data.netTx.map((p) => p.y)).toEqual([9, null]);
    expect(data.diskUsed[0].y).toBe(60);
    expect(data.cpu.map((p) => p.y)).toEqual([10, 10]);
  });

  it('a series no point has is an empty array (nothing to draw for a v1 agent)', () => {
    const data = chartData(seriesFromRecords([rec(1, 0), rec(2, 1)]).points);
    expect(data.load1).toEqual([]);
    expect(data.ram).toHaveLength(2);
  });
});
