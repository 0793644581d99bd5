'use strict';
// The Express side over a real loopback socket: bodies are read whole or cut at the
// limit, and a failing handler becomes a JSON 500 rather than a hung request.
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { createApp } = require('../src/http-app');

const LIMIT = 1024;

async function withServer(handle, fn, limits) {
  const server = createApp(handle, LIMIT, () => {}, limits).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    await fn(server.address().port);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** POSTs `chunks` (chunked transfer unless contentLength is given); resolves with the answer. */
function post(port, chunks, contentLength) {
  return new Promise((resolve, reject) => {
    const headers = contentLength === undefined ? {} : { 'content-length': contentLength };
    const req = http.request(
      { port, host: '127.0.0.1', method: 'POST', path: '/api/metrics', headers, agent: false },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const echoLength = async (request) => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ length: request.body.length, path: request.path, method: request.method }),
});

test('a chunked body under the limit arrives whole', async () => {
  await withServer(echoLength, async (port) => {
    const answer = await post(port, ['a'.repeat(600), 'b'.repeat(400)]);
    assert.deepEqual(JSON.parse(answer.text), { length: 1000, path: '/api/metrics', method: 'POST' });
  });
});

test('a chunked body over the limit is cut at limit + 1 and the connection closed', async () => {
  await withServer(echoLength, async (port) => {
    const answer = await post(port, ['a'.repeat(800), 'b'.repeat(800), 'c'.repeat(800)]);
    assert.equal(JSON.parse(answer.text).length, LIMIT + 1);
    assert.equal(answer.headers.connection, 'close');
  });
});

test('a declared Content-Length over the limit is not read at all', async () => {
  await withServer(echoLength, async (port) => {
    const answer = await post(port, ['x'.repeat(LIMIT + 10)], LIMIT + 10);
    assert.equal(JSON.parse(answer.text).length, LIMIT + 1);
    assert.equal(answer.headers.connection, 'close');
  });
});

test('a handler that throws answers a JSON 500', async () => {
  await withServer(
    async () => {
      throw new Error('boom');
    },
    async (port) => {
      const answer = await post(port, ['{}']);
      assert.equal(answer.status, 500);
      assert.equal(JSON.parse(answer.text).error, 'internal_error');
    },
  );
});

test('a client that leaves mid-body is not answered and the server goes on', async () => {
  let calls = 0;
  const counting = async (request) => {
    calls++;
    return echoLength(request);
  };
  await withServer(counting, async (port) => {
    const net = require('node:net');
    await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write('POST /api/metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{"vm":');
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(calls, 0, 'the handler never saw the half body');
    const answer = await post(port, ['{}']);
    assert.equal(JSON.parse(answer.text).length, 2);
  });
});

/** Raw bytes over a socket; resolves with everything the server sent until it closed. */
function raw(port, bytes, { keepOpenMs = 0 } = {}) {
  const net = require('node:net');
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.on('data', (c) => (text += c));
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
    if (keepOpenMs) setTimeout(() => socket.end(), keepOpenMs);
  });
}

test('beforeBody answers at the headers: no 100 Continue, the body never read, the connection closed', async () => {
  let calls = 0;
  const handle = async (request) => {
    calls++;
    return echoLength(request);
  };
  handle.beforeBody = ({ headers }) =>
    headers.authorization === 'ok'
      ? null
      : { status: 401, headers: { 'content-type': 'application/json' }, body: '{"error":"unauthorized"}' };
  await withServer(handle, async (port) => {
    const text = await raw(
      port,
      'POST /api/metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n',
    );
    assert.match(text, /^HTTP\/1.1 401 /);
    assert.doesNotMatch(text, /100 Continue/);
    assert.match(text, /connection: close/i);
    assert.equal(calls, 0);
    const allowed = await raw(
      port,
      'POST /api/metrics HTTP/1.1\r\nHost: x\r\nAuthorization: ok\r\nContent-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n{}',
    );
    assert.match(allowed, /^HTTP\/1.1 100 Continue\r\n\r\nHTTP\/1.1 200 /);
  });
});

test('past bodyBytesInFlight a request is answered 503 server_busy with Retry-After', async () => {
  await withServer(
    echoLength,
    async (port) => {
      const net = require('node:net');
      // Holds 800 of the 1500 bytes: its body is still being read.
      const holder = net.connect(port, '127.0.0.1');
      holder.on('error', () => {});
      holder.write('POST /api/metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 800\r\n\r\nab');
      await new Promise((r) => setTimeout(r, 100));
      const busy = await raw(port, 'POST /api/metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 800\r\n\r\n');
      assert.match(busy, /^HTTP\/1.1 503 /);
      assert.match(busy, /retry-after: 7\r\n/i);
      assert.match(busy, /retry after 7 s/);
      assert.match(busy, /"error":"server_busy"/);
      const small = await post(port, ['x'.repeat(600)], 600);
      assert.equal(small.status, 200, 'what fits beside it is served');
      holder.destroy();
      await new Promise((r) => setTimeout(r, 100));
      const after = await post(port, ['y'.repeat(800)], 800);
      assert.equal(after.status, 200, 'the bytes are released when the request ends');
    },
    { bodyBytesInFlight: 1500, retryAfterSeconds: 7 },
  );
});

test('a cap on body bytes without a Retry-After is refused at start', () => {
  assert.throws(() => createApp(echoLength, 1000, () => {}, { bodyBytesInFlight: 1500 }), /retryAfterSeconds/);
});
