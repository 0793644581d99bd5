import { describe, it, expect } from 'vitest';
import { resolveHub, wsUrlFor } from './hubConfig.js';

const page = (over = {}) => ({ protocol: 'http:', host: '127.0.0.1:8000', search: '', ...over });

describe('resolveHub', () => {
  it("empty config means this page's origin", () => {
    expect(resolveHub('', page())).toEqual({ wsUrl: 'ws://127.0.0.1:8000/ws', apiBase: '', label: '127.0.0.1:8000' });
  });
  it('an https page speaks wss', () => {
    expect(resolveHub(undefined, page({ protocol: 'https:', host: 'dash.run.app' })).wsUrl).toBe(
      'wss://dash.run.app/ws',
    );
  });
  it('a configured hub URL, with or without a trailing slash or a path prefix', () => {
    expect(resolveHub('https://hub.example.com/', page())).toMatchObject({
      wsUrl: 'wss://hub.example.com/ws',
      apiBase: 'https://hub.example.com',
    });
    expect(resolveHub('http://10.0.0.5:8081/hub', page())).toMatchObject({
      wsUrl: 'ws://10.0.0.5:8081/hub/ws',
      apiBase: 'http://10.0.0.5:8081/hub',
    });
    expect(resolveHub('wss://hub.example.com', page())).toMatchObject({ apiBase: 'https://hub.example.com' });
  });
  it('?hub= overrides the config', () => {
    expect(resolveHub('https://a.example', page({ search: '?hub=http://127.0.0.1:9999' })).wsUrl).toBe(
      'ws://127.0.0.1:9999/ws',
    );
  });
  it('explains a bad URL', () => {
    expect(resolveHub('not a url', page()).error).toMatch(/not a URL/);
    expect(resolveHub('ftp://x', page()).error).toMatch(/http\(s\)/);
  });
});

describe('wsUrlFor', () => {
  it('puts the first choice in the query', () => {
    expect(wsUrlFor('ws://h/ws', 'web-1', 60)).toBe('ws://h/ws?vm=web-1&minutes=60');
    expect(wsUrlFor('ws://h/ws', null, 60)).toBe('ws://h/ws?minutes=60');
    expect(wsUrlFor('ws://h/ws', null, 0)).toBe('ws://h/ws');
  });
});
