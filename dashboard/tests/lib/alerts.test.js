import { describe, it, expect } from 'vitest';
import {
  normalizeAlerts,
  matchesPattern,
  vmMark,
  silenceRequest,
  unsilenceUrl,
  alertHistoryUrl,
  shapeAlertHistory,
  formatAlertValue,
  alertCounts,
  msToHora,
} from '../../src/lib/alerts.js';

const alert = (over = {}) => ({
  rule: 'cpu_high',
  vm: 'web-1',
  severity: 'warning',
  state: 'firing',
  value: 95.2,
  threshold: 90,
  since: '2026-12-05 06:01:02',
  changed: '2026-12-05 06:03:02',
  summary: 'CPU 95.2 % ≥ 90 %',
  silenced: false,
  fingerprint: '0123456789abcdef',
  ...over,
});
const silence = (over = {}) => ({
  id: 7,
  match: 'web-*',
  until: '2026-12-05 08:00:00',
  comment: 'kernel update',
  created: '2026-12-05 06:00:00',
  ...over,
});
const NOW = Date.UTC(2026, 11, 5, 7, 0, 0);

describe('normalizeAlerts', () => {
  it('orders firing before pending, critical before warning, then the oldest first', () => {
    const out = normalizeAlerts({
      active: [
        alert({ vm: 'a', state: 'pending', severity: 'critical', since: '2026-12-05 06:00:00' }),
        alert({ vm: 'b', state: 'firing', severity: 'warning', since: '2026-12-05 05:00:00' }),
        alert({ vm: 'c', state: 'firing', severity: 'critical', since: '2026-12-05 06:30:00' }),
        alert({ vm: 'd', state: 'firing', severity: 'critical', since: '2026-12-05 06:10:00' }),
      ],
      silences: [],
    });
    expect(out.active.map((a) => a.vm)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('drops entries that are not alerts or silences, and refuses a wrong shape', () => {
    const out = normalizeAlerts({
      active: [null, 3, { rule: 'x' }, alert({ state: 'resolved' }), alert()],
      silences: [silence(), silence({ until: 'soon' }), 'x'],
    });
    expect(out.active).toHaveLength(1);
    expect(out.silences).toHaveLength(1);
    expect(normalizeAlerts({ active: [] })).toBeNull();
    expect(normalizeAlerts(null)).toBeNull();
    expect(normalizeAlerts([])).toBeNull();
  });

  it('keeps value and threshold null for vm_down', () => {
    const [a] = normalizeAlerts({
      active: [alert({ rule: 'vm_down', value: null, threshold: null })],
      silences: [],
    }).active;
    expect(a.value).toBeNull();
    expect(formatAlertValue(a)).toBe('no data');
  });
});

describe('matchesPattern', () => {
  it.each([
    ['web-*', 'web-1', true],
    ['web-*', 'web-', true],
    ['web-*', 'db-1', false],
    ['web-?', 'web-12', false],
    ['web-??', 'web-12', true],
    ['*', 'anything', true],
    ['*-1', 'cache-1', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'axxbyy', false],
    ['web-1', 'web-1', true],
    ['web-1', 'web-10', false],
    ['web.1', 'webx1', false],
  ])('%s against %s is %s', (p, n, want) => {
    expect(matchesPattern(p, n)).toBe(want);
  });
});

describe('vmMark', () => {
  const state = (active, silences = []) => normalizeAlerts({ active, silences });

  it('down beats firing beats pending; down carries the last row time', () => {
    const s = state([
      alert({
        vm: 'a',
        rule: 'vm_down',
        severity: 'critical',
        value: null,
        threshold: null,
        since: '2026-12-05 06:59:00',
      }),
      alert({ vm: 'a' }),
      alert({ vm: 'b', state: 'pending' }),
      alert({ vm: 'b', rule: 'ram_high', severity: 'critical' }),
      alert({ vm: 'c', state: 'pending' }),
    ]);
    expect(vmMark('a', s, NOW)).toMatchObject({ status: 'down', lastSeenMs: Date.UTC(2026, 11, 5, 6, 59, 0) });
    expect(vmMark('b', s, NOW)).toMatchObject({ status: 'firing', severity: 'critical' });
    expect(vmMark('c', s, NOW)).toMatchObject({ status: 'pending', severity: 'warning' });
    expect(vmMark('d', s, NOW)).toMatchObject({ status: null, silenced: false, lastSeenMs: null });
  });

  it('a silence in force marks the VM silenced; an ended one does not', () => {
    const s = state([], [silence(), silence({ id: 8, match: 'db-1', until: '2026-12-05 06:59:59' })]);
    expect(vmMark('web-3', s, NOW)).toMatchObject({ silenced: true, exactSilence: null });
    expect(vmMark('web-3', s, NOW).silence.match).toBe('web-*');
    expect(vmMark('db-1', s, NOW).silenced).toBe(false);
  });

  it('names the silence that targets exactly this VM, for Unsilence', () => {
    const s = state([], [silence(), silence({ id: 9, match: 'web-1', until: '2026-12-05 07:30:00' })]);
    const m = vmMark('web-1', s, NOW);
    expect(m.exactSilence.id).toBe(9);
    expect(m.silence.id).toBe(7); // the one that ends last
  });

  it('alerts the hub marks silenced count as silenced even before the silences list says so', () => {
    expect(vmMark('web-1', state([alert({ silenced: true })]), NOW).silenced).toBe(true);
  });
});

describe('silenceRequest', () => {
  const parseLocal = (s) => Date.parse(`${s}:00Z`); // the datetime-local value read as UTC

  it('turns the presets into minutes', () => {
    expect(silenceRequest({ vm: 'web-1', choice: '30m', comment: ' deploy ' }, NOW)).toEqual({
      body: { vm: 'web-1', minutes: 30, comment: 'deploy' },
    });
    expect(silenceRequest({ vm: 'web-1', choice: '2h' }, NOW).body.minutes).toBe(120);
    expect(silenceRequest({ vm: 'web-1', choice: '1d' }, NOW).body.minutes).toBe(1440);
  });

  it('turns "until" into the hub time in UTC', () => {
    const r = silenceRequest({ vm: 'web-1', choice: 'until', untilLocal: '2026-12-05T09:30' }, NOW, parseLocal);
    expect(r).toEqual({ body: { vm: 'web-1', until: '2026-12-05 09:30:00', comment: '' } });
  });

  it.each([
    [{ vm: 'web 1', choice: '30m' }, /not a VM name/],
    [{ vm: 'web-1', choice: 'forever' }, /how long/],
    [{ vm: 'web-1', choice: 'until', untilLocal: '' }, /time it ends/],
    [{ vm: 'web-1', choice: 'until', untilLocal: '2026-12-05T07:00' }, /a minute from now/],
    [{ vm: 'web-1', choice: 'until', untilLocal: '2027-02-01T00:00' }, /30 days/],
    [{ vm: 'web-1', choice: '30m', comment: 'é'.repeat(128) }, /256 bytes; at most 255/],
  ])('refuses %j', (input, why) => {
    expect(silenceRequest(input, NOW, parseLocal).error).toMatch(why);
  });
});

describe('requests and history', () => {
  it('builds the URLs', () => {
    expect(unsilenceUrl('http://h:1', 'web-1')).toBe('http://h:1/api/silences?vm=web-1');
    expect(alertHistoryUrl('', NOW)).toBe(`/api/alerts?since=${NOW / 1000 - 86400}`);
    expect(msToHora(NOW)).toBe('2026-12-05 07:00:00');
  });

  it('shapes the history newest first and refuses an answer without one', () => {
    const h = shapeAlertHistory({
      active: [],
      silences: [],
      history: [
        {
          id: 1,
          rule: 'cpu_high',
          vm: 'web-1',
          severity: 'warning',
          state: 'pending',
          from: 'inactive',
          at: '2026-12-05 06:00:00',
          value: 91,
          threshold: 90,
        },
        {
          id: 2,
          rule: 'cpu_high',
          vm: 'web-1',
          severity: 'warning',
          state: 'firing',
          from: 'pending',
          at: '2026-12-05 06:02:00',
          value: 92,
          threshold: 90,
          silenced: true,
        },
        { bogus: true },
      ],
    });
    expect(h.map((e) => e.id)).toEqual([2, 1]);
    expect(h[0]).toMatchObject({ state: 'firing', from: 'pending', silenced: true, value: 92 });
    expect(() => shapeAlertHistory({ active: [] })).toThrow(/no history/);
  });

  it('formats values and counts', () => {
    const active = normalizeAlerts({
      active: [alert(), alert({ vm: 'x', severity: 'critical' }), alert({ vm: 'y', state: 'pending', value: 90 })],
      silences: [],
    }).active;
    expect(formatAlertValue(active[0])).toBe('95.2 (threshold 90)');
    expect(alertCounts(active)).toEqual({ firing: 2, pending: 1, critical: 1 });
  });
});
