import { describe, it, expect } from 'vitest';
import {
  normalizeProcesses,
  sortProcesses,
  filterProcesses,
  nextSort,
  stateName,
  processesUrl,
  shapeProcessesAnswer,
} from '../../src/lib/processes.js';

const p = (pid, nombre, cpu, mem, estado = 'S') => ({ pid, nombre, estado, porcentaje_cpu: cpu, ram_mib: mem });
const list = normalizeProcesses([
  p(10, 'nginx', 5, 100),
  p(3, 'postgres', 20, 900),
  p(7, 'sshd', 5, 5),
  p(1, 'init', 0, 12),
]);
const pids = (l) => l.map((x) => x.pid);

describe('process list', () => {
  it('null without a list (v1 record), entries without pid or name dropped, bad numbers as null', () => {
    expect(normalizeProcesses(undefined)).toBeNull();
    expect(normalizeProcesses('x')).toBeNull();
    expect(normalizeProcesses([null, { pid: 2 }, { nombre: 'a' }, { pid: 4, nombre: 'b', estado: 'RR' }])).toEqual([
      { pid: 4, nombre: 'b', estado: '?', porcentaje_cpu: null, ram_mib: null },
    ]);
  });
  it('sorts by CPU or memory, either way, ties by pid', () => {
    expect(pids(sortProcesses(list, 'cpu', 'desc'))).toEqual([3, 7, 10, 1]);
    expect(pids(sortProcesses(list, 'cpu', 'asc'))).toEqual([1, 7, 10, 3]);
    expect(pids(sortProcesses(list, 'mem', 'desc'))).toEqual([3, 10, 1, 7]);
    expect(pids(sortProcesses(list, 'mem', 'asc'))).toEqual([7, 1, 10, 3]);
    expect(pids(list)).toEqual([10, 3, 7, 1]); // the input is left alone
  });
  it('entries without the value go last in both directions', () => {
    const l = [...list, { pid: 2, nombre: 'x', estado: 'S', porcentaje_cpu: null, ram_mib: null }];
    expect(pids(sortProcesses(l, 'cpu', 'desc')).at(-1)).toBe(2);
    expect(pids(sortProcesses(l, 'cpu', 'asc')).at(-1)).toBe(2);
  });
  it('a header click flips its column, another column starts descending', () => {
    expect(nextSort({ key: 'cpu', dir: 'desc' }, 'cpu')).toEqual({ key: 'cpu', dir: 'asc' });
    expect(nextSort({ key: 'cpu', dir: 'asc' }, 'cpu')).toEqual({ key: 'cpu', dir: 'desc' });
    expect(nextSort({ key: 'cpu', dir: 'asc' }, 'mem')).toEqual({ key: 'mem', dir: 'desc' });
  });
  it('filters by name, case-insensitive, or by exact pid', () => {
    expect(pids(filterProcesses(list, 'GRES'))).toEqual([3]);
    expect(pids(filterProcesses(list, ' 7 '))).toEqual([7]);
    expect(filterProcesses(list, '')).toBe(list);
    expect(filterProcesses(list, 'nothing')).toEqual([]);
  });
  it('state letters read as words', () => {
    expect(stateName('Z')).toBe('zombie');
    expect(stateName('D')).toMatch(/uninterruptible/);
    expect(stateName('?')).toBe('state ?');
  });
  it('asks the hub for the list at a UTC time', () => {
    expect(processesUrl('http://h', 'web-1', Date.UTC(2026, 0, 2, 3, 4, 5))).toBe(
      'http://h/api/processes?vm=web-1&at=2026-01-02+03%3A04%3A05',
    );
  });
  it('shapes a 200 answer, refuses one without a list', () => {
    expect(shapeProcessesAnswer({ vm: 'a', hora: '2026-01-01 00:00:00', procesos_top: [p(1, 'a', 1, 1)] })).toEqual({
      hora: '2026-01-01 00:00:00',
      procesos: [p(1, 'a', 1, 1)],
    });
    expect(() => shapeProcessesAnswer({ vm: 'a' })).toThrow(/no procesos_top/);
  });
});
