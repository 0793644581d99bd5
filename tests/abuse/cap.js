'use strict';
// The cap on body bytes in flight: two authorized requests declare 1 MiB bodies and send
// only a little of them (their bytes stay counted), then a third declaring 1 MiB is
// answered at its headers. Prints "STATUS RETRY-AFTER ERROR" of the third, then the
// status of a small request sent once the two holders have gone.
//   node cap.js URL TOKEN
const net = require('node:net');
const { record } = require('./record');

const [url, token] = process.argv.slice(2);
const { hostname, port, pathname } = new URL(url);
const head = (length) =>
  `POST ${pathname} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

/** Sends `bytes`; resolves with the whole answer once the server closes or 5 s pass. */
function exchange(bytes) {
  return new Promise((resolve) => {
    let text = '';
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes));
    const done = () => {
      socket.destroy();
      resolve(text);
    };
    socket.setTimeout(5000, done);
    socket.on('data', (c) => {
      text += c;
      if (/\r\n\r\n[\s\S]*\}/.test(text)) done();
    });
    socket.on('error', done);
    socket.on('close', done);
  });
}

async function main() {
  const holders = [0, 1].map(() => {
    const s = net.connect(Number(port), hostname, () => s.write(head(1024 * 1024) + '['));
    s.on('error', () => {});
    return s;
  });
  await new Promise((r) => setTimeout(r, 500));
  const third = await exchange(head(1024 * 1024));
  const status = (/^HTTP\/1\.1 (\d{3})/.exec(third) || [])[1];
  const retry = (/retry-after: *(\d+)/i.exec(third) || [])[1];
  const error = (/"error":"([a-z_]+)"/.exec(third) || [])[1];
  console.log(`${status} ${retry} ${error}`);
  for (const s of holders) s.destroy();
  await new Promise((r) => setTimeout(r, 500));
  const body = JSON.stringify(record('cap-after'));
  const after = await exchange(head(Buffer.byteLength(body)) + body);
  console.log((/^HTTP\/1\.1 (\d{3})/.exec(after) || [])[1]);
}

main();
