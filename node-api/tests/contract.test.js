'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadContract, isCalendarDateTime } = require('../src/contract');
const { parseStrictJson } = require('../src/strict-json');

const contract = loadContract();
const VALID = {
  vm: 'vm-1',
  total_ram: 8000,
  ram_libre: 3000,
  uso_ram: 5000,
  porcentaje_ram: 62.5,
  porcentaje_cpu_uso: 30.25,
  porcentaje_cpu_libre: 69.75,
  procesos_corriendo: 2,
  procesos_durmiendo: 100,
  procesos_zombie: 0,
  procesos_parados: 1,
  total_procesos: 103,
  hora: '2025-03-01 12:34:56',
};
const check = (record) =>
  contract.checkRecord(
    parseStrictJson(typeof record === 'string' ? record : JSON.stringify(record), contract.limits.maxDepth),
  );
const fieldOf = (record) => check(record)?.field;

test('limits come from the schema', () => {
  assert.deepEqual(contract.limits, { maxBatch: 1000, maxBodyBytes: 1048576, maxDepth: 4, busyRetryAfterSeconds: 1 });
  assert.equal(contract.status('payload_too_large'), 413);
});

test('ingest paths: the route own path from the schema, then the shared ones', () => {
  assert.deepEqual(contract.ingestPaths('nodejs'), ['/api/nodejs/metrics', '/api/metrics', '/metrics']);
  assert.deepEqual(contract.ingestPaths('cpp'), ['/api/cpp/metrics', '/api/metrics', '/metrics']);
  assert.deepEqual(contract.ingestPaths('python'), []);
});

test('route labels of the request counts: ingest for the route own path, then the schema ones', () => {
  assert.deepEqual(contract.routeLabels('nodejs'), [
    { name: 'ingest', path: '/api/nodejs/metrics' },
    { name: 'ingest_split', path: '/api/metrics' },
    { name: 'metrics', path: '/metrics' },
    { name: 'livez', path: '/livez' },
    { name: 'readyz', path: '/readyz' },
  ]);
  assert.deepEqual(contract.routeLabels('python'), []);
});

test('a valid record passes, with or without api', () => {
  assert.equal(check(VALID), null);
  assert.equal(check({ ...VALID, api: 'whatever' }), null);
});

test('unknown fields come first, in document order', () => {
  assert.equal(fieldOf({ zz: 1, ...VALID, aa: 2, total_ram: 'x' }), 'zz');
});

test('missing required fields come in required order', () => {
  const { total_ram, hora: _hora, ...rest } = VALID;
  assert.equal(fieldOf({ ...rest, vm: 5 }), 'total_ram');
  assert.equal(fieldOf({ ...rest, total_ram }), 'hora');
});

test('properties are checked in schema order', () => {
  assert.equal(fieldOf({ ...VALID, hora: 'x', vm: '' }), 'vm');
  assert.equal(fieldOf({ ...VALID, total_procesos: -1, porcentaje_ram: 101 }), 'porcentaje_ram');
});

test('integer means no fractional part: 8000.0 and 8e3 are integers, 8000.5 is not', () => {
  assert.equal(check(JSON.stringify(VALID).replace('"total_ram":8000', '"total_ram":8000.0')), null);
  assert.equal(check(JSON.stringify(VALID).replace('"total_ram":8000', '"total_ram":8e3')), null);
  assert.equal(check(JSON.stringify(VALID).replace('"total_ram":8000', '"total_ram":8000.5')).field, 'total_ram');
  assert.equal(check(JSON.stringify(VALID).replace('"total_ram":8000', '"total_ram":1e400')).field, 'total_ram');
  assert.equal(
    check(JSON.stringify(VALID).replace('"porcentaje_ram":62.5', '"porcentaje_ram":-1e400')).field,
    'porcentaje_ram',
  );
});

test('ranges, lengths and the vm pattern', () => {
  assert.equal(fieldOf({ ...VALID, vm: 'a'.repeat(65) }), 'vm');
  assert.equal(check({ ...VALID, vm: 'a'.repeat(64) }), null);
  assert.equal(fieldOf({ ...VALID, vm: "x'); DROP TABLE metricas;--" }), 'vm');
  assert.equal(fieldOf({ ...VALID, vm: 'vmé' }), 'vm');
  assert.equal(fieldOf({ ...VALID, total_ram: 2 ** 53 }), 'total_ram');
  assert.equal(fieldOf({ ...VALID, total_procesos: 2 ** 31 }), 'total_procesos');
});

test('api of any value is accepted (the route stamps its own)', () => {
  for (const api of ['x'.repeat(100), null, 1, true, [], { a: [1, { b: 2 }] }]) {
    assert.equal(check({ ...VALID, api }), null, JSON.stringify(api));
  }
});

test('cross-field rules, in the order listed', () => {
  assert.equal(fieldOf({ ...VALID, ram_libre: 9000, procesos_zombie: 1000 }), 'ram_libre');
  assert.equal(fieldOf({ ...VALID, procesos_parados: 104 }), 'procesos_parados');
  assert.equal(fieldOf({ ...VALID, porcentaje_cpu_libre: 71 }), 'porcentaje_cpu_libre');
  assert.equal(check({ ...VALID, porcentaje_cpu_libre: 70.75 }), null, 'within the tolerance');
  assert.equal(fieldOf({ ...VALID, hora: '2025-02-29 00:00:00' }), 'hora');
});

test('calendar date and time', () => {
  for (const ok of ['2024-02-29 23:59:59', '1970-01-01 00:00:00', '9999-12-31 23:59:59'])
    assert.ok(isCalendarDateTime(ok), ok);
  for (const bad of [
    '2023-02-29 00:00:00',
    '2024-04-31 00:00:00',
    '2024-00-10 00:00:00',
    '2024-13-01 00:00:00',
    '2024-01-00 00:00:00',
    '2024-01-01 24:00:00',
    '2024-01-01 00:60:00',
    '2024-01-01 00:00:60',
    '1969-12-31 23:59:59',
    '2100-02-29 00:00:00',
  ]) {
    assert.ok(!isCalendarDateTime(bad), bad);
  }
});

test('an unknown kind of cross-field rule is refused at start', () => {
  const { Contract } = require('../src/contract');
  const schema = structuredClone(contract.schema);
  schema['x-vmpulse-rules'].brand_new = [];
  assert.throws(() => new Contract(schema), /brand_new/);
});

// Version 2 (issue 13).
const ENTRY = { pid: 42, nombre: 'bash', estado: 'S', porcentaje_cpu: 1.5, ram_mib: 3.25 };
const V2 = {
  ...VALID,
  carga_1: 0.5,
  carga_5: 1.25,
  carga_15: 2,
  porcentaje_cpu_robado: 0.5,
  porcentaje_cpu_espera: 3.75,
  swap_total: 2048,
  swap_libre: 1024,
  disco_total: 100000,
  disco_libre: 40000,
  disco_lectura_kib_s: 12.5,
  disco_escritura_kib_s: 300,
  red_rx_kib_s: 4.25,
  red_tx_kib_s: 1,
  tiempo_activo: 86400,
  procesos_top: [{ ...ENTRY, pid: 1234, nombre: 'stress-ng (cpu)', estado: 'R' }, ENTRY],
};
const withEntry = (changes) => ({ ...VALID, procesos_top: [ENTRY, { ...ENTRY, ...changes }] });

test('version 1 records stay valid; a full version 2 record is valid', () => {
  assert.equal(check(VALID), null);
  assert.equal(check(V2), null);
  assert.equal(check({ ...VALID, procesos_top: [] }), null);
  assert.equal(check({ ...VALID, procesos_top: Array(50).fill(ENTRY) }), null);
  assert.equal(check(withEntry({ nombre: '~'.repeat(63) + ' ', pid: 4194304 })), null);
});

test('dependentRequired comes right after required, in its key order, naming the missing field', () => {
  assert.equal(fieldOf({ ...VALID, carga_1: 1 }), 'carga_5');
  assert.equal(fieldOf({ ...VALID, carga_5: 1 }), 'carga_1');
  assert.equal(fieldOf({ ...VALID, carga_1: 1, carga_5: 1 }), 'carga_15');
  assert.equal(fieldOf({ ...VALID, swap_libre: 1 }), 'swap_total');
  assert.equal(fieldOf({ ...VALID, disco_total: 1 }), 'disco_libre');
  assert.equal(fieldOf({ ...VALID, porcentaje_cpu_robado: 1 }), 'porcentaje_cpu_espera');
  assert.equal(fieldOf({ ...VALID, red_tx_kib_s: 1 }), 'red_rx_kib_s');
  assert.equal(fieldOf({ ...VALID, disco_escritura_kib_s: 1 }), 'disco_lectura_kib_s');
  assert.equal(fieldOf({ ...VALID, swap_total: 1, carga_15: 1 }), 'carga_1', 'key order, not document order');
  assert.equal(fieldOf({ ...VALID, swap_total: null }), 'swap_libre', 'null is present');
  const { hora: _hora, ...noHora } = VALID;
  assert.equal(fieldOf({ ...noHora, carga_1: 1 }), 'hora', 'required first');
  assert.equal(fieldOf({ ...VALID, vm: 5, swap_total: 1 }), 'swap_libre', 'before the properties');
});

test('version 2 ranges and the new not_greater pairs', () => {
  assert.equal(fieldOf({ ...V2, carga_1: '1' }), 'carga_1');
  assert.equal(fieldOf({ ...V2, carga_5: 1000001 }), 'carga_5');
  assert.equal(fieldOf({ ...V2, porcentaje_cpu_robado: 100.5 }), 'porcentaje_cpu_robado');
  assert.equal(fieldOf({ ...V2, porcentaje_cpu_espera: -0.5 }), 'porcentaje_cpu_espera');
  assert.equal(fieldOf({ ...V2, swap_total: 1.5 }), 'swap_total');
  assert.equal(fieldOf({ ...V2, swap_libre: 2049 }), 'swap_libre');
  assert.equal(fieldOf({ ...V2, disco_libre: 100001 }), 'disco_libre');
  assert.equal(fieldOf({ ...V2, red_rx_kib_s: 1e13 }), 'red_rx_kib_s');
  assert.equal(fieldOf({ ...V2, tiempo_activo: -1 }), 'tiempo_activo');
  assert.equal(fieldOf({ ...V2, tiempo_activo: null }), 'tiempo_activo');
  assert.equal(check({ ...VALID, swap_total: 0, swap_libre: 0 }), null);
});

test('procesos_top: every bad list or entry names the list, the detail the entry and field', () => {
  const bad = [
    { procesos_top: {} },
    { procesos_top: null },
    { procesos_top: Array(51).fill(ENTRY) },
    { procesos_top: [ENTRY, 5] },
    { procesos_top: [[]] },
    withEntry({ uid: 0 }),
    { procesos_top: [{ nombre: 'a', estado: 'R', porcentaje_cpu: 1, ram_mib: 1 }] },
    withEntry({ pid: 0 }),
    withEntry({ pid: 4194305 }),
    withEntry({ pid: 1.5 }),
    withEntry({ nombre: '' }),
    withEntry({ nombre: 'n'.repeat(65) }),
    withEntry({ nombre: 'a\u0001b' }),
    withEntry({ nombre: 'a\u007f' }),
    withEntry({ nombre: 'café' }),
    withEntry({ estado: 'RS' }),
    withEntry({ estado: '1' }),
    withEntry({ porcentaje_cpu: 100.01 }),
    withEntry({ ram_mib: -1 }),
    withEntry({ ram_mib: '1' }),
    withEntry({ pid: {} }),
  ];
  for (const changes of bad) {
    const failure = check({ ...VALID, ...changes });
    assert.equal(failure?.field, 'procesos_top', JSON.stringify(changes));
  }
  const entry = check(withEntry({ nombre: 'a\u0001' }));
  assert.match(entry.detail, /entry 1/);
  assert.match(entry.detail, /"nombre"/);
  assert.match(check({ ...VALID, procesos_top: Array(60).fill(ENTRY) }).detail, /50/);
  const body = JSON.stringify({ ...VALID, procesos_top: [ENTRY] }).replace('{"pid":42', '{"uid":0,"5":1,"pid":42');
  assert.match(check(body).detail, /"uid"/, 'first unknown in document order');
});

// x-vmpulse-compact: an entry may be the array of its values, in items.properties order.
const FIELDS = Object.keys(contract.schema.properties.procesos_top.items.properties);
const compact = (entry) => FIELDS.map((field) => entry[field]);
const withCompact = (changes) => ({ ...VALID, procesos_top: [ENTRY, compact({ ...ENTRY, ...changes })] });
const detailOf = (record) => check(record)?.detail;

test('procesos_top compact: arrays of values in properties order, alone or mixed with objects', () => {
  assert.deepEqual(FIELDS, ['pid', 'nombre', 'estado', 'porcentaje_cpu', 'ram_mib']);
  assert.equal(check({ ...VALID, procesos_top: [compact(ENTRY), [1, 'systemd', 'R', 0, 12]] }), null);
  assert.equal(check({ ...VALID, procesos_top: [ENTRY, compact(ENTRY), { ...ENTRY, pid: 7 }] }), null);
  assert.equal(check({ ...VALID, procesos_top: Array(50).fill(compact(ENTRY)) }), null);
  assert.equal(check(withCompact({ nombre: '~'.repeat(63) + ' ', pid: 4194304, porcentaje_cpu: 100 })), null);
});

test('procesos_top compact: an array entry of the wrong length names every field, in order', () => {
  const names = 'pid, nombre, estado, porcentaje_cpu, ram_mib';
  for (const values of [compact(ENTRY).slice(0, 4), [...compact(ENTRY), 1], []]) {
    const failure = check({ ...VALID, procesos_top: [ENTRY, values] });
    assert.equal(failure?.field, 'procesos_top', JSON.stringify(values));
    assert.equal(
      failure.detail,
      `"procesos_top" entry 1: an array entry must hold 5 values (${names}), not ${values.length}`,
    );
  }
});

test('procesos_top compact: a bad value reads as in an object entry', () => {
  for (const changes of [
    { pid: 0 },
    { pid: 1.5 },
    { estado: 'RR' },
    { porcentaje_cpu: 101 },
    { nombre: '' },
    { nombre: 'a\u0001' },
    { ram_mib: '1' },
    { nombre: { a: 1 } },
    { pid: [1] },
    { estado: null },
  ]) {
    const failure = check(withCompact(changes));
    const [field] = Object.keys(changes);
    assert.equal(failure?.field, 'procesos_top', JSON.stringify(changes));
    assert.match(failure.detail, new RegExp(`^"procesos_top" entry 1: "${field}" `), JSON.stringify(changes));
    assert.equal(failure.detail, detailOf(withEntry(changes)), JSON.stringify(changes));
  }
  // Each value is checked by its position's rule: the same values one place off fail.
  assert.equal(
    detailOf({ ...VALID, procesos_top: [['bash', 42, 'S', 1.5, 3.25]] }),
    '"procesos_top" entry 0: "pid" must be integer',
  );
});

test('procesos_top compact: an entry neither object nor array says both forms', () => {
  for (const entry of ['bash', 5, null, true]) {
    const failure = check({ ...VALID, procesos_top: [compact(ENTRY), entry] });
    assert.equal(failure?.field, 'procesos_top', JSON.stringify(entry));
    assert.equal(failure.detail, '"procesos_top" entry 1 must be an object or an array of 5 values');
  }
});

test('procesos_top compact: the first bad entry answers, whichever its form', () => {
  const list = [ENTRY, compact({ ...ENTRY, pid: 0 }), { ...ENTRY, estado: 'RR' }];
  assert.match(detailOf({ ...VALID, procesos_top: list }), /^"procesos_top" entry 1: "pid"/);
  assert.equal(fieldOf({ ...VALID, procesos_top: [[1, 2, 3, 4]], hora: 'x' }), 'procesos_top', 'before hora');
});

test('x-vmpulse-compact false or absent: an array entry is refused as before; another value at start', () => {
  const { Contract } = require('../src/contract');
  const list = { ...VALID, procesos_top: [ENTRY, compact(ENTRY)] };
  for (const value of [false, undefined]) {
    const schema = structuredClone(contract.schema);
    if (value === undefined) delete schema.properties.procesos_top['x-vmpulse-compact'];
    else schema.properties.procesos_top['x-vmpulse-compact'] = value;
    const plain = new Contract(schema);
    assert.deepEqual(plain.checkRecord(list), {
      field: 'procesos_top',
      detail: '"procesos_top" entry 1 must be an object',
    });
    assert.equal(plain.checkRecord({ ...VALID, procesos_top: [ENTRY] }), null);
  }
  const misspelt = structuredClone(contract.schema);
  misspelt.properties.procesos_top['x-vmpulse-compact'] = 'yes';
  assert.throws(() => new Contract(misspelt), /must be true or false/);
  const misplaced = structuredClone(contract.schema);
  misplaced.properties.vm['x-vmpulse-compact'] = true;
  assert.throws(() => new Contract(misplaced), /"vm" has x-vmpulse-compact but is not a list of objects/);
});

test('procesos_top sits in properties order: after tiempo_activo, before hora', () => {
  assert.equal(fieldOf({ ...VALID, procesos_top: 5, hora: 1 }), 'procesos_top');
  assert.equal(fieldOf({ ...VALID, tiempo_activo: -1, procesos_top: 5 }), 'tiempo_activo');
});

test('the first unknown field is the first in the body, integer-like keys included', () => {
  assert.equal(check('{"zz":1,"5":2}').field, 'zz');
});
