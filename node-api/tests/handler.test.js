'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { createHandler } = require('../src/handler');
const { loadContract } = require('../src/contract');
const { DatabaseUnavailable } = require('../src/store');
const { createTokenSet } = require('../src/token-file');

const contract = loadContract();
const RECORD = {
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

/** A store that keeps records in memory, or fails like an unreachable database. */
function fakeStore({ down = false } = {}) {
  const rows = [];
  const keys = new Map();
  return {
    rows,
    async insert(records, key, bodySha256) {
      if (down) throw new DatabaseUnavailable('connect ECONNREFUSED');
      if (key !== undefined && keys.has(key)) {
        const { sha, ...kept } = keys.get(key);
        return sha === bodySha256 ? { ...kept, replayed: true } : { stored: 0, api: 'nodejs', keyReused: true };
      }
      rows.push(...records);
      if (key !== undefined) keys.set(key, { stored: records.length, api: 'nodejs', sha: bodySha256 });
      return { stored: records.length, api: 'nodejs', replayed: false };
    },
    async ping() {
      return !down;
    },
  };
}

function setup(options) {
  const store = fakeStore(options);
  const handle = createHandler({
    contract,
    api: 'nodejs',
    tokens: createTokenSet(['older-token-0123', 's3cret']),
    store,
  });
  const post = (body, headers = {}, path = '/api/metrics') =>
    handle({
      method: 'POST',
      path,
      headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json', ...headers },
      body: Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    }).then((answer) => ({ ...answer, json: JSON.parse(answer.body) }));
  return { store, handle, post };
}

test('stores one record and a batch on each of the three paths', async () => {
  const { store, post } = setup();
  for (const path of ['/api/metrics', '/api/nodejs/metrics', '/metrics']) {
    const answer = await post(RECORD, {}, path);
    assert.equal(answer.status, 201, path);
    assert.deepEqual(answer.json, { status: 'saved', stored: 1, api: 'nodejs' });
  }
  const batch = await post([RECORD, RECORD]);
  assert.deepEqual(batch.json, { status: 'saved', stored: 2, api: 'nodejs' });
  assert.equal(store.rows.length, 5);
});

test('route 1 path, unknown paths and wrong methods', async () => {
  const { handle, post } = setup();
  assert.equal((await post(RECORD, {}, '/api/cpp/metrics')).status, 404);
  assert.equal((await post(RECORD, {}, '/nope')).json.error, 'not_found');
  const wrong = await handle({ method: 'GET', path: '/api/metrics', headers: {}, body: Buffer.alloc(0) });
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.allow, 'POST');
});

test('authorization: missing, wrong scheme, wrong token', async () => {
  const { store, post } = setup();
  for (const authorization of [undefined, 'Basic s3cret', 'Bearer s3cre', 'Bearer s3cretX', 'Bearer', 's3cret']) {
    const answer = await post(RECORD, { authorization });
    assert.equal(answer.status, 401, String(authorization));
    assert.equal(answer.json.error, 'unauthorized');
  }
  assert.equal(store.rows.length, 0);
});

test('every token of the set is accepted', async () => {
  const { post } = setup();
  assert.equal((await post(RECORD, { authorization: 'bearer   older-token-0123 ' })).status, 201);
});

test('beforeBody answers from the headers alone, in the contract order', () => {
  const { handle } = setup();
  const before = (method, path, headers = {}) => handle.beforeBody({ method, path, headers });
  const ok = { authorization: 'Bearer s3cret' };
  assert.equal(before('POST', '/nope').status, 404);
  assert.equal(before('PUT', '/metrics').status, 405);
  assert.equal(before('POST', '/metrics', { 'content-length': '99999999' }).status, 401);
  assert.equal(
    before('POST', '/metrics', { ...ok, 'content-length': String(contract.limits.maxBodyBytes + 1) }).status,
    413,
  );
  assert.equal(before('POST', '/metrics', { ...ok, 'content-length': String(contract.limits.maxBodyBytes) }), null);
  assert.equal(before('POST', '/api/nodejs/metrics?x=1', ok), null);
  assert.equal(before('GET', '/livez'), null);
});

test('the same Idempotency-Key with another body is 422 and stores nothing', async () => {
  const { store, post } = setup();
  assert.equal((await post([RECORD], { 'idempotency-key': 'k-2' })).status, 201);
  const reused = await post([RECORD, RECORD], { 'idempotency-key': 'k-2' });
  assert.equal(reused.status, 422);
  assert.equal(reused.json.error, 'idempotency_key_reused');
  assert.equal(store.rows.length, 1);
});

test('the checks answer in the contract order', async () => {
  const { post } = setup();
  const big = Buffer.alloc(contract.limits.maxBodyBytes + 1, 0x20);
  assert.equal((await post(big, { authorization: 'Bearer no' })).status, 401, 'auth before size');
  assert.equal((await post(big, { 'content-type': 'text/plain' })).status, 413, 'size before media type');
  assert.equal((await post('{', { 'content-type': 'text/plain' })).status, 415, 'media type before JSON');
  assert.equal(
    (await post('{', { 'idempotency-key': 'bad key' })).json.error,
    'invalid_idempotency_key',
    'key before JSON',
  );
  assert.equal((await post('{')).json.error, 'invalid_json');
});

test('media types: parameters are allowed, others refused', async () => {
  const { post } = setup();
  assert.equal((await post(RECORD, { 'content-type': 'application/json; charset=utf-8' })).status, 201);
  assert.equal((await post(RECORD, { 'content-type': 'Application/JSON' })).status, 201);
  for (const type of [undefined, 'text/plain', 'application/jsonx', 'application/x-www-form-urlencoded']) {
    assert.equal((await post(RECORD, { 'content-type': type })).status, 415, String(type));
  }
});

test('errors carry field and index as the contract says', async () => {
  const { store, post } = setup();
  const answer = await post([RECORD, { ...RECORD, uso_ram: 9000 }, RECORD]);
  assert.equal(answer.status, 400);
  assert.deepEqual(
    { ...answer.json, detail: undefined },
    { error: 'invalid_record', field: 'uso_ram', index: 1, detail: undefined },
  );
  assert.deepEqual(Object.keys((await post({ ...RECORD, vm: '' })).json), ['error', 'field', 'detail']);
  assert.deepEqual((await post([])).json.error, 'invalid_record');
  assert.deepEqual((await post([RECORD, 5])).json.index, 1);
  assert.deepEqual((await post(new Array(1001).fill(RECORD))).json.error, 'batch_too_large');
  assert.equal(store.rows.length, 0);
});

test('a replayed Idempotency-Key answers the same 201 with replayed', async () => {
  const { store, post } = setup();
  const first = await post([RECORD, RECORD], { 'idempotency-key': 'k-1' });
  const second = await post([RECORD, RECORD], { 'idempotency-key': 'k-1' });
  assert.deepEqual(first.json, { status: 'saved', stored: 2, api: 'nodejs' });
  assert.deepEqual(second.json, { status: 'saved', stored: 2, api: 'nodejs', replayed: true });
  assert.equal(store.rows.length, 2);
});

test('database down: 503 with Retry-After, readyz says so, livez does not', async () => {
  const { handle, post } = setup({ down: true });
  const answer = await post(RECORD);
  assert.equal(answer.status, 503);
  assert.equal(answer.json.error, 'database_unavailable');
  assert.ok(Number(answer.headers['retry-after']) > 0);
  assert.equal((await handle({ method: 'GET', path: '/readyz', headers: {} })).status, 503);
  assert.equal((await handle({ method: 'GET', path: '/livez', headers: {} })).status, 200);
});
