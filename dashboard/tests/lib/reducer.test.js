import { describe, it, expect } from 'vitest';
import { chartData } from '../../src/lib/series.js';
import { reducer, initialState, parseMessage } from '../../src/lib/reducer.js';
import { normalizeSplit } from '../../src/lib/split.js';

const rec = (id, vm, sec, cpu = 10) => ({
  id,
  vm,
  hora: `2026-01-01 00:${String(Math.floor(sec / 60)).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')}`,
  porcentaje_cpu_uso: cpu,
  porcentaje_ram: 40,
  api: 'cpp',
});

const snapshot = (over = {}) => ({
  type: 'snapshot',
  vm: 'web-1',
  minutes: 15,
  vms: [
    { vm: 'web-2', last: '2026-01-01 00:00:02', rows: 1 },
    { vm: 'web-1', last: '2026-01-01 00:00:01', rows: 2 },
  ],
  latest: { 'web-1': rec(2, 'web-1', 1), 'web-2': rec(3, 'web-2', 2) },
  series: [rec(1, 'web-1', 0), rec(2, 'web-1', 1)],
  split: { cpp: 2, nodejs: 1, total: 3 },
  ...over,
});

describe('parseMessage', () => {
  it('passes known messages through', () => {
    expect(parseMessage('{"type":"resync","reason":"slow client"}').type).toBe('resync');
  });
  it.each([
    ['not json', 'not JSON'],
    ['[1]', 'not an object'],
    ['null', 'not an object'],
    ['{"type":"nope"}', 'unknown message type "nope"'],
    ['{"type":"snapshot"}', 'snapshot without series or vms'],
    ['{"type":"records"}', 'records without an array'],
    ['{"type":"fleet"}', 'fleet without a vms array'],
    ['{"type":"fleet","vms":{}}', 'fleet without a vms array'],
  ])('turns %s into a bad-message action', (text, detail) => {
    expect(parseMessage(text)).toEqual({ type: 'bad-message', detail });
  });
});

describe('reducer', () => {
  it('a snapshot replaces everything and sorts the VMs', () => {
    const s = reducer(initialState, snapshot());
    expect(s.received).toBe(true);
    expect(s.vm).toBe('web-1');
    expect(s.vms.map((v) => v.vm)).toEqual(['web-1', 'web-2']);
    expect(s.series.points).toHaveLength(2);
    expect(s.split).toMatchObject({ cpp: 2, nodejs: 1, total: 3 });
  });

  it("records append to the selected VM only, but update every VM's latest", () => {
    let s = reducer(initialState, snapshot());
    s = reducer(s, {
      type: 'records',
      records: [rec(4, 'web-1', 2, 77), rec(5, 'web-2', 3, 55)],
      split: { cpp: 3, nodejs: 2, total: 5 },
    });
    expect(chartData(s.series.points).cpu.map((p) => p.y)).toEqual([10, 10, 77]);
    expect(s.latest['web-2'].porcentaje_cpu_uso).toBe(55);
    expect(s.vms.find((v) => v.vm === 'web-2').rows).toBe(2);
    expect(s.split.total).toBe(5);
  });

  it('a new VM appears in the picker when it first reports', () => {
    let s = reducer(initialState, snapshot());
    s = reducer(s, { type: 'records', records: [rec(9, 'db-1', 5)] });
    expect(s.vms.map((v) => v.vm)).toEqual(['db-1', 'web-1', 'web-2']);
    expect(s.vm).toBe('web-1');
  });

  it('with an empty table, the first VM to report becomes the view', () => {
    let s = reducer(
      initialState,
      snapshot({ vm: null, vms: [], latest: {}, series: [], split: { cpp: 0, nodejs: 0, total: 0 } }),
    );
    expect(s.vm).toBeNull();
    s = reducer(s, { type: 'records', records: [rec(1, 'fresh', 0)], split: { cpp: 1, nodejs: 0, total: 1 } });
    expect(s.vm).toBe('fresh');
    expect(s.series.points).toHaveLength(1);
  });

  it('keeps the newest latest even if an older row arrives late', () => {
    let s = reducer(initialState, snapshot());
    s = reducer(s, { type: 'records', records: [rec(1, 'web-2', 0, 99)] });
    expect(s.latest['web-2'].id).toBe(3);
  });

  it('resync marks the view stale until the next snapshot', () => {
    let s = reducer(initialState, snapshot());
    s = reducer(s, { type: 'resync', reason: 'slow client' });
    expect(s.stale).toBe(true);
    s = reducer(s, snapshot({ series: [rec(7, 'web-1', 9)] }));
    expect(s.stale).toBe(false);
    expect(s.series.points.map((p) => p.id)).toEqual([7]);
  });

  it('a records message without split keeps the previous split', () => {
    let s = reducer(initialState, snapshot());
    s = reducer(s, { type: 'records', records: [] });
    expect(s.split.total).toBe(3);
  });

  it('counts bad messages and keeps the state', () => {
    const s0 = reducer(initialState, snapshot());
    const s = reducer(s0, parseMessage('garbage'));
    expect(s.badMessages).toBe(1);
    expect(s.series).toBe(s0.series);
  });

  it('ignores records that are not objects with a vm', () => {
    let s = reducer(initialState, snapshot());
    s = reducer(s, { type: 'records', records: [null, 3, { id: 10 }] });
    expect(s.vms).toHaveLength(2);
  });
});

describe('alerts', () => {
  const firing = {
    rule: 'cpu_high',
    vm: 'web-1',
    severity: 'warning',
    state: 'firing',
    value: 95,
    threshold: 90,
    since: '2026-01-01 00:00:00',
    silenced: false,
  };
  const crit = { ...firing, vm: 'web-2', severity: 'critical' };

  it("a snapshot's alerts field sets the active list, ordered", () => {
    const s = reducer(initialState, snapshot({ alerts: { active: [firing, crit], silences: [] } }));
    expect(s.alertsKnown).toBe(true);
    expect(s.alerts.active.map((a) => a.vm)).toEqual(['web-2', 'web-1']);
  });

  it('an alerts message replaces them; a snapshot without the field keeps them', () => {
    let s = reducer(initialState, snapshot({ alerts: { active: [firing], silences: [] } }));
    s = reducer(
      s,
      parseMessage(
        JSON.stringify({
          type: 'alerts',
          active: [],
          silences: [{ id: 1, match: 'web-*', until: '2026-01-01 02:00:00' }],
        }),
      ),
    );
    expect(s.alerts.active).toEqual([]);
    expect(s.alerts.silences.map((x) => x.match)).toEqual(['web-*']);
    s = reducer(s, snapshot());
    expect(s.alerts.silences).toHaveLength(1);
  });

  it('a hub without alerts leaves them unknown', () => {
    const s = reducer(initialState, snapshot());
    expect(s.alertsKnown).toBe(false);
    expect(s.alerts.active).toEqual([]);
  });

  it('a malformed alerts message is counted, not applied', () => {
    const s0 = reducer(initialState, snapshot({ alerts: { active: [firing], silences: [] } }));
    const s = reducer(s0, parseMessage('{"type":"alerts","active":{}}'));
    expect(s.badMessages).toBe(1);
    expect(s.alerts).toBe(s0.alerts);
  });

  it('a fleet message replaces the entries it carries, by vm, and adds new VMs in name order', () => {
    let s = reducer(initialState, snapshot());
    const before = s.vms.find((v) => v.vm === 'web-2');
    const web1 = { vm: 'web-1', last: '2026-01-01 00:05:00', rows: 9, porcentaje_cpu_uso: 12.5, porcentaje_ram: 33 };
    const added = { vm: 'app-1', last: '2026-01-01 00:05:00', rows: 1, etiquetas: { env: 'prod' } };
    s = reducer(s, parseMessage(JSON.stringify({ type: 'fleet', vms: [web1, added, null, { vm: 7 }] })));
    expect(s.vms.map((v) => v.vm)).toEqual(['app-1', 'web-1', 'web-2']);
    expect(s.vms[1]).toEqual(web1);
    expect(s.vms[0].etiquetas).toEqual({ env: 'prod' });
    expect(s.vms[2]).toBe(before); // untouched
    expect(s.badMessages).toBe(0);
  });

  it('a fleet message brings the split, which records of the watched VM alone no longer do', () => {
    const s0 = reducer(initialState, snapshot());
    const split = { cpp: 7, nodejs: 4, total: 11 };
    const s = reducer(s0, parseMessage(JSON.stringify({ type: 'fleet', vms: [], split })));
    expect(s.split).toEqual(normalizeSplit(split));
    expect(s.split).not.toEqual(s0.split);
    expect(s.vms).toBe(s0.vms);
  });

  it('a fleet message with nothing usable leaves the state as it was', () => {
    const s = reducer(initialState, snapshot());
    expect(reducer(s, { type: 'fleet', vms: [1, 'x'] })).toBe(s);
  });

  it('a malformed fleet message is counted, not applied', () => {
    const s0 = reducer(initialState, snapshot());
    const s = reducer(s0, parseMessage('{"type":"fleet","vms":"web-1"}'));
    expect(s.vms).toBe(s0.vms);
    expect(s.badMessages).toBe(1);
    expect(s.lastMessageError).toBe('fleet without a vms array');
  });

  it("records update the VM's entry numbers too, where the machines table reads them", () => {
    let s = reducer(initialState, snapshot());
    s = reducer(s, { type: 'records', records: [{ ...rec(9, 'web-2', 30, 61), carga_1: 0.5 }] });
    expect(s.vms.find((v) => v.vm === 'web-2')).toMatchObject({
      last: '2026-01-01 00:00:30',
      rows: 2,
      porcentaje_cpu_uso: 61,
      porcentaje_ram: 40,
      carga_1: 0.5,
    });
    // The other VMs' entries are the same objects (the table caches per entry).
    const before = reducer(initialState, snapshot());
    const after = reducer(before, { type: 'records', records: [rec(9, 'web-2', 30, 61)] });
    expect(after.vms.find((v) => v.vm === 'web-1')).toBe(before.vms.find((v) => v.vm === 'web-1'));
    expect(before.vms.find((v) => v.vm === 'web-2').rows).toBe(1); // not changed in place
    // A late, older row counts but does not overwrite the newer numbers.
    s = reducer(s, { type: 'records', records: [rec(8, 'web-2', 20, 5)] });
    expect(s.vms.find((v) => v.vm === 'web-2')).toMatchObject({ rows: 3, porcentaje_cpu_uso: 61 });
  });
});
