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
  contract.checkRecord(parseStrictJson(typeof record === 'string' ? record : JSON.stringify(record), 2));
const fieldOf = (record) => check(record)?.field;

test('limits come from the schema', () => {
  assert.deepEqual(contract.limits, { maxBatch: 1000, maxBodyBytes: 1048576, maxDepth: 2 });
  assert.equal(contract.status('payload_too_large'), 413);
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
  assert.equal(fieldOf({ ...VALID, api: 'x'.repeat(17) }), 'api');
  assert.equal(check({ ...VALID, api: 'é'.repeat(16) }), null, 'maxLength counts characters, not bytes');
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
