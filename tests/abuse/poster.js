'use strict';
// A client posting records continuously to every route given, one after the other,
// each line of OUT being "EPOCH_MS ROUTE_INDEX TOKEN_NAME STATUS". Two kinds:
//   agent  sends the newest token of TOKEN_FILE and reads the file again on SIGHUP, as
//          vmpulse-agent does (so `./vmpulse token rotate` reloads it like the agent)
//   fixed  sends the newest token of TOKEN_FILE as it was at start, forever
// Token names in OUT: "t0" for the token at start, "t1" for the next one seen, and so on.
// Stops on SIGTERM or after 120 s.
//   node poster.js agent|fixed TOKEN_FILE OUT VM_PREFIX URL...
const fs = require('node:fs');
const http = require('node:http');
const { record } = require('./record');

const [kind, tokenFile, out, prefix, ...urls] = process.argv.slice(2);
const names = new Map();
const newest = () => {
  const lines = fs
    .readFileSync(tokenFile, 'latin1')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const token = lines[lines.length - 1];
  if (!names.has(token)) names.set(token, `t${names.size}`);
  return token;
};
let token = newest();
let running = true;
if (kind === 'agent') process.on('SIGHUP', () => (token = newest()));
else process.on('SIGHUP', () => {});
process.on('SIGTERM', () => (running = false));
setTimeout(() => (running = false), 120_000).unref();

function post(url, n) {
  const body = JSON.stringify(record(`${prefix}-${n % 20}`, n));
  const sent = token;
  return new Promise((resolve) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent: false,
        timeout: 10_000,
        headers: {
          authorization: `Bearer ${sent}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve([names.get(sent), res.statusCode]));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve([names.get(sent), err.code || 'error']));
    req.end(body);
  });
}

async function main() {
  for (let n = 0; running; n++) {
    const i = n % urls.length;
    const [name, status] = await post(urls[i], n);
    fs.appendFileSync(out, `${Date.now()} ${i} ${name} ${status}\n`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

main();
