import { describe, it, expect, beforeEach } from 'vitest';
import { HubConnection, PING_EVERY_MS, SILENCE_LIMIT_MS } from '../../src/lib/connection.js';

// A deterministic world: fake sockets, a manual clock and timers.
class FakeTimers {
  constructor() {
    this.now = 0;
    this.next = 1;
    this.pending = new Map();
  }
  setTimeout = (fn, ms) => {
    const id = this.next++;
    this.pending.set(id, { fn, at: this.now + ms });
    return id;
  };
  clearTimeout = (id) => this.pending.delete(id);
  advance(ms) {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = until;
  }
}

let sockets;
class FakeSocket {
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.closed = null;
    sockets.push(this);
  }
  send(s) {
    this.sent.push(JSON.parse(s));
  }
  close(code, reason) {
    this.closed = { code, reason };
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  message(obj) {
    this.onmessage?.({ data: JSON.stringify(obj) });
  }
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

let timers, states, messages, online, conn;
beforeEach(() => {
  sockets = [];
  timers = new FakeTimers();
  states = [];
  messages = [];
  online = true;
  conn = new HubConnection('ws://hub/ws', {
    WebSocketImpl: FakeSocket,
    timers,
    now: () => timers.now,
    random: () => 0.5,
    isOnline: () => online,
    onMessage: (m) => messages.push(m),
    onState: (s) => states.push(s),
    backoff: { baseMs: 1000, maxMs: 8000, floorMs: 100 },
  });
  conn.start();
});

describe('HubConnection', () => {
  it('connects and passes messages on', () => {
    expect(sockets).toHaveLength(1);
    sockets[0].open();
    expect(conn.state.status).toBe('open');
    sockets[0].message({ type: 'pong' });
    expect(messages).toEqual(['{"type":"pong"}']);
  });

  it('reconnects with growing jittered delays and says when', () => {
    sockets[0].drop(1006);
    expect(conn.state).toMatchObject({ status: 'reconnecting', attempt: 1, retryAt: 500 });
    timers.advance(500);
    expect(sockets).toHaveLength(2);
    sockets[1].drop(1006);
    expect(conn.state.retryAt - timers.now).toBe(1000); // 0.5 × 2000
    timers.advance(1000);
    sockets[2].drop(1011, 'hub shutting down');
    expect(conn.state.lastError).toBe('hub shutting down (code 1011)');
    expect(conn.state.retryAt - timers.now).toBe(2000);
  });

  it('resets the backoff after a successful connection', () => {
    sockets[0].drop();
    timers.advance(500);
    sockets[1].open();
    sockets[1].drop();
    expect(conn.state.retryAt - timers.now).toBe(500);
  });

  it('pings an idle link and gives up on a silent one', () => {
    sockets[0].open();
    timers.advance(PING_EVERY_MS);
    expect(sockets[0].sent).toEqual([{ type: 'ping' }]);
    timers.advance(SILENCE_LIMIT_MS);
    expect(sockets[0].closed.code).toBe(4001);
    expect(sockets).toHaveLength(2); // and the retry went out
  });

  it('does not declare a chatty link dead', () => {
    sockets[0].open();
    for (let i = 0; i < 10; i++) {
      timers.advance(PING_EVERY_MS);
      sockets[0].message({ type: 'pong' });
    }
    expect(conn.state.status).toBe('open');
  });

  it('waits while the browser is offline and retries at once when it returns', () => {
    online = false;
    sockets[0].drop();
    expect(conn.state.status).toBe('offline');
    timers.advance(60_000);
    expect(sockets).toHaveLength(1);
    online = true;
    conn.handleOnline();
    expect(sockets).toHaveLength(2);
  });

  it('going offline drops the socket at once and says why', () => {
    sockets[0].open();
    online = false;
    conn.handleOffline();
    expect(sockets[0].closed.code).toBe(4000);
    expect(conn.state).toMatchObject({ status: 'offline', lastError: 'the browser is offline' });
  });

  it('stop closes the socket and schedules nothing', () => {
    sockets[0].open();
    conn.stop();
    expect(sockets[0].closed.code).toBe(1000);
    timers.advance(100_000);
    expect(sockets).toHaveLength(1);
    expect(conn.state.status).toBe('stopped');
  });

  it('survives a constructor that throws (bad URL)', () => {
    const c = new HubConnection('bad', {
      WebSocketImpl: class {
        constructor() {
          throw new Error('SyntaxError');
        }
      },
      timers,
      now: () => timers.now,
      random: () => 0,
      isOnline: () => true,
    });
    c.start();
    expect(c.state.status).toBe('reconnecting');
    expect(c.state.lastError).toMatch(/cannot open bad/);
  });

  it('asks a URL function again on every attempt', () => {
    let n = 0;
    const c = new HubConnection(() => `ws://hub/ws?try=${++n}`, {
      WebSocketImpl: FakeSocket,
      timers,
      now: () => timers.now,
      random: () => 0,
      isOnline: () => true,
    });
    c.start();
    sockets.at(-1).drop();
    timers.advance(1000);
    expect(sockets.slice(-2).map((s) => s.url)).toEqual(['ws://hub/ws?try=1', 'ws://hub/ws?try=2']);
  });

  it('send only when open', () => {
    expect(conn.send({ type: 'ping' })).toBe(false);
    sockets[0].open();
    expect(conn.send({ type: 'select', vm: 'a', minutes: 5 })).toBe(true);
  });
});
