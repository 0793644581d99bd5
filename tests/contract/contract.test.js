'use strict';
// One contract, two implementations: every case of lib/cases.js is sent to each route
// (C++ and Node.js), the answer compared with what contract/README.md expects, the
// database compared before and after, and the two routes' answers compared with each
// other. Run by tests/suites/40-contract.sh, which starts the database and the routes.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { send } = require('./lib/http');
const { connectDb, COLUMNS } = require('./lib/db');
const { allCases, compactForm, BASE, FULL, schema, status } = require('./lib/cases');
const { targets, pathFor } = require('./lib/targets');

const TOKEN = process.env.VMPULSE_TOKEN;
const TARGETS = targets();
let db;

before(async () => {
  assert.ok(TOKEN, 'VMPULSE_TOKEN must be set');
  db = await connectDb();
});
after(() => db?.close());

/** Sends one case to one route; fails at once, saying why, when the route is not running. */
function request(target, c) {
  if (target.problem) assert.fail(`the ${target.name} route is not running: ${target.problem}`);
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(c.headers || {})) {
    if (value === null) delete headers[name];
    else headers[name] = typeof value === 'function' ? value(TOKEN) : value;
  }
  let body = c.body;
  if (body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)) body = JSON.stringify(body);
  return send(target.url, { method: c.method || 'POST', path: pathFor(target, c.path), headers, body });
}

/** What both routes must agree on: status and the contract's fields (detail may differ). */
function essence(answer) {
  const j = answer.json || {};
  return {
    status: answer.status,
    error: j.error,
    field: j.field,
    index: j.index,
    stored: j.stored,
    replayed: j.replayed,
  };
}

function assertError(answer, expect) {
  assert.equal(answer.status, expect.status, `status (answer: ${answer.text.slice(0, 300)})`);
  assert.match(answer.headers['content-type'] || '', /^application\/json/, 'errors are JSON');
  assert.ok(answer.json && typeof answer.json === 'object', `a JSON object (got ${answer.text.slice(0, 200)})`);
  assert.deepEqual(
    { error: answer.json.error, field: answer.json.field, index: answer.json.index },
    { error: expect.error, field: expect.field, index: expect.index },
    `error, field, index (detail: ${answer.json.detail})`,
  );
  assert.equal(typeof answer.json.detail, 'string', 'detail is a string');
  if (expect.allow) assert.match(answer.headers.allow || '', new RegExp(`\\b${expect.allow}\\b`), 'Allow header');
}

/** The rows after `lastId` are `records`, field by field, with `api` the route's. */
async function assertStored(lastId, records, api) {
  const rows = await db.rowsAfter(lastId);
  assert.equal(rows.length, records.length, 'rows stored');
  rows.forEach((row, i) => {
    for (const column of COLUMNS) {
      const sent = column === 'api' ? api : records[i][column];
      assertValue(row[column], sent, schema.properties[column], `row ${i} ${column}`);
    }
  });
}

/** A stored value against the one sent, as its schema property says it is stored. */
function assertValue(got, sent, property, where) {
  const what = `${where}: stored ${typeof got === 'string' ? got.slice(0, 200) : got}, sent ${JSON.stringify(sent)}`;
  if (sent === undefined)
    assert.equal(got, null, what); // an absent optional field is NULL
  else if (property.type === 'array') {
    // procesos_top: its stored text (db/migrations/009), an array of values per entry,
    // the entry's fields in schema order.
    assert.equal(typeof got, 'string', what);
    const list = JSON.parse(got);
    assert.equal(list.length, sent.length, what);
    const fields = Object.entries(property.items.properties);
    list.forEach((entry, k) => {
      assert.ok(Array.isArray(entry) && entry.length === fields.length, what);
      fields.forEach(([name, inner], i) => assertValue(entry[i], sent[k][name], inner, `${where}[${k}].${name}`));
    });
  } else if (property.type === 'object') {
    // etiquetas: the same bytes from both routes, pairs in the order sent.
    assert.equal(typeof got === 'string' ? got : JSON.stringify(got), JSON.stringify(sent), what);
  } else if (typeof sent === 'string') assert.equal(got, sent, what);
  else if (property.type === 'integer') assert.equal(BigInt(got), BigInt(sent), what);
  // DECIMAL(…,2) and procesos_top's numbers: two decimals kept, rounded either way.
  else assert.ok(Math.abs(Number(got) - sent) <= 0.005 + 1e-9, what);
}

async function assertCase(target, c) {
  const before = await db.snapshot();
  const answer = await request(target, c);
  const afterward = await db.snapshot();
  if (c.expect.status === 201) {
    assert.equal(answer.status, 201, `status (answer: ${answer.text.slice(0, 300)})`);
    assert.deepEqual(answer.json, { status: 'saved', stored: c.expect.records.length, api: target.name });
    assert.equal(afterward.rows - before.rows, c.expect.records.length, 'rows added');
    assert.equal(
      (afterward.perApi[target.name] ?? 0) - (before.perApi[target.name] ?? 0),
      c.expect.records.length,
      'metricas_por_api',
    );
    await assertStored(before.lastId, c.expect.records, target.name);
  } else {
    assertError(answer, c.expect);
    assert.deepEqual(afterward, before, 'nothing stored');
  }
  return answer;
}

describe('the contract, case by case', () => {
  for (const c of allCases()) {
    describe(c.name, () => {
      const answers = {};
      for (const target of TARGETS) {
        it(target.name, async () => {
          answers[target.name] = await assertCase(target, c);
        });
      }
      if (TARGETS.length > 1) {
        it('both routes answer alike', () => {
          for (const t of TARGETS) assert.ok(answers[t.name], `no answer from ${t.name}`);
          const [first, ...rest] = TARGETS.map((t) => essence(answers[t.name]));
          for (const other of rest) assert.deepEqual(other, first);
        });
      }
    });
  }
});

// x-vmpulse-compact: the cases above check each stored value against the objects sent;
// here the stored text itself, byte for byte, across the forms and across the routes.
describe('a compact list is stored byte for byte as its objects', () => {
  for (const [name, property] of Object.entries(schema.properties)) {
    if (property['x-vmpulse-compact'] !== true) continue;
    const numbers = Object.keys(property.items.properties).filter(
      (f) => property.items.properties[f].type === 'number',
    );
    // An exact binary tie in every number: both routes must round it alike (to even).
    const tie = { ...FULL[name][0], ...Object.fromEntries(numbers.map((f) => [f, 0.125])) };
    const objects = [...FULL[name], tie];
    const arrays = compactForm(objects, property);
    const forms = [objects, arrays, arrays.map((entry, i) => (i % 2 ? objects[i] : entry))];
    const texts = {};
    for (const target of TARGETS) {
      it(`${target.name}: ${name} as objects, as arrays and mixed`, async () => {
        const body = forms.map((list) => ({ ...FULL, [name]: list }));
        const before = await db.snapshot();
        const answer = await request(target, { body });
        assert.equal(answer.status, 201, answer.text.slice(0, 300));
        const stored = (await db.rowsAfter(before.lastId)).map((row) => row[name]);
        assert.equal(stored.length, forms.length, 'rows stored');
        assert.deepEqual(stored, Array(forms.length).fill(stored[0]), 'one text for the three forms');
        await assertStored(before.lastId, Array(forms.length).fill({ ...FULL, [name]: objects }), target.name);
        texts[target.name] = stored[0];
      });
    }
    if (TARGETS.length > 1) {
      it('both routes store the same text', () => {
        for (const t of TARGETS) assert.ok(texts[t.name], `no text from ${t.name}`);
        const [first, ...rest] = TARGETS.map((t) => texts[t.name]);
        for (const other of rest) assert.equal(other, first);
      });
    }
  }
});

const key = (target, what) => `contract-${target.name}-${what}-${crypto.randomUUID()}`;

describe('idempotency', () => {
  for (const target of TARGETS) {
    it(`${target.name}: the same key twice stores once and answers replayed`, async () => {
      const k = key(target, 'twice');
      const batch = [BASE, { ...BASE, vm: 'vm-two' }];
      const before = await db.snapshot();
      const first = await request(target, { body: batch, headers: { 'idempotency-key': k } });
      const second = await request(target, { body: batch, headers: { 'idempotency-key': k } });
      assert.deepEqual(first.json, { status: 'saved', stored: 2, api: target.name });
      assert.equal(second.status, 201);
      assert.deepEqual(second.json, { status: 'saved', stored: 2, api: target.name, replayed: true });
      const afterward = await db.snapshot();
      assert.equal(afterward.rows - before.rows, 2);
      assert.equal(afterward.perApi[target.name] - before.perApi[target.name], 2);
      assert.equal(await db.countKey(k), 1);
      await assertStored(before.lastId, batch, target.name);
    });

    it(`${target.name}: 12 concurrent requests with one key store once`, async () => {
      const k = key(target, 'concurrent');
      const before = await db.snapshot();
      const answers = await Promise.all(
        Array.from({ length: 12 }, () =>
          request(target, { body: [BASE, BASE, BASE], headers: { 'idempotency-key': k } }),
        ),
      );
      for (const a of answers) assert.equal(a.status, 201, a.text);
      assert.equal(answers.filter((a) => !a.json.replayed).length, 1, 'exactly one answer is the original');
      for (const a of answers) assert.equal(a.json.stored, 3);
      const afterward = await db.snapshot();
      assert.equal(afterward.rows - before.rows, 3);
      assert.equal(await db.countKey(k), 1);
    });

    // Concurrent requests share a group commit, whose keys are claimed in one statement
    // unless one of them exists: then one at a time. Stored keys mixed with new ones
    // exercise that second path (and, when the group is all new, the first).
    it(`${target.name}: concurrent replays and new keys: each new key stores once, each stored one replays`, async () => {
      const stored = Array.from({ length: 6 }, (_, i) => key(target, `mixed-old-${i}`));
      for (const k of stored) {
        const first = await request(target, { body: [BASE, BASE], headers: { 'idempotency-key': k } });
        assert.equal(first.status, 201, first.text);
      }
      const fresh = Array.from({ length: 6 }, (_, i) => key(target, `mixed-new-${i}`));
      const before = await db.snapshot();
      const answers = await Promise.all(
        [...stored, ...fresh, ...fresh].map((k) =>
          request(target, { body: [BASE, BASE], headers: { 'idempotency-key': k } }),
        ),
      );
      for (const a of answers) assert.equal(a.status, 201, a.text);
      for (const a of answers.slice(0, 6))
        assert.deepEqual(a.json, { status: 'saved', stored: 2, api: target.name, replayed: true });
      const originals = answers.slice(6).filter((a) => !a.json.replayed);
      assert.equal(originals.length, 6, 'each new key is stored by exactly one of its two requests');
      const afterward = await db.snapshot();
      assert.equal(afterward.rows - before.rows, 12, 'two rows per new key, none for a replay');
      for (const k of [...stored, ...fresh]) assert.equal(await db.countKey(k), 1);
    });

    it(`${target.name}: the same key with another body is 422 idempotency_key_reused and stores nothing`, async () => {
      const k = key(target, 'reused');
      const first = await request(target, { body: [BASE], headers: { 'idempotency-key': k } });
      assert.equal(first.status, 201, first.text);
      const before = await db.snapshot();
      for (const body of [[BASE, BASE], { ...BASE, vm: 'vm-other' }, JSON.stringify([BASE]) + ' ']) {
        const reused = await request(target, { body, headers: { 'idempotency-key': k } });
        assertError(reused, { status: status('idempotency_key_reused'), error: 'idempotency_key_reused' });
      }
      assert.deepEqual(await db.snapshot(), before, 'nothing stored');
      const again = await request(target, { body: [BASE], headers: { 'idempotency-key': k } });
      assert.equal(again.json.replayed, true, 'the first body still replays');
    });

    it(`${target.name}: keys compare byte for byte (case matters)`, async () => {
      const k = key(target, 'Case');
      const upper = await request(target, { body: BASE, headers: { 'idempotency-key': `${k}-A` } });
      const lower = await request(target, { body: BASE, headers: { 'idempotency-key': `${k}-a` } });
      assert.deepEqual([upper.status, lower.status], [201, 201]);
      assert.equal(lower.json.replayed, undefined, 'a key differing in case only is another key');
    });

    it(`${target.name}: a key on a failed request is not consumed`, async () => {
      const k = key(target, 'failed');
      const bad = await request(target, { body: { ...BASE, vm: '' }, headers: { 'idempotency-key': k } });
      assert.equal(bad.status, 400);
      assert.equal(await db.countKey(k), 0);
      const good = await request(target, { body: BASE, headers: { 'idempotency-key': k } });
      assert.deepEqual(good.json, { status: 'saved', stored: 1, api: target.name });
    });
  }

  if (TARGETS.length > 1) {
    it('a key stored by one route is replayed by the other, which stores nothing', async () => {
      const [a, b] = TARGETS;
      const k = `contract-cross-${crypto.randomUUID()}`;
      const first = await request(a, { body: BASE, headers: { 'idempotency-key': k } });
      assert.equal(first.status, 201);
      const before = await db.snapshot();
      const second = await request(b, { body: BASE, headers: { 'idempotency-key': k } });
      assert.equal(second.status, 201, second.text);
      assert.deepEqual(
        second.json,
        { status: 'saved', stored: 1, api: b.name, replayed: true },
        'the answering route names itself',
      );
      assert.deepEqual(await db.snapshot(), before);
    });

    it('a key stored by one route with another body is 422 on the other', async () => {
      const [a, b] = TARGETS;
      const k = `contract-cross-reused-${crypto.randomUUID()}`;
      assert.equal((await request(a, { body: BASE, headers: { 'idempotency-key': k } })).status, 201);
      const before = await db.snapshot();
      const reused = await request(b, { body: [BASE, BASE], headers: { 'idempotency-key': k } });
      assertError(reused, { status: status('idempotency_key_reused'), error: 'idempotency_key_reused' });
      assert.deepEqual(await db.snapshot(), before);
    });
  }
});

describe('after hostile input', () => {
  for (const target of TARGETS) {
    it(`${target.name}: SQL in vm is refused, the table survives and still stores`, async () => {
      const hostile = await request(target, { body: { ...BASE, vm: "x'); DROP TABLE metricas;--" } });
      assert.equal(hostile.status, 400);
      assert.ok(await db.tableExists('metricas'));
      await assertCase(target, { body: BASE, expect: { status: 201, records: [BASE] } });
    });
  }
});

describe('health', () => {
  for (const target of TARGETS) {
    it(`${target.name}: /livez and /readyz answer 200`, async () => {
      for (const path of ['/livez', '/readyz']) {
        const answer = await request(target, { method: 'GET', path });
        assert.equal(answer.status, 200, `${path}: ${answer.text}`);
      }
    });
  }
});

// Last: stops the database (CONTRACT_DB_STOP is the harness's command for that).
describe('database down', { skip: !process.env.CONTRACT_DB_STOP && 'CONTRACT_DB_STOP not set' }, () => {
  before(() => execFileSync('bash', ['-c', process.env.CONTRACT_DB_STOP], { stdio: 'inherit', timeout: 60_000 }));
  for (const target of TARGETS) {
    it(`${target.name}: a valid record answers 503 database_unavailable with Retry-After, fast`, async () => {
      const answer = await request(target, { body: BASE });
      assertError(answer, { status: status('database_unavailable'), error: 'database_unavailable' });
      assert.ok(
        Number(answer.headers['retry-after']) >= 0 && answer.headers['retry-after'] !== undefined,
        'Retry-After',
      );
      assert.ok(answer.ms < 5000, `answered in ${Math.round(answer.ms)} ms`);
    });
    it(`${target.name}: an invalid record still answers 400 (validation comes first)`, async () => {
      const answer = await request(target, { body: { ...BASE, vm: '' } });
      assertError(answer, { status: 400, error: 'invalid_record', field: 'vm' });
    });
    it(`${target.name}: /readyz turns 503 within 10 s, /livez stays 200`, async () => {
      // A route may judge readiness from its last round trip (a probe runs every few
      // seconds anyway); it must notice, not answer at once.
      const deadline = Date.now() + 10_000;
      let ready;
      do {
        ready = await request(target, { method: 'GET', path: '/readyz' });
        if (ready.status !== 503) await new Promise((r) => setTimeout(r, 200));
      } while (ready.status !== 503 && Date.now() < deadline);
      assert.equal(ready.status, 503, '/readyz with the database down');
      const alive = await request(target, { method: 'GET', path: '/livez' });
      assert.equal(alive.status, 200);
      // Every vmpulse server answers the same /livez body (core's Response::alive()).
      assert.deepEqual(alive.json, { status: 'ok' });
    });
  }
});

// After "database down": the database returns on the same address; the routes must
// recover on their own (no restart) and store again.
describe('database back', { skip: !process.env.CONTRACT_DB_START && 'CONTRACT_DB_START not set' }, () => {
  before(async () => {
    execFileSync('bash', ['-c', process.env.CONTRACT_DB_START], { stdio: 'inherit', timeout: 90_000 });
    db.close();
    db = await connectDb();
  });
  for (const target of TARGETS) {
    it(`${target.name}: /readyz returns to 200 and a record is stored again`, async () => {
      if (target.problem) assert.fail(`the ${target.name} route is not running: ${target.problem}`);
      const deadline = Date.now() + 20_000;
      let ready;
      do {
        ready = await request(target, { method: 'GET', path: '/readyz' });
        if (ready.status !== 200) await new Promise((r) => setTimeout(r, 200));
      } while (ready.status !== 200 && Date.now() < deadline);
      assert.equal(ready.status, 200, 'ready within 20 s of the database coming back');
      await assertCase(target, { body: BASE, expect: { status: 201, records: [BASE] } });
    });
  }
});
