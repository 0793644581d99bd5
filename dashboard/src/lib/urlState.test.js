import { describe, it, expect } from 'vitest';
import { readView, writeView } from './urlState.js';

describe('view in the URL', () => {
  it('defaults to live and no VM', () => expect(readView('')).toEqual({ vm: null, range: 'live' }));
  it('round-trips and keeps ?hub=', () => {
    const s = writeView('?hub=http%3A%2F%2Fh%3A1', { vm: 'web-1', range: '1h' });
    expect(s).toBe('?hub=http%3A%2F%2Fh%3A1&vm=web-1&range=1h');
    expect(readView(s)).toEqual({ vm: 'web-1', range: '1h' });
  });
  it('ignores a VM name the contract would refuse', () => {
    expect(readView('?vm=bad%20name').vm).toBeNull();
    expect(readView(`?vm=${'x'.repeat(65)}`).vm).toBeNull();
    expect(readView('?vm=web-1.eu_2').vm).toBe('web-1.eu_2');
  });
  it('drops the defaults', () => expect(writeView('?vm=a&range=1h', { vm: null, range: 'live' })).toBe(''));
});
