import { describe, it, expect } from 'vitest';
import { mergeBuckets } from '../../src/lib/downsample.js';

describe('mergeBuckets', () => {
  const pts = [
    { t: 0, n: 1, min: 1, avg: 2, max: 3 },
    { t: 10, n: 3, min: 0, avg: 6, max: 9 },
    { t: 20, n: 2, min: 4, avg: 5, max: 5 },
  ];
  it('leaves small inputs alone', () => expect(mergeBuckets(pts, 3)).toBe(pts));
  it('keeps min of mins, max of maxes and the count-weighted mean', () => {
    const out = mergeBuckets(pts, 2);
    expect(out).toHaveLength(2);
    expect(out[0]).toEqual({ t: 0, n: 4, min: 0, avg: (2 + 18) / 4, max: 9 });
    expect(out[1]).toEqual({ t: 20, n: 2, min: 4, avg: 5, max: 5 });
  });
  it('reaches at most the target size', () => {
    const many = Array.from({ length: 720 }, (_, i) => ({ t: i, n: 1, min: i, avg: i, max: i }));
    const out = mergeBuckets(many, 100);
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out.at(-1).max).toBe(719);
    expect(out[0].min).toBe(0);
  });
});
