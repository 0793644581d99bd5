// The per-minute rollup (metricas_minuto) against the raw rows, with a private MariaDB.
// Run by tests/suites/50-hub.sh after hub.test.mjs, while that file's three hubs still
// run (their pids in HUB_PIDS): first with the three rolling up at once, then they are
// stopped and this file starts its own hubs (HUB_BIN) to restart them.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { env, getJson, insertRows, pool, row, sleep, viewerHeaders } from './lib.mjs';

const db = pool();
const spawned = new Set();

after(async () => {
  for (const hub of spawned) await stopHub(hub);
  await db.end();
});

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startHub() {
  const port = await freePort();
  const child = spawn(env('HUB_BIN'), ['--listen', `127.0.0.1:${port}`, '--log-level', 'warn'], {
    env: {
      ...process.env,
      VMPULSE_DB_URL: env('HUB_TEST_DB_URL'),
      VMPULSE_VIEWER_TOKEN_FILE: env('HUB_VIEWER_TOKEN_FILE'),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const hub = { child, base: `http://127.0.0.1:${port}`, exited: new Promise((r) => child.once('exit', r)) };
  spawned.add(hub);
  for (let i = 0; i < 150; i++) {
    const ready = await fetch(`${hub.base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return hub;
    await sleep(100);
  }
  throw new Error('the hub did not become ready');
}

async function stopHub(hub) {
  hub.child.kill('SIGTERM');
  await hub.exited;
  spawned.delete(hub);
}

async function one(sql, params = []) {
  const [rows] = await db.query(sql, params);
  return Object.values(rows[0])[0];
}

const rolled = async () => Number(await one('SELECT ultimo_id FROM metricas_minuto_estado WHERE id = 1'));
const maxId = async () => Number(await one('SELECT COALESCE(MAX(id), 0) FROM metricas'));

// Waits until every stored row is rolled up.
async function caughtUp(ms = 30000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const [done, newest] = [await rolled(), await maxId()];
    if (done >= newest) return done;
    if (Date.now() > deadline) throw new Error(`the rollup stayed at id ${done}, newest ${newest}`);
    await sleep(200);
  }
}

const MINUTE_SQL = "DATE_FORMAT(hora, '%Y-%m-%d %H:%i:00')";

// metricas_minuto against the same aggregates recomputed from the rows it claims to hold
// (id <= ultimo_id): the differing (vm, minute) keys with both sides.
async function rollupDiff() {
  const upto = await rolled();
  const [raw] = await db.query(
    `SELECT vm, ${MINUTE_SQL} AS minuto, COUNT(*) AS n, SUM(porcentaje_cpu_uso) AS cpu_suma,
       MIN(porcentaje_cpu_uso) AS cpu_min, MAX(porcentaje_cpu_uso) AS cpu_max, SUM(porcentaje_ram) AS ram_suma,
       MIN(porcentaje_ram) AS ram_min, MAX(porcentaje_ram) AS ram_max, SUM(total_procesos) AS procesos_suma
     FROM metricas WHERE id <= ? GROUP BY vm, minuto`,
    [upto],
  );
  const [rollup] = await db.query(
    'SELECT vm, minuto, n, cpu_suma, cpu_min, cpu_max, ram_suma, ram_min, ram_max, procesos_suma FROM metricas_minuto',
  );
  const key = (r) => `${r.vm}|${r.minuto}`;
  const text = (r) => Object.values(r).map(String).join(' ');
  const want = new Map(raw.map((r) => [key(r), text(r)]));
  const have = new Map(rollup.map((r) => [key(r), text(r)]));
  const diff = [];
  for (const k of new Set([...want.keys(), ...have.keys()])) {
    if (want.get(k) !== have.get(k)) diff.push({ key: k, raw: want.get(k), rollup: have.get(k) });
  }
  return { diff, minutes: have.size, upto };
}

const hora = (seconds) => new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
const T0 = Date.UTC(2026, 1, 1, 0, 0, 0) / 1000; // a multiple of 120 s
// Values with two decimals that make uneven averages.
const cpuAt = (i) => ((i * 37) % 10000) / 100;
const ramAt = (i) => ((i * 53 + 7) % 10000) / 100;

// Every row of roll-a inserted so far, for the expectation computed here.
const rollA = [];
async function insertRollA(seconds, { late = false } = {}) {
  const rows = seconds.map((s) => {
    const i = rollA.length;
    const r = { t: T0 + s, cpu: cpuAt(i), ram: ramAt(i), procesos: 100 + (i % 9) };
    rollA.push(r);
    return row('roll-a', {
      hora: hora(r.t),
      cpu: r.cpu,
      ram: r.ram,
      procesos: r.procesos,
      api: late ? 'nodejs' : 'cpp',
    });
  });
  return insertRows(db, rows);
}

// The answer computed here from rollA: per epoch-aligned bucket, n, min, max and the
// average to 0.01.
function expected(from, to, bucket) {
  const buckets = new Map();
  for (const r of rollA.filter((x) => x.t >= from && x.t <= to)) {
    const b = Math.floor(r.t / bucket);
    const e = buckets.get(b) ?? { n: 0, cpu: [], ram: [], procesos: [] };
    e.n += 1;
    e.cpu.push(r.cpu);
    e.ram.push(r.ram);
    e.procesos.push(r.procesos);
    buckets.set(b, e);
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([b, e]) => ({ t: hora(b * bucket), ...e }));
}

function assertMatches(points, want) {
  assert.equal(points.length, want.length, 'bucket count');
  const avg = (xs) => xs.reduce((a, x) => a + x, 0) / xs.length;
  points.forEach((p, i) => {
    const w = want[i];
    assert.equal(p.t, w.t);
    assert.equal(p.n, w.n, `n at ${w.t}`);
    assert.equal(p.cpu.min, Math.min(...w.cpu), `cpu.min at ${w.t}`);
    assert.equal(p.cpu.max, Math.max(...w.cpu), `cpu.max at ${w.t}`);
    assert.equal(p.ram.min, Math.min(...w.ram), `ram.min at ${w.t}`);
    assert.equal(p.ram.max, Math.max(...w.ram), `ram.max at ${w.t}`);
    assert.ok(Math.abs(p.cpu.avg - avg(w.cpu)) <= 0.0051, `cpu.avg at ${w.t}: ${p.cpu.avg} vs ${avg(w.cpu)}`);
    assert.ok(Math.abs(p.ram.avg - avg(w.ram)) <= 0.0051, `ram.avg at ${w.t}`);
    assert.ok(Math.abs(p.procesos.avg - avg(w.procesos)) <= 0.0051, `procesos.avg at ${w.t}`);
  });
}

// GET /api/history on `base` by the default path and by raw rows: both bodies, and the
// path the default took.
async function bothPaths(base, query) {
  const auto = await fetch(`${base}/api/history?${query}`, { headers: viewerHeaders() });
  const autoText = await auto.text();
  const raw = await fetch(`${base}/api/history?${query}&source=raw`, { headers: viewerHeaders() });
  const rawText = await raw.text();
  assert.equal(auto.status, 200, autoText);
  assert.equal(raw.status, 200, rawText);
  assert.equal(raw.headers.get('x-history-source'), 'raw');
  return { auto: autoText, raw: rawText, source: auto.headers.get('x-history-source') };
}

describe('rollup', () => {
  test('three hubs rolling up at once: metricas_minuto equals the aggregates of the raw rows', async () => {
    // Concurrent transactions over several minutes and VMs, on top of every row the
    // other tests stored (late commits, rollbacks, an outage).
    const batches = Array.from({ length: 24 }, (_, b) =>
      Array.from({ length: 25 }, (_, k) =>
        row(`roll-many-${b % 4}`, {
          hora: hora(T0 + 7200 + (((b * 25 + k) * 13) % 900)),
          cpu: (b * 7 + k) % 100,
          ram: k,
        }),
      ),
    );
    await Promise.all(batches.map((rows) => insertRows(db, rows)));
    await caughtUp();
    const { diff, minutes } = await rollupDiff();
    assert.deepEqual(diff, []);
    assert.ok(minutes >= 15, `${minutes} minutes rolled up`);
  });

  test('history from the rollup equals raw rows and the values computed here, edges and late rows included', async () => {
    // Ten minutes of roll-a, one row every 7 s.
    await insertRollA(Array.from({ length: 86 }, (_, i) => i * 7));
    // A transaction that commits after a larger id: its rows land in rolled minutes.
    const conn = await db.getConnection();
    const heldRows = [0, 1].map((k) => {
      const r = { t: T0 + 200 + k, cpu: 99.99, ram: 0.01, procesos: 500 };
      rollA.push(r);
      // Another route's count row, so the next insert does not wait on this one's lock.
      return row('roll-a', { hora: hora(r.t), cpu: r.cpu, ram: r.ram, procesos: r.procesos, api: 'nodejs' });
    });
    await insertRows(conn, heldRows, { commit: false });
    await insertRollA([301, 302]);
    await conn.commit();
    conn.release();
    await caughtUp();
    // Late rows: older horas stored after their minutes were rolled up.
    await insertRollA([3, 64, 65, 359], { late: true });
    await caughtUp();

    const hub = env('HUB_MAIN_URL');
    // 00:00:25 .. 00:09:40: edges of 35 and 40 s; 5 points need 120 s buckets.
    const query = `vm=roll-a&from=${T0 + 25}&to=${T0 + 580}&points=5`;
    const { auto, raw, source } = await bothPaths(hub, query);
    assert.equal(source, 'rollup');
    assert.equal(auto, raw);
    const body = JSON.parse(auto);
    assert.equal(body.bucket_seconds, 120);
    assertMatches(body.points, expected(T0 + 25, T0 + 580, 120));
    // Aligned to whole minutes, one bucket per minute, and a single bucket.
    for (const [q, from, to, bucket] of [
      [`vm=roll-a&from=${T0}&to=${T0 + 599}&points=10`, T0, T0 + 599, 60],
      [`vm=roll-a&from=${T0 + 59}&to=${T0 + 600}&points=1`, T0 + 59, T0 + 600, 600],
    ]) {
      const both = await bothPaths(hub, q);
      assert.equal(both.source, 'rollup', q);
      assert.equal(both.auto, both.raw, q);
      assertMatches(JSON.parse(both.auto).points, expected(from, to, bucket));
    }
    // Rows not rolled up yet (asked for at once): the rollup path adds them from raw rows.
    for (let round = 0; round < 3; round++) {
      await insertRollA([120 + round, 250 + round, 499]);
      const forced = await fetch(`${hub}/api/history?${query}&source=rollup`, { headers: viewerHeaders() }).then((r) =>
        r.text(),
      );
      const { raw: now } = await bothPaths(hub, query);
      assert.equal(forced, now, `round ${round}`);
      assertMatches(JSON.parse(forced).points, expected(T0 + 25, T0 + 580, 120));
    }
    // Sub-minute buckets are raw.
    const fine = await bothPaths(hub, `vm=roll-a&from=${T0}&to=${T0 + 599}&points=100`);
    assert.equal(fine.source, 'raw');
    assert.equal(JSON.parse(fine.auto).bucket_seconds, 6);
  });

  test('the rollup state survives a restart: rows stored while no hub ran are added once', async () => {
    await caughtUp();
    // Stop every hub: the three of hub.test.mjs.
    for (const pid of env('HUB_PIDS').split(' ').map(Number)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    for (const pid of env('HUB_PIDS').split(' ').map(Number)) {
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        await sleep(100);
      }
    }
    const before = await rolled();
    assert.deepEqual((await rollupDiff()).diff, []);

    // Stored while no hub runs: new minutes and late rows into rolled-up minutes.
    const [first] = await insertRollA([600, 610, 620, 5, 125, 245]);
    const more = Array.from({ length: 200 }, (_, i) =>
      row(`roll-down-${i % 3}`, { hora: hora(T0 + 3600 + i), cpu: i % 100 }),
    );
    await insertRows(db, more);
    await sleep(1500);
    assert.equal(await rolled(), before, 'nothing rolls up without a hub');
    assert.ok(first > before);

    const hub = await startHub();
    await caughtUp();
    const stats = (await getJson(hub.base, '/api/stats')).body;
    assert.equal(stats.rollup_rows, 6 + 200, 'the new hub added exactly the rows stored while none ran');
    assert.ok(stats.rollup_id >= (await maxId()), `rollup_id ${stats.rollup_id}`);
    const { diff } = await rollupDiff();
    assert.deepEqual(diff, []);
    const query = `vm=roll-a&from=${T0 + 25}&to=${T0 + 640}&points=6`;
    const both = await bothPaths(hub.base, query);
    assert.equal(both.source, 'rollup');
    assert.equal(both.auto, both.raw);
    assertMatches(JSON.parse(both.auto).points, expected(T0 + 25, T0 + 640, 120));

    // Restarted with nothing new: nothing is added again.
    await stopHub(hub);
    const again = await startHub();
    await sleep(2500);
    assert.equal((await getJson(again.base, '/api/stats')).body.rollup_rows, 0);
    assert.equal(await rolled(), await maxId());
    assert.deepEqual((await rollupDiff()).diff, []);
    await stopHub(again);
  });
});
