'use strict';
// The Express side: judges what it can from each request's headers before reading a
// byte of its body, then reads the body (bounded) and hands the request to the plain
// handler. Express's own body parsers are not used: they answer their own errors (size,
// media type, JSON) before authentication and in their own words, while the contract
// fixes the order and the answers.
//
// Abuse limits (docs/ingest.md):
//   - handle.beforeBody (path, method, bearer token, declared size) runs when the headers
//     are in: a stranger gets 401 and the connection is closed with its body unread, and
//     "Expect: 100-continue" is answered 100 only once the headers passed.
//   - at most `bodyBytesInFlight` bytes of request bodies are read at once, across all
//     connections (a body counts its Content-Length, or the largest body when chunked);
//     a request past that gets 503 server_busy with Retry-After, its body unread.
const http = require('node:http');
const express = require('express');

// How long a connection closed after an early answer keeps reading (and dropping) what
// the client still sends, so that closing does not reset the answer away (RFC 9112 9.6).
const LINGER_MS = 500;

/**
 * @param {(request) => Promise<{status, headers, body}>} handle   may carry handle.beforeBody(request) → answer|null
 * @param {number} maxBodyBytes  bodies are read up to one byte past this, then dropped
 * @param {(msg: string) => void} log
 * @param {{bodyBytesInFlight?: number, retryAfterSeconds?: number, metrics?: object}} [limits]
 *        bodyBytesInFlight 0 or absent: no cap; past it 503 server_busy with Retry-After
 *        retryAfterSeconds (required with a cap); metrics (metrics.js): every answer counted, and GET /metrics served without a token
 */
function createApp(handle, maxBodyBytes, log, { bodyBytesInFlight = 0, retryAfterSeconds = 0, metrics = null } = {}) {
  if (bodyBytesInFlight > 0 && !(Number.isInteger(retryAfterSeconds) && retryAfterSeconds > 0))
    throw new Error("a cap on body bytes needs retryAfterSeconds (the contract's busy_retry_after_seconds)");
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  let inFlight = 0;

  if (metrics) {
    app.use((req, res, next) => {
      const started = process.hrtime.bigint();
      const route = metrics.routeOf(req.originalUrl);
      res.on('finish', () => metrics.request(route, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
      const path = req.originalUrl.split('?')[0];
      if (path === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) {
        res
          .status(200)
          .set({ 'content-type': metrics.CONTENT_TYPE, 'cache-control': 'no-store' })
          .send(metrics.render());
        return;
      }
      next();
    });
  }

  app.use(async (req, res) => {
    const early = handle.beforeBody
      ? handle.beforeBody({ method: req.method, path: req.originalUrl, headers: req.headers })
      : null;
    if (early) return answerUnread(req, res, early);
    const reserved = hasBody(req) ? declaredSize(req, maxBodyBytes) : 0;
    if (bodyBytesInFlight > 0 && reserved > 0 && inFlight + reserved > bodyBytesInFlight) {
      return answerUnread(req, res, {
        status: 503,
        headers: { 'content-type': 'application/json', 'retry-after': String(retryAfterSeconds) },
        body: JSON.stringify({
          error: 'server_busy',
          detail: `too many request bodies in flight; retry after ${retryAfterSeconds} s`,
        }),
      });
    }
    inFlight += reserved;
    try {
      await readAndAnswer(req, res);
    } finally {
      inFlight -= reserved;
    }
  });

  async function readAndAnswer(req, res) {
    if (/^100-continue$/i.test(req.headers.expect || '')) res.writeContinue();
    let answer;
    let overflow = false;
    let body;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch {
      return; // the client went away mid-body: nobody to answer
    }
    try {
      overflow = body.length > maxBodyBytes;
      answer = await handle({ method: req.method, path: req.originalUrl, headers: req.headers, body });
    } catch (err) {
      log(`request failed: ${err.stack || err}`);
      answer = {
        status: 500,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ error: 'internal_error', detail: 'the route failed; see its log' }),
      };
    }
    // The rest of an oversized body was never read: close rather than drain it.
    if (overflow) res.set('connection', 'close');
    res.status(answer.status).set(answer.headers).send(answer.body);
  }

  // Node answers "Expect: 100-continue" itself unless the server listens for it; the app
  // listens, so that 100 is sent only after beforeBody (readAndAnswer).
  app.listen = function listen(...args) {
    const server = http.createServer(app);
    server.on('checkContinue', app);
    return server.listen(...args);
  };
  return app;
}

function hasBody(req) {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] || 0) > 0;
}

/** The bytes a body will take: its Content-Length, or the largest body when chunked. */
function declaredSize(req, maxBodyBytes) {
  const declared = Number(req.headers['content-length']);
  return req.headers['transfer-encoding'] === undefined && Number.isFinite(declared)
    ? Math.min(declared, maxBodyBytes + 1)
    : maxBodyBytes + 1;
}

/**
 * Sends `answer` without reading the body. With a body pending, the connection is closed
 * after the answer: reading stops, the answer is flushed and the connection half-closed,
 * and LINGER_MS later it is destroyed. Node would otherwise read the body to its end and
 * drop it (a stranger's bytes through the route's memory), or reset the connection at
 * once, before the client could read the answer.
 */
function answerUnread(req, res, answer) {
  if (hasBody(req)) {
    const socket = req.socket;
    // Node calls destroySoon once the answer is written, just after resuming the request
    // to drop its body (req._dump); nothing is read after this.
    socket.destroySoon = function lingerThenDestroy() {
      this.pause();
      this.resume = () => this;
      if (this.writable) this.end();
      setTimeout(() => this.destroy(), LINGER_MS).unref();
    };
    res.set('connection', 'close');
  }
  res.status(answer.status).set(answer.headers).send(answer.body);
}

/** The body, or its first maxBytes+1 bytes when it is longer (that is enough to answer 413). */
function readBody(req, maxBytes) {
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) return Promise.resolve(Buffer.alloc(maxBytes + 1));
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, Math.min(size, maxBytes + 1)));
    };
    req.on('data', (chunk) => {
      if (done) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size > maxBytes) {
        req.pause();
        finish();
      }
    });
    req.on('end', finish);
    const abort = (err) => {
      if (!done) {
        done = true;
        reject(err || new Error('the client closed the connection mid-body'));
      }
    };
    req.on('error', abort);
    req.on('close', () => abort()); // after 'end' this does nothing
  });
}

module.exports = { createApp, readBody };
