'use strict';
// The Express side: reads each request's body (bounded) and hands the request to the
// plain handler. Express's own body parsers are not used: they answer their own errors
// (size, media type, JSON) before authentication and in their own words, while the
// contract fixes the order and the answers.
const express = require('express');

/**
 * @param {(request) => Promise<{status, headers, body}>} handle
 * @param {number} maxBodyBytes  bodies are read up to one byte past this, then dropped
 * @param {(msg: string) => void} log
 */
function createApp(handle, maxBodyBytes, log) {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(async (req, res) => {
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
  });
  return app;
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
