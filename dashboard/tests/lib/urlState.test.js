import { describe, it, expect } from 'vitest';
import { readView, writeView, readZoom } from '../../src/lib/urlState.js';

describe('view in the URL', () => {
  it('defaults to live and no VM', () => expect(readView('')).toEqual({ vm: null, range: 'live', zoom: null }));
  it('round-trips and keeps ?hub=', () => {
    const s = writeView('?hub=http%3A%2F%2Fh%3A1', { vm: 'web-1', range: '1h' });
    expect(s).toBe('?hub=http%3A%2F%2Fh%3A1&vm=web-1&range=1h');
    expect(readView(s)).toEqual({ vm: 'web-1', range: '1h', zoom: null });
  });
  it('ignores a VM name the contract would refuse', () => {
    expect(readView('?vm=bad%20name').vm).toBeNull();
    expect(readView(`?vm=${'x'.repeat(65)}`).vm).toBeNull();
    expect(readView('?vm=web-1.eu_2').vm).toBe('web-1.eu_2');
  });
  it('drops the defaults', () => expect(writeView('?vm=a&range=1h', { vm: null, range: 'live' })).toBe(''));
  it('reads an unknown range as live', () => {
    expect(readView('?range=2y').range).toBe('live');
    expect(readView('?range=30d').range).toBe('30d');
  });
});

describe('zoom in the URL', () => {
  const now = Date.UTC(2026, 11, 5, 12, 0, 0);
  const s = (ms) => String(ms / 1000);
  it('round-trips a zoom with its range', () => {
    const zoom = { fromMs: now - 7_200_000, toMs: now - 3_600_000 };
    const q = writeView('', { vm: 'a', range: '7d', zoom });
    expect(q).toBe(`?vm=a&range=7d&from=${s(zoom.fromMs)}&to=${s(zoom.toMs)}`);
    expect(readView(q, now)).toEqual({ vm: 'a', range: '7d', zoom });
  });
  it('drops the zoom in live, and when it is reset', () => {
    expect(readView(`?from=${s(now - 7_200_000)}&to=${s(now - 3_600_000)}`, now).zoom).toBeNull();
    expect(writeView(`?range=1h&from=1&to=2`, { vm: null, range: '1h', zoom: null })).toBe('?range=1h');
  });
  it('rejects malformed, reversed, missing or future windows', () => {
    expect(readZoom('12x', s(now), now)).toBeNull();
    expect(readZoom('-5', s(now), now)).toBeNull();
    expect(readZoom('1.5', s(now), now)).toBeNull();
    expect(readZoom(null, s(now), now)).toBeNull();
    expect(readZoom(s(now), s(now - 3_600_000), now)).toBeNull();
    expect(readZoom(s(now - 3_600_000), s(now - 3_600_000), now)).toBeNull();
    expect(readZoom(s(now), s(now + 3_600_000), now)).toBeNull();
  });
  it('widens a too narrow window from the address', () => {
    expect(readZoom(s(now - 60_000), s(now - 50_000), now)).toEqual({ fromMs: now - 85_000, toMs: now - 25_000 });
  });
});
