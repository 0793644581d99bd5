import { describe, it, expect } from 'vitest';
import { hubOrigin, resolveHub, wsUrlFor } from '../../src/lib/hubConfig.js';

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
  it('?hub= overrides the config only towards an allowed origin', () => {
    const allowed = ['http://127.0.0.1:9999', 'wss://b.example'];
    expect(resolveHub('https://a.example', page({ search: '?hub=http://127.0.0.1:9999' }), allowed)).toEqual({
      wsUrl: 'ws://127.0.0.1:9999/ws',
      apiBase: 'http://127.0.0.1:9999',
      label: '127.0.0.1:9999',
    });
    expect(resolveHub('', page({ search: '?hub=https://b.example/x' }), allowed).wsUrl).toBe('wss://b.example/x/ws');
    // The page's own origin and the configured hub need no listing.
    expect(resolveHub('https://a.example', page({ search: '?hub=wss://a.example/' })).note).toBeUndefined();
    expect(resolveHub('', page({ search: '?hub=http://127.0.0.1:8000' })).note).toBeUndefined();
  });
  it('?hub= towards any other origin is ignored, with a note', () => {
    const other = resolveHub('https://a.example', page({ search: '?hub=https://evil.example' }), ['https://b.example']);
    expect(other.wsUrl).toBe('wss://a.example/ws');
    expect(other.note).toMatch(/evil\.example is ignored.*allow-list/);
    expect(resolveHub('', page({ search: '?hub=http://127.0.0.1:9999' })).note).toMatch(/ignored/);
    expect(resolveHub('', page({ search: '?hub=ftp://nowhere' })).wsUrl).toBe('ws://127.0.0.1:8000/ws');
    expect(resolveHub('', page({ search: '?hub=not a url' })).note).toMatch(/ignored/);
  });
  it('explains a bad URL', () => {
    expect(resolveHub('not a url', page()).error).toMatch(/not a URL/);
    expect(resolveHub('ftp://x', page()).error).toMatch(/http\(s\)/);
  });
});

describe('hubOrigin', () => {
  it('maps ws(s) to http(s) and drops the path', () => {
    expect(hubOrigin('wss://h.example:8443/hub/')).toBe('https://h.example:8443');
    expect(hubOrigin('http://127.0.0.1:8081')).toBe('http://127.0.0.1:8081');
    expect(hubOrigin('ftp://x')).toBeNull();
    expect(hubOrigin('')).toBeNull();
  });
});

describe('wsUrlFor', () => {
  it('puts the first choice in the query', () => {
    expect(wsUrlFor('ws://h/ws', 'web-1', 60)).toBe('ws://h/ws?vm=web-1&minutes=60');
    expect(wsUrlFor('ws://h/ws', null, 60)).toBe('ws://h/ws?minutes=60');
    expect(wsUrlFor('ws://h/ws', null, 0)).toBe('ws://h/ws');
  });
});
