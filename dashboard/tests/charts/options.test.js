import { describe, it, expect } from 'vitest';
import { tickStep, roundTicks, timeSeriesOptions } from '../../src/charts/options.js';

describe('time axis', () => {
  it('picks the smallest round step giving at most 7 ticks', () => {
    expect(tickStep(60_000)).toBe(10_000);
    expect(tickStep(15 * 60_000)).toBe(300_000); // 900 s / 7 = 129 s > 120 s
    expect(tickStep(3600_000)).toBe(600_000);
    expect(tickStep(24 * 3600_000)).toBe(21_600_000); // 6 h
    expect(tickStep(7 * 86400_000)).toBe(86400_000); // a day
    expect(tickStep(30 * 86400_000)).toBe(7 * 86400_000);
    expect(tickStep(365 * 86400_000)).toBe(61 * 86400_000);
  });
  it('places ticks on round clock times inside the range', () => {
    const base = Date.UTC(2026, 0, 1, 10, 0, 0) + new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset() * 60_000;
    const ticks = roundTicks(base + 61_000, base + 600_000, 120_000).map((t) => t.value - base);
    expect(ticks).toEqual([120_000, 240_000, 360_000, 480_000, 600_000]);
  });
  it('keeps Chart.js from parsing or animating', () => {
    const o = timeSeriesOptions({ spanMs: 60_000 });
    expect(o.parsing).toBe(false);
    expect(o.animation).toBe(false);
    expect(o.plugins.decimation.enabled).toBe(true);
  });

  it('a y axis without a top for loads and rates, values written by the given format', () => {
    const o = timeSeriesOptions({ spanMs: 60_000, yMax: null, format: (v) => `${v} KiB/s`, tick: (v) => `t${v}` });
    expect(o.scales.y.max).toBeUndefined();
    expect(o.scales.y.ticks.callback(5)).toBe('t5');
    const label = o.plugins.tooltip.callbacks.label({ dataset: { label: 'read' }, parsed: { y: 12 } });
    expect(label).toBe(' read: 12 KiB/s');
    expect(timeSeriesOptions({ spanMs: 60_000 }).scales.y.max).toBe(100);
  });
});
