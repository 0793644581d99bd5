'use strict';
// One HTTP request with full control of the bytes sent (no header added or fixed up
// behind the test's back), bounded in time. The answer's body is parsed as JSON when
// it is JSON.
const http = require('node:http');

const TIMEOUT_MS = 15_000;

/**
 * @param {string} base     http://127.0.0.1:PORT
 * @param {{method?: string, path: string, headers?: object, body?: Buffer|string}} request
 * @returns {Promise<{status: number, headers: object, text: string, json: any, ms: number}>}
 */
function send(base, { method = 'POST', path, headers = {}, body }) {
  const url = new URL(path, base);
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        agent: false,
        timeout: TIMEOUT_MS,
        headers: { ...headers, ...(payload ? { 'content-length': payload.length } : {}) },
      },
      (res) => {
        answered = true;
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, headers: res.headers, text, json, ms: performance.now() - started });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    // A route may answer (413) and close before the whole body is written; the answer counts.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.end(payload);
  });
}

module.exports = { send };
