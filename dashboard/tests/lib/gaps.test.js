import { describe, it, expect } from 'vitest';
import { breakGaps, typicalStep, liveGapMs } from '../../src/lib/gaps.js';

const line = (xs) => xs.map((x) => ({ x, y: x }));

describe('gaps', () => {
  it('finds the usual spacing', () => {
    expect(typicalStep(line([0, 1000, 2000, 3000, 60_000]))).toBe(1000);
    expect(typicalStep(line([5]))).toBe(0);
  });
  it('puts a null point inside each wide gap, in every series alike', () => {
    const [a, b] = breakGaps([line([0, 1, 2, 100, 101, 300]), line([0, 1, 2, 100, 101, 300])], 10);
    expect(a.map((p) => p.y)).toEqual([0, 1, 2, null, 100, 101, null, 300]);
    expect(a[3].x).toBe(51);
    expect(b).toHaveLength(8);
  });
  it('returns the same arrays when nothing is missing', () => {
    const s = [line([0, 1, 2])];
    expect(breakGaps(s, 10)).toBe(s);
  });
  it('live threshold: at least 30 s, else five typical steps', () => {
    expect(liveGapMs(line([0, 1000, 2000]))).toBe(30_000);
    expect(liveGapMs(line([0, 60_000, 120_000]))).toBe(300_000);
  });
  it('leaves an empty series (a v2 series of a v1 agent) empty', () => {
    const xs = [0, 1000, 60_000].map((x) => ({ x, y: 1 }));
    const [a, b] = breakGaps([xs, []], 10_000);
    expect(a.map((p) => p.y)).toEqual([1, 1, null, 1]);
    expect(b).toEqual([]);
  });
});
