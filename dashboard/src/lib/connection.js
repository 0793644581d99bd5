// One WebSocket to the hub that never gives up: reconnects with jittered exponential
// backoff, detects a silent dead link with a ping/pong deadline, and waits for the
// browser to come back online instead of retrying into a dead network. Everything
// outside (WebSocket, timers, clock, randomness, online state) is injected so the
// unit tests drive it without a network.

import { backoffDelay, BACKOFF_DEFAULTS } from './backoff.js';

export const PING_EVERY_MS = 15_000;
/** No frame at all for this long on an open socket means the link is dead. */
export const SILENCE_LIMIT_MS = 40_000;

/**
 * status: 'connecting' | 'open' | 'reconnecting' | 'offline' | 'stopped'
 * Listeners get {status, attempt, retryAt, lastError} on every change.
 */
export class HubConnection {
  constructor(url, { WebSocketImpl, timers, now, random, isOnline, onMessage, onState, onOpen, backoff } = {}) {
    this.url = url;
    this.WebSocketImpl = WebSocketImpl ?? globalThis.WebSocket;
    this.timers = timers ?? {
      setTimeout: (...a) => globalThis.setTimeout(...a),
      clearTimeout: (id) => globalThis.clearTimeout(id),
    };
    this.now = now ?? (() => Date.now());
    this.random = random ?? Math.random;
    this.isOnline = isOnline ?? (() => (typeof navigator === 'undefined' ? true : navigator.onLine !== false));
    this.onMessage = onMessage ?? (() => {});
    this.onState = onState ?? (() => {});
    this.onOpen = onOpen ?? (() => {});
    this.backoff = backoff ?? BACKOFF_DEFAULTS;
    this.ws = null;
    this.attempt = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.lastFrameAt = 0;
    this.state = { status: 'connecting', attempt: 0, retryAt: null, lastError: null };
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.clearTimers();
    this.dropSocket(1000, 'page closed');
    this.setState({ status: 'stopped', retryAt: null });
  }

  /** Sends a JSON message when open; returns whether it went out. */
  send(obj) {
    if (!this.ws || this.ws.readyState !== 1) return false;
    this.ws.send(JSON.stringify(obj));
    return true;
  }

  /** The browser came back online: retry now instead of waiting out the backoff. */
  handleOnline() {
    if (this.stopped || this.state.status === 'open' || this.state.status === 'connecting') return;
    this.clearTimers();
    this.attempt = 0;
    this.connect();
  }

  handleOffline() {
    if (this.stopped) return;
    this.dropSocket(4000, 'browser offline');
    this.scheduleRetry('the browser is offline');
  }

  /** Closes the socket without waiting for its close event (which may never come). */
  dropSocket(code, reason) {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    ws.onopen = ws.onclose = ws.onerror = ws.onmessage = null;
    try {
      ws.close(code, reason);
    } catch {
      /* already closed */
    }
  }

  connect() {
    if (this.stopped) return;
    this.setState({ status: 'connecting', retryAt: null });
    let ws;
    // The URL may be a function: it is asked again on every attempt (the wanted VM
    // can change while the hub is away).
    const url = typeof this.url === 'function' ? this.url() : this.url;
    try {
      ws = new this.WebSocketImpl(url);
    } catch (err) {
      this.scheduleRetry(`cannot open ${url}: ${err.message}`);
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.lastFrameAt = this.now();
      this.setState({ status: 'open', attempt: 0, retryAt: null, lastError: null });
      this.schedulePing();
      this.onOpen();
    };
    ws.onmessage = (ev) => {
      this.lastFrameAt = this.now();
      if (typeof ev.data === 'string') this.onMessage(ev.data);
    };
    ws.onerror = () => {
      /* the close event that follows carries the code; report there */
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      const why = ev.reason ? `${ev.reason} (code ${ev.code})` : `connection closed (code ${ev.code})`;
      this.scheduleRetry(why);
    };
  }

  scheduleRetry(reason) {
    this.clearTimers();
    if (this.stopped) return;
    if (!this.isOnline()) {
      // Nothing to retry into; handleOnline() picks it up.
      this.setState({ status: 'offline', retryAt: null, lastError: reason });
      return;
    }
    const delay = backoffDelay(this.attempt, this.backoff, this.random);
    this.attempt += 1;
    this.setState({ status: 'reconnecting', attempt: this.attempt, retryAt: this.now() + delay, lastError: reason });
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  schedulePing() {
    this.pingTimer = this.timers.setTimeout(() => {
      this.pingTimer = null;
      if (!this.ws) return;
      if (this.now() - this.lastFrameAt > SILENCE_LIMIT_MS) {
        // Close the socket ourselves: a half-open TCP link may never report its death.
        this.dropSocket(4001, 'hub silent');
        this.scheduleRetry(`no message from the hub for ${SILENCE_LIMIT_MS / 1000} s`);
        return;
      }
      this.send({ type: 'ping' });
      this.schedulePing();
    }, PING_EVERY_MS);
  }

  clearTimers() {
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    if (this.pingTimer !== null) this.timers.clearTimeout(this.pingTimer);
    this.retryTimer = null;
    this.pingTimer = null;
  }

  setState(patch) {
    this.state = { ...this.state, ...patch };
    this.onState(this.state);
  }
}
