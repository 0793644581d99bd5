import { describe, it, expect } from 'vitest';
import { normalizeSplit } from '../../src/lib/split.js';

describe('normalizeSplit', () => {
  it('derives shares from counts', () => {
    const s = normalizeSplit({ cpp: 510, nodejs: 490, total: 1000 });
    expect(s.shares).toEqual({ cpp: 0.51, nodejs: 0.49 });
  });
  it('is all zero with no traffic (no division by zero)', () => {
    expect(normalizeSplit({ cpp: 0, nodejs: 0, total: 0 }).shares).toEqual({ cpp: 0, nodejs: 0 });
    expect(normalizeSplit(null).total).toBe(0);
  });
  it('never lets total be smaller than its parts', () => {
    expect(normalizeSplit({ cpp: 3, nodejs: 2 }).total).toBe(5);
  });
  it('treats garbage counts as zero', () => {
    expect(normalizeSplit({ cpp: 'x', nodejs: -4, total: NaN })).toMatchObject({ cpp: 0, nodejs: 0, total: 0 });
  });
});
