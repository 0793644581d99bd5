import { describe, it, expect } from 'vitest';
import {
  fleetRows,
  filterFleet,
  sortFleet,
  nextSort,
  parseLabelFilter,
  labelsOf,
  matchesSearch,
  visibleRange,
  STALE_MS,
} from '../../src/lib/fleet.js';

const now = Date.UTC(2026, 11, 5, 12, 0, 0);
const hora = (ms) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const entry = (vm, agoMs, cpu, ram, etiquetas) => ({
  vm,
  last: hora(now - agoMs),
  rows: 1,
  ...(cpu === undefined ? {} : { porcentaje_cpu_uso: cpu }),
  ...(ram === undefined ? {} : { porcentaje_ram: ram }),
  ...(etiquetas ? { etiquetas } : {}),
});
const alert = (vm, rule, state, sinceAgo = 60_000) => ({ vm, rule, state, sinceMs: now - sinceAgo });

const vms = [
  entry('web-1', 1000, 50, 40, { env: 'prod', role: 'web' }),
  entry('web-2', 5000, 90, 10, { env: 'staging' }),
  entry('db-1', STALE_MS + 1000, 20, 80, { env: 'prod', role: 'db' }),
  entry('cache-1', 2000, undefined, undefined),
  entry('batch-9', 2000, 20, 5),
];
const latest = { 'cache-1': { vm: 'cache-1', porcentaje_cpu_uso: 7, porcentaje_ram: 70, hora: hora(now - 2000) } };
const active = [alert('batch-9', 'vm_down', 'firing', 600_000), alert('web-2', 'cpu_high', 'pending')];
const rows = fleetRows(vms, latest, active, now);
const names = (rs) => rs.map((r) => r.vm);

describe('fleet rows', () => {
  it('take CPU and RAM from the entry, else the newest record', () => {
    const by = Object.fromEntries(rows.map((r) => [r.vm, r]));
    expect([by['web-1'].cpu, by['web-1'].ram]).toEqual([50, 40]);
    expect([by['cache-1'].cpu, by['cache-1'].ram]).toEqual([7, 70]);
  });
  it('mark up, stale (no row for 30 s), down (vm_down firing, seen at its since) and alerting', () => {
    const by = Object.fromEntries(rows.map((r) => [r.vm, r]));
    expect(['web-1', 'db-1', 'batch-9'].map((v) => by[v].status)).toEqual(['up', 'stale', 'down']);
    expect(by['batch-9'].seenMs).toBe(now - 600_000);
    expect(by['batch-9'].alerting).toBe(false);
    expect(by['web-2'].alerting).toBe(true);
    expect(by['web-1'].seenMs).toBe(now - 1000);
  });
  it('follow an entry replaced by a newer one (what a fleet message does)', () => {
    const newer = { ...vms[1], last: hora(now - STALE_MS - 5000) };
    const again = fleetRows([vms[0], newer], latest, [], now);
    expect(again[1].status).toBe('stale');
    expect(fleetRows([vms[0], vms[1]], latest, [], now)[1].status).toBe('up');
  });
  it('read labels as sorted pairs, ignoring what is not a string map', () => {
    expect(labelsOf(vms[0])).toEqual([
      ['env', 'prod'],
      ['role', 'web'],
    ]);
    expect(labelsOf({ vm: 'a' })).toEqual([]);
    expect(labelsOf({ vm: 'a', etiquetas: ['x'] })).toEqual([]);
    expect(labelsOf({ vm: 'a', etiquetas: { a: 1, b: 'c' } })).toEqual([['b', 'c']]);
  });
});

describe('fleet filters', () => {
  it('search the name in any case', () => {
    expect(names(filterFleet(rows, { search: 'WEB' }))).toEqual(['web-1', 'web-2']);
    expect(filterFleet(rows, { search: 'nope' })).toEqual([]);
    expect(filterFleet(rows, { search: '  ' })).toHaveLength(5);
  });
  it('search a label written key=value, or a part of it, in any case', () => {
    expect(names(filterFleet(rows, { search: 'env=prod' }))).toEqual(['web-1', 'db-1']);
    expect(names(filterFleet(rows, { search: ' ROLE=DB ' }))).toEqual(['db-1']);
    expect(names(filterFleet(rows, { search: 'staging' }))).toEqual(['web-2']);
    expect(names(filterFleet(rows, { search: 'role=' }))).toEqual(['web-1', 'db-1']);
    expect(filterFleet(rows, { search: 'env=dev' })).toEqual([]);
    // A name and a label both count; combined with the label filter.
    expect(names(filterFleet(rows, { search: 'web' }))).toEqual(['web-1', 'web-2']);
    expect(names(filterFleet(rows, { search: 'prod', label: parseLabelFilter('role=db') }))).toEqual(['db-1']);
  });
  it('matchesSearch on a row without labels or without the cached texts', () => {
    expect(matchesSearch({ vm: 'a-1', labels: [] }, 'x=y')).toBe(false);
    expect(matchesSearch({ vm: 'a-1', labels: [['x', 'Y']] }, 'x=y')).toBe(true);
    expect(matchesSearch({ vm: 'a-1' }, '')).toBe(true);
    expect(matchesSearch({ vm: 'a-1' }, 'a-')).toBe(true);
  });
  it('filter by status or alerting', () => {
    expect(names(filterFleet(rows, { status: 'up' }))).toEqual(['web-1', 'web-2', 'cache-1']);
    expect(names(filterFleet(rows, { status: 'stale' }))).toEqual(['db-1']);
    expect(names(filterFleet(rows, { status: 'down' }))).toEqual(['batch-9']);
    expect(names(filterFleet(rows, { status: 'alerting' }))).toEqual(['web-2']);
  });
  it('filter by one label key=value, combined with the others', () => {
    const prod = parseLabelFilter(' env = prod ');
    expect(prod).toEqual({ key: 'env', value: 'prod' });
    expect(names(filterFleet(rows, { label: prod }))).toEqual(['web-1', 'db-1']);
    expect(names(filterFleet(rows, { label: prod, status: 'up', search: 'web' }))).toEqual(['web-1']);
    expect(filterFleet(rows, { label: parseLabelFilter('env=pro') })).toEqual([]);
  });
  it('a label filter that is not key=value is an error and keeps nothing', () => {
    expect(parseLabelFilter('')).toBeNull();
    expect(parseLabelFilter(undefined)).toBeNull();
    for (const bad of ['env', '=prod', 'env=', ' = ']) expect(parseLabelFilter(bad)).toHaveProperty('error');
    expect(parseLabelFilter('k=a=b')).toEqual({ key: 'k', value: 'a=b' });
    expect(filterFleet(rows, { label: parseLabelFilter('env') })).toEqual([]);
  });
});

describe('fleet sort', () => {
  it('by name both ways', () => {
    expect(names(sortFleet(rows, 'name', 'asc'))).toEqual(['batch-9', 'cache-1', 'db-1', 'web-1', 'web-2']);
    expect(names(sortFleet(rows, 'name', 'desc'))).toEqual(['web-2', 'web-1', 'db-1', 'cache-1', 'batch-9']);
  });
  it('by CPU both ways, ties by name', () => {
    expect(names(sortFleet(rows, 'cpu', 'desc'))).toEqual(['web-2', 'web-1', 'batch-9', 'db-1', 'cache-1']);
    expect(names(sortFleet(rows, 'cpu', 'asc'))).toEqual(['cache-1', 'batch-9', 'db-1', 'web-1', 'web-2']);
  });
  it('by RAM and by last seen; missing values last either way', () => {
    const noRam = [...rows, { ...rows[0], vm: 'z-new', ram: null }];
    expect(names(sortFleet(noRam, 'ram', 'desc'))).toEqual(['db-1', 'cache-1', 'web-1', 'web-2', 'batch-9', 'z-new']);
    expect(names(sortFleet(noRam, 'ram', 'asc')).at(-1)).toBe('z-new');
    expect(names(sortFleet(rows, 'seen', 'desc'))).toEqual(['web-1', 'cache-1', 'web-2', 'db-1', 'batch-9']);
    expect(names(sortFleet(rows, 'seen', 'asc'))[0]).toBe('batch-9');
  });
  it('does not change its input', () => {
    const copy = [...rows];
    sortFleet(rows, 'cpu', 'desc');
    expect(rows).toEqual(copy);
  });
  it('a header click starts numbers descending and names ascending, and a second flips', () => {
    expect(nextSort({ key: 'name', dir: 'asc' }, 'cpu')).toEqual({ key: 'cpu', dir: 'desc' });
    expect(nextSort({ key: 'cpu', dir: 'desc' }, 'cpu')).toEqual({ key: 'cpu', dir: 'asc' });
    expect(nextSort({ key: 'cpu', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'asc' });
    expect(nextSort({ key: 'name', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'desc' });
  });
});

describe('visible rows', () => {
  it('covers the viewport plus the overscan, inside the list', () => {
    expect(visibleRange(0, 340, 34, 10_000, 8)).toEqual({ start: 0, end: 19 });
    expect(visibleRange(34 * 5000, 340, 34, 10_000, 8)).toEqual({ start: 4992, end: 5019 });
    expect(visibleRange(34 * 9999, 340, 34, 10_000, 8)).toEqual({ start: 9991, end: 10_000 });
  });
  it('copes with a short list, a bad scroll offset and a list that shrank under the scroll', () => {
    expect(visibleRange(0, 340, 34, 3)).toEqual({ start: 0, end: 3 });
    expect(visibleRange(NaN, 340, 34, 3)).toEqual({ start: 0, end: 3 });
    expect(visibleRange(-50, 340, 34, 3)).toEqual({ start: 0, end: 3 });
    expect(visibleRange(34 * 5000, 340, 34, 10)).toEqual({ start: 10, end: 10 });
    expect(visibleRange(0, 0, 34, 0)).toEqual({ start: 0, end: 0 });
  });
});
