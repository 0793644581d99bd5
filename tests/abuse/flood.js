'use strict';
// 300 (FLOOD_CLIENTS) concurrent POSTs of a 1 MiB body without a token against one route,
// each sending its whole body at once without waiting for an answer, while authorized
// clients keep posting records. Prints one JSON line: the statuses of both kinds, the
// records the 201s stored, and the route's resident memory before and at its peak
// during the flood (sampled from /proc/PID/status every 20 ms).
//   node flood.js URL TOKEN PID VM_PREFIX
const net = require('node:net');
const http = require('node:http');
const fs = require('node:fs');
const { record } = require('./record');

const [url, token, pid, prefix] = process.argv.slice(2);
const CLIENTS = Number(process.env.FLOOD_CLIENTS || 300);
const BODY = Buffer.alloc(1024 * 1024, 0x20);
const AUTHORIZED_WORKERS = 4;
const DEADLINE_MS = 60_000;
const { hostname, port, pathname } = new URL(url);

function rssKiB() {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]);
}

/** One unauthenticated 1 MiB POST over a raw socket; resolves with the status or the network error. */
function flood() {
  return new Promise((resolve) => {
    let text = '';
    let done = false;
    const finish = (what) => {
      if (!done) {
        done = true;
        socket.destroy();
        resolve(what);
      }
    };
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(
        `POST ${pathname} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n`,
      );
      socket.write(BODY, () => {});
    });
    socket.setTimeout(20_000, () => finish('timeout'));
    socket.on('data', (chunk) => {
      text += chunk;
      const m = /^HTTP\/1\.1 (\d{3}) /.exec(text);
      if (m) finish(m[1]);
    });
    socket.on('error', (err) => finish(err.code || 'error'));
    socket.on('close', () => finish('closed'));
  });
}

/** One authorized record; resolves with {status, stored}. */
function authorized(n) {
  const body = JSON.stringify(record(`${prefix}-${n % 50}`, n));
  return new Promise((resolve) => {
    const req = http.request(
      {
        hostname,
        port,
        path: pathname,
        method: 'POST',
        agent: false,
        timeout: 20_000,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let stored = 0;
          try {
            stored = JSON.parse(text).stored || 0;
          } catch {
            // Not JSON (a proxy's page, a cut body): counted by its status alone.
          }
          resolve({ status: String(res.statusCode), stored });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: err.code || err.message, stored: 0 }));
    req.end(body);
  });
}

const count = (tally, key) => (tally[key] = (tally[key] || 0) + 1);

async function main() {
  const started = Date.now();
  const rssBefore = rssKiB();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssKiB())), 20);
  let flooding = true;
  const authTally = {};
  let stored = 0;
  let n = 0;
  const workers = Array.from({ length: AUTHORIZED_WORKERS }, async () => {
    // At least one request each, and on until the flood is over.
    do {
      const answer = await authorized(n++);
      count(authTally, answer.status);
      stored += answer.stored;
    } while (flooding && Date.now() - started < DEADLINE_MS);
  });
  const floodTally = {};
  for (const status of await Promise.all(Array.from({ length: CLIENTS }, flood))) count(floodTally, status);
  flooding = false;
  await Promise.all(workers);
  await new Promise((r) => setTimeout(r, 200));
  rssPeak = Math.max(rssPeak, rssKiB());
  clearInterval(sampler);
  const growthMiB = (rssPeak - rssBefore) / 1024;
  console.log(
    JSON.stringify({
      flood: floodTally,
      authorized: authTally,
      stored,
      rssBeforeMiB: +(rssBefore / 1024).toFixed(1),
      rssPeakMiB: +(rssPeak / 1024).toFixed(1),
      growthMiB: +growthMiB.toFixed(1),
      ms: Date.now() - started,
    }),
  );
}

main();
