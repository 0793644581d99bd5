'use strict';
// Request handling as plain functions: {method, path, headers, body} in,
// {status, headers, body} out. No sockets here, so unit tests call it directly.
// Checks run in contract/README.md's order; the first failure answers. The checks that
// need no body (path, method, token, declared size) are also offered to the HTTP side
// before it reads a byte of body (handle.beforeBody).
const crypto = require('node:crypto');
const { parseIngestBody } = require('./ingest-body');
const { DatabaseUnavailable } = require('./store');
const { createTokenSet } = require('./token-file');

const RETRY_AFTER_SECONDS = '1';

/**
 * @param {object} deps
 * @param {import('./contract').Contract} deps.contract
 * @param {string} deps.api         this route's name in the schema's x-vmpulse-ingest.routes ("nodejs")
 * @param {{accepts(token: string): boolean}} [deps.tokens]  the accepted bearer tokens (token-file.js)
 * @param {string} [deps.token]     or one bearer token writers must present
 * @param {object} deps.store       {insert(records, key, bodySha256), ping()} (see store.js)
 * @param {(msg: string) => void} [deps.log]
 */
function createHandler({ contract, api, tokens, token, store, log = () => {} }) {
  const accepted = tokens ?? createTokenSet([token]);
  const ingestPaths = new Set(contract.ingestPaths(api));
  if (ingestPaths.size === 0) throw new Error(`route "${api}" is not in the schema's x-vmpulse-ingest.routes`);
  const logOutage = throttle(log, 1000);

  function json(status, value, headers = {}) {
    return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
  }

  function error(code, detail, extra = {}, headers = {}) {
    const body = { error: code };
    if (extra.field !== undefined) body.field = extra.field;
    if (extra.index !== undefined) body.index = extra.index;
    body.detail = detail;
    return json(contract.status(code), body, headers);
  }

  function authorized(header) {
    const match = /^[ \t]*Bearer[ \t]+(\S+)[ \t]*$/i.exec(header || '');
    return match !== null && accepted.accepts(match[1]);
  }

  /** Steps 1-3 of the contract, from the request line and headers alone; null: the body is needed. */
  function beforeBody({ method, path: target, headers = {} }) {
    const path = target.split('?')[0];
    if (path === '/livez' || path === '/readyz') return null;
    if (!ingestPaths.has(path)) return error('not_found', `no route for ${path} here`);
    if (method !== 'POST') return error('method_not_allowed', `${path} accepts POST`, {}, { allow: 'POST' });
    if (!authorized(headers.authorization)) {
      return error(
        'unauthorized',
        'an "Authorization: Bearer <token>" header with the right token is required',
        {},
        { 'www-authenticate': 'Bearer' },
      );
    }
    const declared = headers['content-length'];
    if (declared !== undefined && /^[0-9]+$/.test(declared) && Number(declared) > contract.limits.maxBodyBytes) {
      return error('payload_too_large', `the body is over ${contract.limits.maxBodyBytes} bytes`);
    }
    return null;
  }

  async function ingest({ headers, body }) {
    if (body.length > contract.limits.maxBodyBytes) {
      return error('payload_too_large', `the body is over ${contract.limits.maxBodyBytes} bytes`);
    }
    const mediaType = (headers['content-type'] || '').split(';')[0].trim().toLowerCase();
    if (mediaType !== 'application/json') {
      return error('unsupported_media_type', 'the body must be sent as Content-Type: application/json');
    }
    const key = headers['idempotency-key'];
    if (key !== undefined && !contract.validIdempotencyKey(key)) {
      return error('invalid_idempotency_key', `Idempotency-Key must match ${contract.idempotencyKeyPattern.source}`);
    }
    const parsed = parseIngestBody(contract, body);
    if (parsed.error) {
      const { error: code, detail, ...where } = parsed.error;
      return error(code, detail, where);
    }
    // A key stands for one body: the same key with another body is refused, not replayed.
    const bodySha256 = key === undefined ? undefined : crypto.createHash('sha256').update(body).digest('hex');
    try {
      const result = await store.insert(parsed.records, key, bodySha256);
      if (result.keyReused) {
        return error('idempotency_key_reused', 'this Idempotency-Key was stored with another body; nothing was stored');
      }
      const answer = { status: 'saved', stored: result.stored, api: result.api };
      if (result.replayed) answer.replayed = true;
      return json(201, answer);
    } catch (err) {
      if (!(err instanceof DatabaseUnavailable)) throw err;
      logOutage(`ingest: database unavailable: ${err.message}`);
      return error(
        'database_unavailable',
        'the database cannot be reached; retry later',
        {},
        { 'retry-after': RETRY_AFTER_SECONDS },
      );
    }
  }

  async function ready() {
    if (await store.ping()) return json(200, { status: 'ready' });
    return error('database_unavailable', 'the database cannot be reached', {}, { 'retry-after': RETRY_AFTER_SECONDS });
  }

  /** Every request: routes by path, then method. */
  async function handle(request) {
    const path = request.path.split('?')[0];
    if (path === '/livez' || path === '/readyz') {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return error('method_not_allowed', `${path} accepts GET`, {}, { allow: 'GET, HEAD' });
      }
      // The body of core's http::Response::alive(), as every vmpulse server answers.
      return path === '/livez' ? json(200, { status: 'ok' }) : ready();
    }
    const early = beforeBody({ method: request.method, path, headers: request.headers || {} });
    if (early) return early;
    return ingest({ headers: request.headers || {}, body: request.body || Buffer.alloc(0) });
  }
  handle.beforeBody = beforeBody;
  return handle;
}

/** At most one line per `ms`; an outage under load must not flood the log. */
function throttle(log, ms) {
  let last = 0;
  let suppressed = 0;
  return (message) => {
    const now = Date.now();
    if (now - last < ms) {
      suppressed++;
      return;
    }
    log(suppressed ? `${message} (and ${suppressed} more like it)` : message);
    last = now;
    suppressed = 0;
  };
}

module.exports = { createHandler };
