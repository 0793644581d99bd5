import { describe, it, expect } from 'vitest';
import { backoffCeiling, backoffDelay } from '../../src/lib/backoff.js';

const opts = { baseMs: 500, maxMs: 30_000, floorMs: 250 };

describe('backoff', () => {
  it('doubles the ceiling each attempt up to the maximum', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((a) => backoffCeiling(a, opts))).toEqual([
      500, 1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
  });
  it('stays finite for absurd attempt counts', () => {
    expect(backoffCeiling(10_000, opts)).toBe(30_000);
  });
  it('jitters between the floor and the ceiling', () => {
    expect(backoffDelay(3, opts, () => 0)).toBe(250);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(2000);
    expect(backoffDelay(3, opts, () => 0.999999)).toBe(4000);
  });
  it('spreads many clients over the interval', () => {
    let seed = 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const delays = Array.from({ length: 1000 }, () => backoffDelay(4, opts, rand));
    const distinct = new Set(delays.map((d) => Math.floor(d / 1000)));
    expect(distinct.size).toBeGreaterThanOrEqual(8); // 0..8 s in 1 s buckets
    expect(Math.max(...delays)).toBeLessThanOrEqual(8000);
  });
});
