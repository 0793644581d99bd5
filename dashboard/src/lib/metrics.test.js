import { describe, it, expect } from 'vitest';
import { SERIES, SERIES_KEYS, recordValues, diskUsedPercent, bucketOf, hasValues } from './metrics.js';

const v2 = {
  porcentaje_cpu_uso: 40,
  porcentaje_ram: 50,
  porcentaje_cpu_robado: 1.5,
  porcentaje_cpu_espera: 3.25,
  carga_1: 0.5,
  carga_5: 0.4,
  carga_15: 0.3,
  disco_total: 1000,
  disco_libre: 250,
  disco_lectura_kib_s: 12,
  disco_escritura_kib_s: 34,
  red_rx_kib_s: 56,
  red_tx_kib_s: 78,
};

describe('series table', () => {
  it('reads every series of a v2 record under the charts’ names', () => {
    expect(recordValues(v2)).toEqual({
      cpu: 40,
      ram: 50,
      steal: 1.5,
      iowait: 3.25,
      load1: 0.5,
      load5: 0.4,
      load15: 0.3,
      diskUsed: 75,
      diskRead: 12,
      diskWrite: 34,
      netRx: 56,
      netTx: 78,
    });
  });
  it('a v1 record has null for every v2 series, and the v1 ones still', () => {
    const values = recordValues({ porcentaje_cpu_uso: 40, porcentaje_ram: 50 });
    expect(values.cpu).toBe(40);
    expect(SERIES_KEYS.filter((k) => values[k] === null)).toEqual(
      SERIES_KEYS.filter((k) => k !== 'cpu' && k !== 'ram'),
    );
    expect(recordValues(null).cpu).toBeNull();
  });
  it('reads numbers sent as text and refuses what is not a number', () => {
    expect(recordValues({ carga_1: '1.25', carga_5: 'x', carga_15: true }).load1).toBe(1.25);
    expect(recordValues({ carga_5: 'x' }).load5).toBeNull();
    expect(recordValues({ carga_15: true }).load15).toBeNull();
  });
  it('maps each history series by name, null where the point lacks it', () => {
    const p = { cpu: { min: 1, avg: 2, max: 3 }, carga_1: { min: 0.1, avg: 0.2, max: 0.3 } };
    const byKey = Object.fromEntries(SERIES.map((s) => [s.key, s.fromHistory(p)]));
    expect(byKey.cpu).toEqual({ min: 1, avg: 2, max: 3 });
    expect(byKey.load1).toEqual({ min: 0.1, avg: 0.2, max: 0.3 });
    expect(byKey.load5).toBeNull();
    expect(byKey.diskUsed).toBeNull();
  });
  it('disk used %: from total and free, the band from the most and least free', () => {
    expect(diskUsedPercent(200, 50)).toBe(75);
    expect(diskUsedPercent(0, 0)).toBeNull();
    expect(diskUsedPercent(100, undefined)).toBeNull();
    const disk = SERIES.find((s) => s.key === 'diskUsed');
    const p = { disco_total: { min: 100, avg: 100, max: 100 }, disco_libre: { min: 10, avg: 20, max: 40 } };
    expect(disk.fromHistory(p)).toEqual({ min: 60, avg: 80, max: 90 });
  });
  it('a bucket needs all of min, avg and max', () => {
    expect(bucketOf({ a: { min: 1, avg: 2 } }, 'a')).toBeNull();
    expect(bucketOf({ a: null }, 'a')).toBeNull();
    expect(bucketOf(undefined, 'a')).toBeNull();
  });
  it('hasValues: true when any point of any array has a number', () => {
    expect(hasValues([{ x: 1, y: null }], undefined)).toBe(false);
    expect(hasValues([{ x: 1, y: null }], [{ x: 2, y: 0 }])).toBe(true);
    expect(hasValues()).toBe(false);
  });
});
