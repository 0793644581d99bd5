// Record version 2 through the hub (issue 13), with a private MariaDB: live records and
// snapshots carry the new fields and procesos_top as the contract's objects (rebuilt from
// the routes' compact stored form, or a row stored before migration 009 as it is),
// /api/vms the newest row's load and disk, /api/history the new series from raw rows and
// from the per-minute rollup, and GET /api/processes. Run by tests/suites/50-hub.sh after
// hub.test.mjs.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, env, getJson, insertRecords, pool, sleep, utcNow, v1Record, viewerHeaders } from './lib.mjs';

const MAIN = env('HUB_MAIN');
const STRICT = env('HUB_STRICT');
const db = pool();
const open = [];

after(async () => {
  for (const client of open) client.close();
  await db.end();
});

const hora = (seconds) => new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');

const TOP = [
  { pid: 4242, nombre: 'postgres: writer', estado: 'S', porcentaje_cpu: 12.5, ram_mib: 512.25 },
  { pid: 1, nombre: 'systemd', estado: 'S', porcentaje_cpu: 0.1, ram_mib: 11.75 },
];

// Every version 2 field, with values derived from `i`.
function v2Record(vm, i, { hora: at = utcNow(), top } = {}) {
  const record = {
    ...v1Record(vm, { cpu: (i * 7) % 100, hora: at }),
    carga_1: ((i * 37) % 1000) / 100,
    carga_5: ((i * 31) % 1000) / 100,
    carga_15: ((i * 29) % 1000) / 100,
    porcentaje_cpu_robado: ((i * 13) % 1000) / 100,
    porcentaje_cpu_espera: ((i * 17) % 1000) / 100,
    swap_total: i % 7 === 3 ? 0 : 2048, // no swap on some rows: no swap %
    swap_libre: i % 7 === 3 ? 0 : 2048 - ((i * 7) % 2048),
    disco_total: 51200,
    disco_libre: 51200 - ((i * 11) % 51200),
    disco_lectura_kib_s: ((i * 101) % 100000) / 100,
    disco_escritura_kib_s: ((i * 103) % 100000) / 100,
    red_rx_kib_s: ((i * 107) % 100000) / 100,
    red_tx_kib_s: ((i * 109) % 100000) / 100,
    tiempo_activo: 1000 + i,
  };
  if (top) record.procesos_top = top;
  return record;
}

const V2_FIELDS = Object.keys(v2Record('x', 1)).filter((k) => !(k in v1Record('x')));

describe('live records', () => {
  test('records carry the version 2 fields and procesos_top as the contract objects; version 1 rows lack them', async () => {
    // A client gets the records of the VM it watches: one client per VM.
    const clients = [];
    for (const vm of ['v2-live', 'v2-live-old']) {
      const client = await Client.open(MAIN, { path: `/ws?vm=${vm}` });
      open.push(client);
      await client.until((c) => c.ofType('snapshot').length > 0, 10000, 'a snapshot');
      clients.push(client);
    }
    const v2 = v2Record('v2-live', 5, { top: TOP });
    const [v2Id, v1Id] = await insertRecords(db, [v2, v1Record('v2-live-old')]);
    await clients[0].until((c) => c.recordIds().includes(v2Id), 10000, 'the version 2 row');
    await clients[1].until((c) => c.recordIds().includes(v1Id), 10000, 'the version 1 row');
    const records = clients.flatMap((client) => client.ofType('records').flatMap((m) => m.records));
    const got = records.find((r) => r.id === v2Id);
    for (const field of V2_FIELDS) assert.equal(got[field], v2[field], field);
    assert.deepEqual(got.procesos_top, TOP);
    // The schema's order: procesos_top after tiempo_activo, before hora and api.
    const keys = Object.keys(got);
    assert.deepEqual(keys.slice(-4), ['tiempo_activo', 'procesos_top', 'hora', 'api']);
    const old = records.find((r) => r.id === v1Id);
    for (const field of [...V2_FIELDS, 'procesos_top']) assert.ok(!(field in old), field);

    // A new dashboard's snapshot: the latest record as stored, procesos_top included;
    // the series for the charts, the same row without procesos_top.
    const fresh = await Client.open(MAIN, { path: '/ws?vm=v2-live' });
    open.push(fresh);
    await fresh.until((c) => c.ofType('snapshot').length > 0, 10000, 'a snapshot');
    const snapshot = fresh.ofType('snapshot')[0];
    assert.deepEqual(snapshot.latest['v2-live'].procesos_top, TOP);
    const charted = { ...got };
    delete charted.procesos_top;
    assert.deepEqual(snapshot.series.at(-1), charted);
  });
});

describe('/api/vms', () => {
  test('each VM gains carga_1, disco_total and disco_libre of its newest row, left out when NULL there', async () => {
    const now = Math.floor(Date.now() / 1000);
    const v2 = v2Record('v2-vms', 9, { hora: hora(now - 5) });
    await insertRecords(db, [v2, v1Record('v2-vms-v1', { hora: hora(now - 5) })]);
    await sleep(600);
    let { status, body } = await getJson(MAIN, '/api/vms');
    assert.equal(status, 200);
    let entry = body.vms.find((v) => v.vm === 'v2-vms');
    assert.equal(entry.carga_1, v2.carga_1);
    assert.equal(entry.disco_total, v2.disco_total);
    assert.equal(entry.disco_libre, v2.disco_libre);
    assert.deepEqual(Object.keys(body.vms.find((v) => v.vm === 'v2-vms-v1')), [
      'vm',
      'last',
      'rows',
      'porcentaje_cpu_uso',
      'porcentaje_ram',
      'etiquetas',
    ]);
    // A newer version 1 row of the same VM: its NULLs, not the older row's values.
    await insertRecords(db, [v1Record('v2-vms', { hora: hora(now - 1) })]);
    await sleep(600);
    ({ body } = await getJson(MAIN, '/api/vms'));
    entry = body.vms.find((v) => v.vm === 'v2-vms');
    assert.equal(entry.rows, 2);
    assert.deepEqual(Object.keys(entry), ['vm', 'last', 'rows', 'porcentaje_cpu_uso', 'porcentaje_ram', 'etiquetas']);
  });
});

// The series /api/history serves and how each is computed from one record here.
const round2 = (x) => Math.round(x * 100) / 100;
const SERIES = {
  carga: (r) => r.carga_1,
  cpu_robado: (r) => r.porcentaje_cpu_robado,
  cpu_espera: (r) => r.porcentaje_cpu_espera,
  swap: (r) => (r.swap_total ? round2(((r.swap_total - r.swap_libre) * 100) / r.swap_total) : undefined),
  disco: (r) => (r.disco_total ? round2(((r.disco_total - r.disco_libre) * 100) / r.disco_total) : undefined),
  disco_lectura: (r) => r.disco_lectura_kib_s,
  disco_escritura: (r) => r.disco_escritura_kib_s,
  red_rx: (r) => r.red_rx_kib_s,
  red_tx: (r) => r.red_tx_kib_s,
};

async function rolledUp(ms = 30000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const [[state]] = await db.query(
      'SELECT ultimo_id AS done, (SELECT MAX(id) FROM metricas) AS newest FROM metricas_minuto_estado WHERE id = 1',
    );
    if (Number(state.done) >= Number(state.newest)) return;
    if (Date.now() > deadline) throw new Error(`the rollup stayed at id ${state.done}, newest ${state.newest}`);
    await sleep(200);
  }
}

async function history(query) {
  const response = await fetch(`${MAIN}/api/history?${query}`, { headers: viewerHeaders() });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return { text, body: JSON.parse(text), source: response.headers.get('x-history-source') };
}

describe('/api/history', () => {
  // One hour of v2-hist at one row per 10 s: every fifth row and the last five minutes
  // version 1 (NULLs), so averages must count only the rows that have a value.
  const T0 = Date.UTC(2026, 2, 1, 0, 0, 0) / 1000;
  const records = Array.from({ length: 360 }, (_, i) =>
    i % 5 === 4 || i >= 330
      ? v1Record('v2-hist', { hora: hora(T0 + i * 10), cpu: i % 100 })
      : v2Record('v2-hist', i, { hora: hora(T0 + i * 10) }),
  );

  test('the new series per bucket, over the rows that have them, from raw rows and from the rollup alike', async () => {
    await insertRecords(db, records);
    await rolledUp();
    const query = `vm=v2-hist&from=${T0}&to=${T0 + 3599}&points=12`;
    const raw = await history(`${query}&source=raw`);
    const rollup = await history(`${query}&source=rollup`);
    assert.equal(raw.source, 'raw');
    assert.equal(rollup.source, 'rollup');
    assert.equal(rollup.text, raw.text, 'the rollup answers digit for digit as raw rows');
    assert.equal(raw.body.points.length, 12);
    raw.body.points.forEach((point, b) => {
      const rows = records.slice(b * 30, b * 30 + 30);
      assert.equal(point.n, 30);
      for (const [name, value] of Object.entries(SERIES)) {
        const values = rows.map(value).filter((v) => v !== undefined && v !== null);
        if (values.length === 0) {
          assert.ok(!(name in point), `${name} at bucket ${b}: no row has it`);
          continue;
        }
        const avg = values.reduce((a, v) => a + v, 0) / values.length;
        assert.ok(Math.abs(point[name].avg - avg) <= 0.0051, `${name}.avg at ${b}: ${point[name].avg} vs ${avg}`);
        assert.ok(Math.abs(point[name].max - Math.max(...values)) <= 0.0051, `${name}.max at ${b}`);
      }
    });
    assert.ok(!('carga' in raw.body.points[11]), 'the last five minutes are version 1 rows');
    assert.ok('swap' in raw.body.points[0] && 'red_tx' in raw.body.points[0]);
  });

  test('the database AVG of each series equals what the rollup serves', async () => {
    const [[want]] = await db.query(
      `SELECT ROUND(AVG(carga_1), 2) AS carga, ROUND(AVG(red_rx_kib_s), 2) AS red_rx,
         ROUND(AVG(ROUND((swap_total - swap_libre) * 100 / NULLIF(swap_total, 0), 2)), 2) AS swap
       FROM metricas WHERE vm = 'v2-hist' AND hora BETWEEN ? AND ?`,
      [hora(T0), hora(T0 + 3599)],
    );
    const { body, source } = await history(`vm=v2-hist&from=${T0}&to=${T0 + 3599}&points=1&source=rollup`);
    assert.equal(source, 'rollup');
    assert.equal(body.points[0].carga.avg, Number(want.carga));
    assert.equal(body.points[0].red_rx.avg, Number(want.red_rx));
    assert.equal(body.points[0].swap.avg, Number(want.swap));
  });

  test('a span with unrolled rows and edges (not whole minutes) still agrees with raw rows', async () => {
    // Rows added after the rollup caught up, in minutes it already holds.
    await insertRecords(db, [v2Record('v2-hist', 1000, { hora: hora(T0 + 125) })]);
    const query = `vm=v2-hist&from=${T0 + 31}&to=${T0 + 1829}&points=5`;
    const raw = await history(`${query}&source=raw`);
    const rollup = await history(`${query}&source=rollup`);
    assert.equal(rollup.text, raw.text);
  });
});

describe('/api/processes', () => {
  const T = Date.UTC(2026, 2, 2, 0, 0, 0) / 1000;
  const OTHER = [{ pid: 77, nombre: 'nginx', estado: 'R', porcentaje_cpu: 40, ram_mib: 64 }];
  const ask = (query, init) => getJson(MAIN, `/api/processes?${query}`, init);

  test('the newest stored list at or before `at`, within five minutes', async () => {
    await insertRecords(db, [
      v2Record('v2-proc', 1, { hora: hora(T), top: OTHER }),
      v2Record('v2-proc', 2, { hora: hora(T + 60), top: TOP }),
      v2Record('v2-proc', 3, { hora: hora(T + 120) }), // newer, without a list
      v1Record('v2-proc', { hora: hora(T + 130) }),
    ]);
    let answer = await ask(`vm=v2-proc&at=${encodeURIComponent(hora(T + 130))}`);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { vm: 'v2-proc', hora: hora(T + 60), procesos_top: TOP });
    answer = await ask(`vm=v2-proc&at=${T + 59}`);
    assert.deepEqual(answer.body, { vm: 'v2-proc', hora: hora(T), procesos_top: OTHER });
    answer = await ask(`vm=v2-proc&at=${T + 60}`); // hora <= at
    assert.equal(answer.body.hora, hora(T + 60));
    answer = await ask(`vm=v2-proc&at=${T + 60 + 300}`); // exactly five minutes after
    assert.equal(answer.body.hora, hora(T + 60));
  });

  // As the JSON column held it before db/migrations/009 (MySQL 8's form: spaces, keys
  // by length): sent as it is, key order included; the routes' compact form is converted.
  const OLD_TEXT = '[{"pid": 77, "estado": "R", "nombre": "nginx (old)", "ram_mib": 64.0, "porcentaje_cpu": 40}]';

  test('a list stored before migration 009, as objects, is served as it is', async () => {
    const oldKeys = ['pid', 'estado', 'nombre', 'ram_mib', 'porcentaje_cpu'];
    const client = await Client.open(MAIN, { path: '/ws?vm=v2-proc-old' });
    open.push(client);
    await client.until((c) => c.ofType('snapshot').length > 0, 10000, 'a snapshot');
    const [id] = await insertRecords(db, [v2Record('v2-proc-old', 6, { hora: hora(T), top: OLD_TEXT })]);
    await client.until((c) => c.recordIds().includes(id), 10000, 'the row');
    const live = client
      .ofType('records')
      .flatMap((m) => m.records)
      .find((r) => r.id === id);
    assert.deepEqual(live.procesos_top, JSON.parse(OLD_TEXT));
    assert.deepEqual(Object.keys(live.procesos_top[0]), oldKeys);
    const answer = await ask(`vm=v2-proc-old&at=${T}`);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.procesos_top, JSON.parse(OLD_TEXT));
    assert.deepEqual(Object.keys(answer.body.procesos_top[0]), oldKeys);
  });

  test('a stored list that is neither form is a 500 saying what is wrong', async () => {
    await insertRecords(db, [v2Record('v2-proc-bad', 7, { hora: hora(T), top: '[[77,"nginx","R",40.00]]' })]);
    const answer = await ask(`vm=v2-proc-bad&at=${T}`);
    assert.equal(answer.status, 500);
    assert.equal(answer.body.error, 'internal_error');
    assert.match(answer.body.detail, /procesos_top is malformed: entry 0: fewer than 5 values/);
  });

  test('omitted `at` is now', async () => {
    await insertRecords(db, [v2Record('v2-proc-now', 4, { top: OTHER })]);
    const answer = await ask('vm=v2-proc-now');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.procesos_top, OTHER);
  });

  const misses = [
    ['vm=v2-proc&at=' + (T + 60 + 301), 'more than five minutes after the last list'],
    ['vm=v2-proc&at=' + (T - 1), 'before the first row'],
    ['vm=v2-nobody&at=' + T, 'an unknown VM'],
    ['vm=v2-live-old', 'a VM of version 1 rows only'],
  ];
  for (const [query, why] of misses) {
    test(`404 not_found: ${why}`, async () => {
      const answer = await ask(query);
      assert.equal(answer.status, 404);
      assert.equal(answer.body.error, 'not_found');
      assert.ok(answer.body.detail.length > 0);
    });
  }

  const bad = [
    ['', 'missing_parameter'],
    ['vm=', 'missing_parameter'],
    ['vm=a%27b', 'invalid_parameter'],
    ['vm=v2-proc&at=yesterday', 'invalid_parameter'],
    ['vm=v2-proc&at=2026-02-30%2000:00:00', 'invalid_parameter'],
  ];
  for (const [query, code] of bad) {
    test(`400 ${code}: ?${query}`, async () => {
      const answer = await ask(query);
      assert.equal(answer.status, 400);
      assert.equal(answer.body.error, code);
      assert.ok(answer.body.detail.length > 0);
    });
  }

  test('the viewer credential and CORS of /api/history', async () => {
    const query = `vm=v2-proc&at=${T + 130}`;
    assert.equal((await ask(query, { auth: false })).status, 401);
    const allowed = await getJson(STRICT, `/api/processes?${query}`, {
      headers: { Origin: 'https://dash.example' },
    });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://dash.example');
    const other = await getJson(STRICT, `/api/processes?${query}`, { headers: { Origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const post = await getJson(MAIN, `/api/processes?${query}`, { method: 'POST', body: '{}' });
    assert.equal(post.status, 405);
  });
});
