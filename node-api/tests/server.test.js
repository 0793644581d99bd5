'use strict';
// The process as it is run: bad configuration exits 2 without repeating a secret; with
// a database that cannot be reached it still starts, is alive, not ready, and answers
// 503 quickly instead of hanging.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');

const SERVER = path.resolve(__dirname, '../src/server.js');

function runServer(args, env) {
  const child = spawn(process.execPath, [SERVER, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

/** A loopback port nobody listens on (bound, then released). */
function closedPort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

test('bad configuration: exit 2, a message, no secret', async () => {
  const cases = [
    [[], { VMPULSE_TOKEN: 'hunter2' }],
    [[], { VMPULSE_DB_URL: 'postgres://u:hunter2@h/d', VMPULSE_TOKEN: 't' }],
    [['--listen', 'nowhere'], { VMPULSE_DB_URL: 'mysql://u:hunter2@h/d', VMPULSE_TOKEN: 'hunter2' }],
  ];
  for (const [args, env] of cases) {
    const run = runServer(args, env);
    assert.equal(await run.exited, 2, run.output());
    assert.match(run.output(), /node-api: /);
    assert.doesNotMatch(run.output(), /hunter2/);
  }
});

test('database unreachable: alive, not ready, 503 with Retry-After in well under the client timeout', async (t) => {
  const [dbPort, port] = [await closedPort(), await closedPort()];
  const run = runServer(['--listen', `127.0.0.1:${port}`], {
    VMPULSE_DB_URL: `mysql://u:hunter2@127.0.0.1:${dbPort}/d`,
    VMPULSE_TOKEN: 'tok',
  });
  t.after(() => run.child.kill('SIGKILL'));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/livez`)).status === 200) break;
    } catch {
      // not listening yet
    }
    assert.ok(Date.now() < deadline, `did not start: ${run.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal((await fetch(`${base}/readyz`)).status, 503);
  const record = {
    vm: 'vm-1',
    total_ram: 8000,
    ram_libre: 3000,
    uso_ram: 5000,
    porcentaje_ram: 62.5,
    porcentaje_cpu_uso: 30,
    porcentaje_cpu_libre: 70,
    procesos_corriendo: 2,
    procesos_durmiendo: 100,
    procesos_zombie: 0,
    procesos_parados: 1,
    total_procesos: 103,
    hora: '2025-03-01 12:34:56',
  };
  const started = Date.now();
  const answer = await fetch(`${base}/api/nodejs/metrics`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    body: JSON.stringify(record),
  });
  assert.equal(answer.status, 503);
  assert.equal((await answer.json()).error, 'database_unavailable');
  assert.ok(Number(answer.headers.get('retry-after')) > 0);
  assert.ok(Date.now() - started < 5000, `answered in ${Date.now() - started} ms`);
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, 'SIGTERM stops it cleanly');
  assert.doesNotMatch(run.output(), /hunter2/, 'the password is never logged');
});
