// vmpulse-hub end to end: a private MariaDB, real WebSocket clients (ws), real HTTP.
// Started by tests/suites/50-hub.sh, which passes the hubs' addresses:
//   HUB_MAIN    defaults
//   HUB_STRICT  --allow-origin https://dash.example --max-clients 3 --queue-messages 2
//   HUB_DROP    --keepalive 1s --threads 2 (a silent client is dropped after 2 s; strands)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Client, env, getJson, insertRows, pool, row, sleep } from './lib.mjs';

const MAIN = env('HUB_MAIN');
const STRICT = env('HUB_STRICT');
const DROP = env('HUB_DROP');
const db = pool();
const open = [];

async function connect(base, options) {
  const client = await Client.open(base, options);
  open.push(client);
  return client;
}

async function snapshotOf(client) {
  await client.until((c) => c.ofType('snapshot').length > 0, 10000, 'a snapshot');
  return client.ofType('snapshot').at(-1);
}

async function dbSplit() {
  const [rows] = await db.query('SELECT api, total FROM metricas_por_api');
  return Object.fromEntries(rows.map((r) => [r.api, Number(r.total)]));
}

function closeCode(client, ms = 5000) {
  return client.until((c) => c.closed !== null, ms, 'the close').then(() => client.closed);
}

before(async () => {
  await insertRows(db, [row('seed-1'), row('seed-2', { api: 'nodejs' })]);
});

after(async () => {
  for (const client of open) client.close();
  await db.end();
});

describe('snapshot', () => {
  test('on connect: the newest VM, every VM with its row count, latest records, split equal to the database', async () => {
    const [id] = await insertRows(db, [row('snap-a', { cpu: 42 })]);
    await sleep(600); // one poll
    const client = await connect(MAIN);
    const snapshot = await snapshotOf(client);
    assert.equal(snapshot.type, 'snapshot');
    assert.equal(snapshot.minutes, 15);
    assert.equal(typeof snapshot.vm, 'string');
    // latest holds the chosen VM's record only; vms carries every VM's CPU and RAM.
    assert.deepEqual(Object.keys(snapshot.latest), [snapshot.vm]);
    assert.equal(snapshot.vms.find((v) => v.vm === 'snap-a').porcentaje_cpu_uso, 42);
    const [counts] = await db.query('SELECT vm, COUNT(*) AS n FROM metricas GROUP BY vm');
    for (const { vm, n } of counts) {
      assert.equal(snapshot.vms.find((v) => v.vm === vm)?.rows, Number(n), `rows of ${vm}`);
    }
    const chosen = await snapshotOf(await connect(MAIN, { path: '/ws?vm=snap-a' }));
    assert.equal(chosen.latest['snap-a'].id, id);
    assert.equal(chosen.latest['snap-a'].porcentaje_cpu_uso, 42);
    const split = await dbSplit();
    for (const [api, n] of Object.entries(split)) assert.equal(snapshot.split[api], n);
    assert.equal(
      snapshot.split.total,
      Object.values(split).reduce((a, b) => a + b, 0),
    );
  });

  test("select: the chosen VM's last minutes, oldest first; ?vm= on the URL does the same", async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(...(await insertRows(db, [row('sel-a', { cpu: i })])));
    await sleep(600);
    const client = await connect(MAIN);
    await snapshotOf(client);
    client.send({ type: 'select', vm: 'sel-a', minutes: 5 });
    await client.until((c) => c.ofType('snapshot').length >= 2, 10000, 'the selected snapshot');
    const snapshot = client.ofType('snapshot')[1];
    assert.equal(snapshot.vm, 'sel-a');
    assert.equal(snapshot.minutes, 5);
    assert.deepEqual(
      snapshot.series.map((r) => r.id),
      ids,
    );
    assert.ok(snapshot.series.every((r) => r.vm === 'sel-a'));

    const direct = await connect(MAIN, { path: '/ws?vm=sel-a&minutes=2' });
    const first = await snapshotOf(direct);
    assert.equal(first.vm, 'sel-a');
    assert.deepEqual(
      first.series.map((r) => r.id),
      ids,
    );
  });

  test('an unknown VM gives an empty series, not an error', async () => {
    const client = await connect(MAIN, { path: '/ws?vm=no-such-vm' });
    const snapshot = await snapshotOf(client);
    assert.equal(snapshot.vm, 'no-such-vm');
    assert.deepEqual(snapshot.series, []);
  });

  test('reconnecting gets a fresh snapshot with the rows stored meanwhile', async () => {
    const first = await connect(MAIN);
    await snapshotOf(first);
    first.close();
    const [id] = await insertRows(db, [row('recon-a')]);
    await sleep(600);
    const again = await connect(MAIN);
    const snapshot = await snapshotOf(again);
    assert.equal(snapshot.latest['recon-a'].id, id);
    assert.equal(snapshot.vms.find((v) => v.vm === 'recon-a').rows, 1);
  });
});

describe('delivery', () => {
  test('every row, in order, exactly once, to every client', async () => {
    const clients = await Promise.all([1, 2, 3].map(() => connect(MAIN, { path: '/ws?vm=order-a' })));
    await Promise.all(clients.map(snapshotOf));
    const ids = [];
    for (let i = 0; i < 30; i++) ids.push(...(await insertRows(db, [row('order-a', { cpu: i })])));
    ids.push(
      ...(await insertRows(
        db,
        Array.from({ length: 200 }, (_, i) => row('order-a', { cpu: i % 100 })),
      )),
    );
    const mine = (r) => r.vm === 'order-a';
    await Promise.all(clients.map((c) => c.until((x) => x.recordIds(mine).length >= ids.length, 10000, 'all rows')));
    await sleep(600); // nothing more (no duplicates) arrives later
    for (const client of clients) assert.deepEqual(client.recordIds(mine), ids);
    const last = clients[0].ofType('records').at(-1);
    assert.deepEqual(last.split, { ...last.split, ...(await dbSplit()) });
  });

  test('a row whose transaction commits after a larger id is still delivered, once', async () => {
    const clients = await Promise.all([1, 2].map(() => connect(MAIN, { path: '/ws?vm=late-a' })));
    await Promise.all(clients.map(snapshotOf));
    const slow = await db.getConnection();
    // The two routes count in different metricas_por_api rows, so their transactions
    // do not wait for each other and may commit in either order.
    const [early] = await insertRows(slow, [row('late-a', { api: 'nodejs' })], { commit: false });
    const [later] = await insertRows(db, [row('late-a')]);
    assert.ok(later > early);
    const mine = (r) => r.vm === 'late-a';
    await Promise.all(clients.map((c) => c.until((x) => x.recordIds(mine).includes(later), 5000, 'the later row')));
    await sleep(800); // several polls while the smaller id is still uncommitted
    await slow.commit();
    slow.release();
    await Promise.all(clients.map((c) => c.until((x) => x.recordIds(mine).includes(early), 5000, 'the late row')));
    await sleep(600);
    for (const client of clients) assert.deepEqual(client.recordIds(mine), [later, early]);
  });

  test('concurrent transactions committing in random order: all delivered, once, same order for all', async () => {
    const clients = await Promise.all([1, 2, 3].map(() => connect(MAIN, { path: '/ws?vm=race-a' })));
    await Promise.all(clients.map(snapshotOf));
    const ids = (
      await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const conn = await db.getConnection();
          try {
            const got = await insertRows(conn, [row('race-a', { cpu: i % 100 }), row('race-a')], {
              commit: false,
              counts: false,
            });
            await sleep(Math.floor(Math.random() * 1500));
            await conn.commit();
            return got;
          } finally {
            conn.release();
          }
        }),
      )
    ).flat();
    const mine = (r) => r.vm === 'race-a';
    await Promise.all(clients.map((c) => c.until((x) => x.recordIds(mine).length >= ids.length, 10000, 'all rows')));
    await sleep(600);
    const expected = [...ids].sort((a, b) => a - b);
    for (const client of clients) {
      assert.deepEqual(
        [...client.recordIds(mine)].sort((a, b) => a - b),
        expected,
      );
      assert.deepEqual(client.recordIds(mine), clients[0].recordIds(mine));
      for (const message of client.ofType('records')) {
        const inMessage = message.records.map((r) => r.id);
        assert.deepEqual(
          inMessage,
          [...inMessage].sort((a, b) => a - b),
          'id order within a message',
        );
      }
    }
  });
});

describe('per VM', () => {
  // Issue 15: a dashboard gets the records of the VM it shows and, at most once a
  // second, every VM's summary (`fleet`), not every VM's records.
  test("two clients on different VMs: each gets only its VM's records, both get fleet entries of both", async () => {
    const a = await connect(MAIN, { path: '/ws?vm=pervm-a' });
    const b = await connect(MAIN);
    await Promise.all([snapshotOf(a), snapshotOf(b)]);
    b.send({ type: 'select', vm: 'pervm-b' });
    await b.until((c) => c.ofType('snapshot').some((s) => s.vm === 'pervm-b'), 10000, 'the selected snapshot');
    const ids = { 'pervm-a': [], 'pervm-b': [] };
    for (let i = 0; i < 6; i++) {
      const got = await insertRows(db, [row('pervm-a', { cpu: i }), row('pervm-b', { cpu: 50 + i }), row('pervm-a')]);
      ids['pervm-a'].push(got[0], got[2]);
      ids['pervm-b'].push(got[1]);
      await sleep(150);
    }
    for (const [client, vm] of [
      [a, 'pervm-a'],
      [b, 'pervm-b'],
    ]) {
      await client.until((c) => c.recordIds((r) => r.vm === vm).length >= ids[vm].length, 10000, `${vm}'s rows`);
      // Both VMs' entries arrive in fleet messages, the newest with every row counted.
      await client.until(
        (c) =>
          ['pervm-a', 'pervm-b'].every((name) =>
            c.ofType('fleet').some((f) => f.vms.some((v) => v.vm === name && v.rows === ids[name].length)),
          ),
        5000,
        'fleet entries of both VMs',
      );
    }
    await sleep(600); // nothing more arrives later
    for (const [client, vm] of [
      [a, 'pervm-a'],
      [b, 'pervm-b'],
    ]) {
      const after = client.messages.findIndex((m) => m.type === 'snapshot' && m.vm === vm);
      const records = client.messages.slice(after).filter((m) => m.type === 'records');
      assert.ok(
        records.every((m) => m.records.every((r) => r.vm === vm)),
        `only ${vm}'s rows`,
      );
      assert.deepEqual(
        client.recordIds((r) => r.vm === vm),
        ids[vm],
      );
      for (const m of records) assert.ok(m.split && m.split.total > 0, 'records keep the split');
    }
    // A fleet entry is the VM's /api/vms entry; fleet messages come at most once a second.
    const vms = (await getJson(MAIN, '/api/vms')).body.vms;
    const lastB = a
      .ofType('fleet')
      .flatMap((f) => f.vms)
      .filter((v) => v.vm === 'pervm-b')
      .at(-1);
    assert.deepEqual(
      lastB,
      vms.find((v) => v.vm === 'pervm-b'),
    );
    assert.equal(lastB.porcentaje_cpu_uso, 55);
    const times = a.messages.map((m, i) => (m.type === 'fleet' ? a.arrivals[i] : null)).filter((t) => t !== null);
    for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 900, `fleet gaps ${times}`);
  });
});

describe('protocol errors', () => {
  const cases = [
    ['not JSON', 'hello', 1003],
    ['an unknown type', { type: 'subscribe' }, 1008],
    ['select without a valid vm', { type: 'select', vm: 'a b' }, 1008],
    ['select with minutes out of range', { type: 'select', vm: 'a', minutes: 61 }, 1008],
    ['a binary frame', Buffer.from('{"type":"ping"}'), 1003],
    ['a frame over 4 KiB', JSON.stringify({ type: 'ping', pad: 'x'.repeat(5000) }), 1009],
  ];
  for (const [what, payload, code] of cases) {
    test(`${what} closes with ${code} and a reason`, async () => {
      const client = await connect(MAIN);
      await snapshotOf(client);
      client.send(payload, { binary: Buffer.isBuffer(payload) });
      const closed = await closeCode(client);
      assert.equal(closed.code, code);
      if (code !== 1009) assert.ok(closed.reason.length > 0, 'a reason');
    });
  }

  test('ping is answered with pong', async () => {
    const client = await connect(MAIN);
    await snapshotOf(client);
    client.send({ type: 'ping' });
    await client.until((c) => c.ofType('pong').length === 1, 5000, 'pong');
  });

  test('a WebSocket on another path is refused with 404', async () => {
    await assert.rejects(Client.open(MAIN, { path: '/socket.io/' }), /HTTP 404/);
  });
});

describe('HTTP', () => {
  test('/api/split equals metricas_por_api, with shares', async () => {
    const { status, body } = await getJson(MAIN, '/api/split');
    assert.equal(status, 200);
    const split = await dbSplit();
    for (const [api, n] of Object.entries(split)) assert.equal(body[api], n);
    assert.equal(
      body.total,
      Object.values(split).reduce((a, b) => a + b, 0),
    );
    const shares = Object.values(body.shares).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(shares - 1) < 0.001, `shares sum to ${shares}`);
  });

  test('/api/vms equals the database', async () => {
    await sleep(600);
    const { status, body } = await getJson(MAIN, '/api/vms');
    assert.equal(status, 200);
    const [rows] = await db.query('SELECT vm, MAX(hora) AS last, COUNT(*) AS n FROM metricas GROUP BY vm ORDER BY vm');
    assert.deepEqual(
      body.vms.map(({ vm, last, rows: n }) => ({ vm, last, rows: n })),
      rows.map((r) => ({ vm: r.vm, last: r.last, rows: Number(r.n) })),
    );
  });

  test('/api/history downsamples in the database: min/avg/max per bucket, at most `points`', async () => {
    // One hour at one row per 10 s, cpu = i % 100.
    const start = Date.UTC(2026, 0, 1, 0, 0, 0) / 1000;
    const rows = [];
    for (let i = 0; i < 360; i++) {
      const hora = new Date((start + i * 10) * 1000).toISOString().slice(0, 19).replace('T', ' ');
      rows.push(row('hist-a', { cpu: i % 100, ram: i % 50, hora }));
    }
    await insertRows(db, rows);
    const { status, body } = await getJson(
      MAIN,
      `/api/history?vm=hist-a&from=2026-01-01%2000:00:00&to=${start + 3599}&points=12`,
    );
    assert.equal(status, 200);
    assert.equal(body.bucket_seconds, 300);
    assert.equal(body.points.length, 12);
    for (let b = 0; b < 12; b++) {
      const values = Array.from({ length: 30 }, (_, k) => (b * 30 + k) % 100);
      const point = body.points[b];
      assert.equal(point.n, 30);
      assert.equal(point.t, new Date((start + b * 300) * 1000).toISOString().slice(0, 19).replace('T', ' '));
      assert.equal(point.cpu.min, Math.min(...values));
      assert.equal(point.cpu.max, Math.max(...values));
      assert.ok(Math.abs(point.cpu.avg - values.reduce((a, v) => a + v, 0) / 30) < 0.01);
    }
    const fine = await getJson(MAIN, `/api/history?vm=hist-a&from=${start}&to=${start + 3599}`);
    assert.equal(fine.body.bucket_seconds, 4);
    assert.equal(
      fine.body.points.reduce((a, p) => a + p.n, 0),
      360,
    );
    assert.ok(fine.body.points.length <= 1000);
    const one = await getJson(MAIN, `/api/history?vm=hist-a&from=${start}&to=${start + 3599}&points=1`);
    assert.equal(one.body.points.length, 1);
    assert.equal(one.body.points[0].n, 360);
  });

  const bad = [
    ['/api/history', 400, 'missing_parameter'],
    ['/api/history?vm=a%27b', 400, 'invalid_parameter'],
    ['/api/history?vm=a&points=0', 400, 'invalid_parameter'],
    ['/api/history?vm=a&points=abc', 400, 'invalid_parameter'],
    ['/api/history?vm=a&from=tomorrow', 400, 'invalid_parameter'],
    ['/api/history?vm=a&from=2000&to=1000', 400, 'invalid_parameter'],
    ['/api/nothing', 404, 'not_found'],
  ];
  for (const [path, status, code] of bad) {
    test(`${path} → ${status} ${code}`, async () => {
      const answer = await getJson(MAIN, path);
      assert.equal(answer.status, status);
      assert.equal(answer.body.error, code);
      assert.ok(answer.body.detail.length > 0);
    });
  }

  test('POST is 405 with Allow', async () => {
    const answer = await getJson(MAIN, '/api/split', { method: 'POST', body: '{}' });
    assert.equal(answer.status, 405);
    assert.match(answer.headers.get('allow'), /GET/);
  });

  test('/livez and /readyz', async () => {
    assert.equal((await getJson(MAIN, '/livez')).status, 200);
    assert.equal((await getJson(MAIN, '/readyz')).status, 200);
  });
});

describe('limits', () => {
  test('origins: the allow-list, same host and no Origin pass; others get 403', async () => {
    await connect(STRICT, { headers: { Origin: 'https://dash.example' } }).then((c) => c.close());
    await connect(STRICT).then((c) => c.close());
    const host = new URL(STRICT).host;
    await connect(STRICT, { headers: { Origin: `http://${host}` } }).then((c) => c.close());
    await assert.rejects(Client.open(STRICT, { headers: { Origin: 'https://evil.example' } }), /HTTP 403/);
    await assert.rejects(Client.open(STRICT, { headers: { Origin: 'http://localhost:5173' } }), /HTTP 403/);
    // The default policy allows localhost (a dashboard's dev server).
    await connect(MAIN, { headers: { Origin: 'http://localhost:5173' } }).then((c) => c.close());
    await assert.rejects(Client.open(MAIN, { headers: { Origin: 'https://evil.example' } }), /HTTP 403/);
  });

  test('CORS on /api: allowed origins are echoed with Vary, others and curl get no CORS headers', async () => {
    const cors = (h) => [...h.keys()].filter((k) => k.startsWith('access-control-'));
    for (const path of ['/api/vms', '/api/split', '/api/history?vm=seed-1']) {
      const ok = await getJson(STRICT, path, { headers: { Origin: 'https://dash.example' } });
      assert.equal(ok.status, 200, path);
      assert.equal(ok.headers.get('access-control-allow-origin'), 'https://dash.example', path);
      assert.match(ok.headers.get('vary') ?? '', /Origin/, path);
    }
    const evil = await getJson(STRICT, '/api/vms', { headers: { Origin: 'https://evil.example' } });
    assert.equal(evil.status, 200); // not 403: the browser withholds it for lack of the headers
    assert.deepEqual(cors(evil.headers), []);
    const plain = await getJson(STRICT, '/api/vms'); // curl, no Origin
    assert.equal(plain.status, 200);
    assert.deepEqual(cors(plain.headers), []);
    // Errors carry the headers too, so the dashboard can read them.
    const bad = await getJson(STRICT, '/api/history', { headers: { Origin: 'https://dash.example' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('access-control-allow-origin'), 'https://dash.example');
    // The default policy (MAIN) allows a localhost dev server, as on /ws.
    const dev = await getJson(MAIN, '/api/split', { headers: { Origin: 'http://localhost:5173' } });
    assert.equal(dev.headers.get('access-control-allow-origin'), 'http://localhost:5173');
  });

  test('CORS preflight: OPTIONS /api/* is 204 with the allowed methods; not for other origins', async () => {
    const preflight = (origin) =>
      fetch(`${STRICT}/api/history?vm=seed-1`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' },
      });
    const ok = await preflight('https://dash.example');
    assert.equal(ok.status, 204);
    assert.equal(await ok.text(), '');
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://dash.example');
    assert.equal(ok.headers.get('access-control-allow-methods'), 'GET, POST, DELETE, OPTIONS');
    assert.equal(ok.headers.get('access-control-allow-headers'), 'Authorization, Content-Type');
    assert.equal(ok.headers.get('access-control-max-age'), '600');
    assert.match(ok.headers.get('vary') ?? '', /Origin/);
    const evil = await preflight('https://evil.example');
    await evil.text();
    assert.equal(evil.status, 204);
    assert.deepEqual(
      [...evil.headers.keys()].filter((k) => k.startsWith('access-control-')),
      [],
    );
    // Outside /api nothing changes: OPTIONS /livez is still 405.
    assert.equal((await getJson(STRICT, '/livez', { method: 'OPTIONS' })).status, 405);
  });

  test('--max-clients: the next connection is refused with 503', async () => {
    await sleep(300); // the closes above
    const clients = [];
    for (let i = 0; i < 3; i++) clients.push(await connect(STRICT));
    await assert.rejects(Client.open(STRICT), /HTTP 503/);
    for (const c of clients) c.close();
    await sleep(300);
    await connect(STRICT).then((c) => c.close());
  });

  test('a client that stops reading is resynced without holding back the others', async () => {
    await sleep(300);
    const stuck = await connect(STRICT, { path: '/ws?vm=flood-a' });
    const reader = await connect(STRICT, { path: '/ws?vm=flood-a' });
    await Promise.all([snapshotOf(stuck), snapshotOf(reader)]);
    stuck.ws._socket.pause(); // stops reading: its socket buffers, then its queue, fill up
    const ids = [];
    const mine = (r) => r.vm === 'flood-a';
    for (let batch = 0; batch < 60; batch++) {
      ids.push(
        ...(await insertRows(
          db,
          Array.from({ length: 3000 }, (_, i) => row('flood-a', { cpu: i % 100 })),
        )),
      );
      const stats = (await getJson(STRICT, '/api/stats')).body;
      if (stats.resyncs > 0 && batch >= 3) break;
    }
    const t0 = Date.now();
    await reader.until((c) => c.recordIds(mine).length >= ids.length, 20000, 'every row at the reading client');
    console.log(`# reader got the last of ${ids.length} rows ${Date.now() - t0} ms after the last insert`);
    assert.deepEqual(reader.recordIds(mine), ids);
    assert.ok((await getJson(STRICT, '/api/stats')).body.resyncs >= 1, 'the stuck client overflowed');
    stuck.ws._socket.resume();
    await stuck.until((c) => c.ofType('resync').length === 1, 20000, 'resync');
    const at = stuck.messages.findIndex((m) => m.type === 'resync');
    await stuck.until((c) => c.messages.length > at + 1, 20000, 'the snapshot after resync');
    assert.equal(stuck.messages[at + 1].type, 'snapshot');
    assert.equal(stuck.messages[at + 1].latest['flood-a'].id, ids.at(-1));
  });

  test('a client that answers no pings is dropped; the others keep receiving', async () => {
    const silent = await connect(DROP);
    const alive = await connect(DROP, { path: '/ws?vm=drop-a' });
    await Promise.all([snapshotOf(silent), snapshotOf(alive)]);
    silent.ws._socket.pause();
    const start = Date.now();
    let clients = 2;
    while (clients > 1 && Date.now() - start < 10000) {
      await sleep(200);
      clients = (await getJson(DROP, '/api/stats')).body.clients;
    }
    assert.equal(clients, 1, 'the silent client was dropped');
    const [id] = await insertRows(db, [row('drop-a')]);
    await alive.until((c) => c.recordIds().includes(id), 5000, 'a new row at the live client');
    assert.equal(alive.closed, null);
  });
});

describe('database outage', () => {
  test('/readyz goes 503 while MariaDB is down, the hub reconnects by itself and delivers again', async () => {
    const client = await connect(MAIN, { path: '/ws?vm=after-outage' });
    await snapshotOf(client);
    const root = env('VMPULSE_ROOT');
    const script = `source "${root}/scripts/lib/common.sh"; source "${root}/scripts/lib/mariadb.sh";`;
    execFileSync('bash', ['-c', `${script} db_stop "${env('HUB_TEST_DB_DIR')}"`]);
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i++) {
      await sleep(200);
      status = (await getJson(MAIN, '/readyz')).status;
    }
    assert.equal(status, 503);
    assert.equal((await getJson(MAIN, '/api/split')).status, 503);
    execFileSync('bash', ['-c', `${script} db_start "${env('HUB_TEST_DB_DIR')}" ${env('HUB_TEST_DB_PORT')}`]);
    for (let i = 0; i < 100 && status !== 200; i++) {
      await sleep(200);
      status = (await getJson(MAIN, '/readyz')).status;
    }
    assert.equal(status, 200);
    const fresh = pool();
    const [id] = await insertRows(fresh, [row('after-outage')]);
    await fresh.end();
    await client.until((c) => c.recordIds().includes(id), 10000, 'a row stored after the outage');
  });
});
