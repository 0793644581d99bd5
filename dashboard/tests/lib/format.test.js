import { describe, it, expect } from 'vitest';
import {
  formatPercent,
  formatMiB,
  formatCount,
  formatShare,
  formatClock,
  formatTick,
  formatAgo,
  formatCountdown,
  formatLoad,
  formatRate,
  formatUptime,
  formatTabTitle,
} from '../../src/lib/format.js';

describe('format', () => {
  it('percent with one decimal, dash for missing', () => {
    expect(formatPercent(42.345)).toBe('42.3');
    expect(formatPercent(NaN)).toBe('—');
    expect(formatPercent(undefined)).toBe('—');
  });
  it('MiB scales to GiB and TiB', () => {
    expect(formatMiB(812)).toBe('812 MiB');
    expect(formatMiB(2048)).toBe('2.00 GiB');
    expect(formatMiB(15974)).toBe('15.6 GiB');
    expect(formatMiB(3 * 1024 * 1024)).toBe('3.00 TiB');
    expect(formatMiB(null)).toBe('—');
  });
  it('counts with thousands separators', () => expect(formatCount(1234567)).toBe('1,234,567'));
  it('shares as percent', () => expect(formatShare(0.5123)).toBe('51.2%'));
  it('clock and ticks in the given zone', () => {
    const t = Date.UTC(2026, 0, 1, 14, 3, 7);
    expect(formatClock(t, 'UTC')).toBe('14:03:07');
    expect(formatTick(t, 5 * 60_000, 'UTC')).toBe('14:03:07');
    expect(formatTick(t, 3600_000, 'UTC')).toBe('14:03');
    expect(formatTick(t, 86400_000, 'UTC')).toMatch(/01 Jan.*14:03/);
    expect(formatTick(t, 30 * 86400_000, 'UTC')).toBe('01 Jan');
  });
  it('ages', () => {
    expect(formatAgo(0, 500)).toBe('just now');
    expect(formatAgo(0, 12_000)).toBe('12 s ago');
    expect(formatAgo(0, 180_000)).toBe('3 min ago');
    expect(formatAgo(0, 7_200_000)).toBe('2 h ago');
    expect(formatAgo(0, 4 * 86_400_000)).toBe('4 d ago');
  });
  it('countdown rounds up', () => {
    expect(formatCountdown(1200)).toBe('2 s');
    expect(formatCountdown(-5)).toBe('0 s');
  });
});

describe('formatTabTitle', () => {
  it('names the VM and its headline numbers', () => {
    expect(formatTabTitle('web-1', { porcentaje_cpu_uso: 12.6, porcentaje_ram: 40.2 })).toBe(
      'web-1 · CPU 13% · RAM 40% — vmpulse',
    );
  });
  it('is the bare name without a VM or a record', () => {
    expect(formatTabTitle(null, { porcentaje_cpu_uso: 1 })).toBe('vmpulse');
    expect(formatTabTitle('web-1', null)).toBe('vmpulse');
  });
  it('leads with the firing alerts, if any', () => {
    expect(formatTabTitle('web-1', { porcentaje_cpu_uso: 1, porcentaje_ram: 2 }, 2)).toBe(
      '(2 firing) web-1 · CPU 1% · RAM 2% — vmpulse',
    );
    expect(formatTabTitle(null, null, 1)).toBe('(1 firing) vmpulse');
  });
});

describe('v2 numbers', () => {
  it('load with two decimals', () => {
    expect(formatLoad(0.4)).toBe('0.40');
    expect(formatLoad(undefined)).toBe('—');
  });
  it('rates in KiB/s, MiB/s, GiB/s', () => {
    expect(formatRate(0)).toBe('0.0 KiB/s');
    expect(formatRate(312.4)).toBe('312 KiB/s');
    expect(formatRate(4352)).toBe('4.25 MiB/s');
    expect(formatRate(1153434)).toBe('1.10 GiB/s');
    expect(formatRate(null)).toBe('—');
  });
  it('uptime in the two largest units', () => {
    expect(formatUptime(3 * 86400 + 4 * 3600 + 59)).toBe('3 d 4 h');
    expect(formatUptime(5 * 3600 + 12 * 60)).toBe('5 h 12 min');
    expect(formatUptime(420)).toBe('7 min');
    expect(formatUptime(40)).toBe('40 s');
    expect(formatUptime(-1)).toBe('—');
    expect(formatUptime(undefined)).toBe('—');
  });
});
