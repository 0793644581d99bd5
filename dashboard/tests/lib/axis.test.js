import { describe, it, expect } from 'vitest';
import { timeWindow, nearestX } from '../../src/lib/axis.js';

const at = (...xs) => xs.map((x) => ({ x, y: 1 }));

describe('timeWindow', () => {
  it('history: the whole range, ending at the next whole minute', () => {
    const now = 10 * 60_000 + 25_000;
    expect(timeWindow(at(1, 2), 15, now)).toEqual({ spanMs: 900_000, xMin: 11 * 60_000 - 900_000, xMax: 11 * 60_000 });
  });
  it('history ignores the live points', () => {
    expect(timeWindow([], 60, 0)).toEqual({ spanMs: 3_600_000, xMin: 60_000 - 3_600_000, xMax: 60_000 });
    // A zoom wins over the range.
    expect(timeWindow([], 60, 0, { fromMs: 5000, toMs: 95_000 })).toEqual({ spanMs: 90_000, xMin: 5000, xMax: 95_000 });
  });
  it('live: follows the data when it spans more than a minute', () => {
    expect(timeWindow(at(1000, 50_000, 91_000), 0, 5)).toEqual({ spanMs: 90_000, xMin: 1000, xMax: 91_000 });
  });
  it('live: at least a minute wide, ending at the newest point', () => {
    expect(timeWindow(at(100_000, 110_000), 0, 5)).toEqual({ spanMs: 60_000, xMin: 50_000, xMax: 110_000 });
    expect(timeWindow(at(100_000), null, 5)).toEqual({ spanMs: 60_000, xMin: 40_000, xMax: 100_000 });
  });
  it('live with no points leaves the axis to the chart', () => {
    expect(timeWindow([], 0, 5)).toEqual({ spanMs: 60_000, xMin: undefined, xMax: undefined });
  });
});

describe('nearestX', () => {
  const data = [
    { x: 0, y: 1 },
    { x: 10, y: 2 },
    { x: 20, y: null },
    { x: 30, y: 3 },
  ];
  it('snaps a click to the nearest sample', () => {
    expect(nearestX(data, 4)).toBe(0);
    expect(nearestX(data, 6)).toBe(10);
    expect(nearestX(data, 99)).toBe(30);
    expect(nearestX(data, -5)).toBe(0);
  });
  it('skips the null points of gaps', () => expect(nearestX(data, 21)).toBe(30));
  it('keeps the time itself when there is no sample', () => {
    expect(nearestX([], 7)).toBe(7);
    expect(nearestX(undefined, 7)).toBe(7);
  });
});
