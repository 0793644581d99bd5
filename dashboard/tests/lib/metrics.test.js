import { describe, it, expect } from 'vitest';
import { SERIES, SERIES_KEYS, recordValues, usedPercent, bucketOf, hasValues } from '../../src/lib/metrics.js';

const v2 = {
  porcentaje_cpu_uso: 40,
  porcentaje_ram: 50,
  porcentaje_cpu_robado: 1.5,
  porcentaje_cpu_espera: 3.25,
  carga_1: 0.5,
  carga_5: 0.4,
  carga_15: 0.3,
  swap_total: 2000,
  swap_libre: 1500,
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
      swap: 25,
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
  it('maps each history series by the hub’s name (docs/ws-protocol.md), null where the point lacks it', () => {
    const p = {
      cpu: { min: 1, avg: 2, max: 3 },
      carga: { avg: 0.2, max: 0.3 },
      cpu_robado: { avg: 1, max: 2 },
      disco: { avg: 60, max: 61 },
      red_tx: { avg: 5, max: 9 },
    };
    const byKey = Object.fromEntries(SERIES.map((s) => [s.key, s.fromHistory(p)]));
    expect(byKey.cpu).toEqual({ min: 1, avg: 2, max: 3 });
    expect(byKey.load1).toEqual({ min: 0.2, avg: 0.2, max: 0.3 });
    expect(byKey.steal).toEqual({ min: 1, avg: 1, max: 2 });
    expect(byKey.diskUsed).toEqual({ min: 60, avg: 60, max: 61 });
    expect(byKey.netTx).toEqual({ min: 5, avg: 5, max: 9 });
    expect(byKey.load5).toBeNull(); // no history series for carga_5
    expect(byKey.swap).toBeNull();
  });
  it('used %: from total and free, null without a non-zero total', () => {
    expect(usedPercent(200, 50)).toBe(75);
    expect(usedPercent(0, 0)).toBeNull();
    expect(usedPercent(100, undefined)).toBeNull();
    expect(recordValues({ swap_total: 0, swap_libre: 0 }).swap).toBeNull();
  });
  it('a bucket needs an avg; without min or max they read as the avg', () => {
    expect(bucketOf({ a: { min: 1, max: 2 } }, 'a')).toBeNull();
    expect(bucketOf({ a: { avg: 2 } }, 'a')).toEqual({ min: 2, avg: 2, max: 2 });
    expect(bucketOf({ a: null }, 'a')).toBeNull();
    expect(bucketOf(undefined, 'a')).toBeNull();
  });
  it('hasValues: true when any point of any array has a number', () => {
    expect(hasValues([{ x: 1, y: null }], undefined)).toBe(false);
    expect(hasValues([{ x: 1, y: null }], [{ x: 2, y: 0 }])).toBe(true);
    expect(hasValues()).toBe(false);
  });
});
