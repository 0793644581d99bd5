import { describe, it, expect } from 'vitest';
import { horaToMs, msToUnixSeconds, msToHora } from '../../src/lib/time.js';

describe('horaToMs', () => {
  it('reads the record time as UTC', () => {
    expect(horaToMs('2026-11-26 10:00:01')).toBe(Date.UTC(2026, 10, 26, 10, 0, 1));
  });
  it('accepts an ISO-style T separator', () => {
    expect(horaToMs('2026-01-02T03:04:05')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
  });
  it.each([undefined, null, 42, '', 'yesterday', '2026-13-01 00:00:00', '2026-01-01 24:00:00', '2026-01-01 10:60:00'])(
    'answers NaN for %j',
    (bad) => expect(horaToMs(bad)).toBeNaN(),
  );
});

describe('msToUnixSeconds', () => {
  it('floors to whole seconds', () => expect(msToUnixSeconds(1999)).toBe(1));
});
describe('msToHora', () => {
  it('writes UTC wall-clock time, the inverse of horaToMs', () => {
    expect(msToHora(Date.UTC(2026, 10, 26, 10, 0, 1, 999))).toBe('2026-11-26 10:00:01');
    expect(horaToMs(msToHora(1_800_000_000_000))).toBe(1_800_000_000_000);
  });
});
