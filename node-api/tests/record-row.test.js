'use strict';
const fs = require('node:fs');
const path = require('node:path');
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadContract } = require('../src/contract');
const { createRowBuilder } = require('../src/record-row');

const schema = loadContract().schema;
const builder = createRowBuilder(schema);

const V1 = {
  vm: 'web-1',
  total_ram: 16000,
  ram_libre: 4000,
  uso_ram: 12000,
  porcentaje_ram: 75,
  porcentaje_cpu_uso: 12.345,
  porcentaje_cpu_libre: 87.655,
  procesos_corriendo: 3,
  procesos_durmiendo: 200,
  procesos_zombie: 0,
  procesos_parados: 1,
  total_procesos: 300,
  hora: '2026-11-26 10:00:00',
};

const V2 = {
  ...V1,
  carga_1: 0.5,
  carga_5: 1.25,
  carga_15: 2,
  porcentaje_cpu_robado: 0.1,
  porcentaje_cpu_espera: 3.5,
  swap_total: 2048,
  swap_libre: 1024,
  disco_total: 100000,
  disco_libre: 25000,
  disco_lectura_kib_s: 12.5,
  disco_escritura_kib_s: 0,
  red_rx_kib_s: 1000000000000,
  red_tx_kib_s: 7.75,
  tiempo_activo: 86400,
  procesos_top: [
    // Keys in another order than the schema's: the text follows the schema.
    { ram_mib: 256.333, nombre: 'postgres', pid: 1234, estado: 'S', porcentaje_cpu: 12.5 },
    { pid: 1, nombre: 'systemd', estado: 'S', porcentaje_cpu: 0, ram_mib: 12 },
  ],
};

const byColumn = (row) => Object.fromEntries(builder.columns.map((c, i) => [c, row[i]]));

test('the columns are the schema properties, api last and once', () => {
  const properties = Object.keys(schema.properties);
  assert.deepEqual(builder.columns, [...properties.filter((p) => p !== 'api'), 'api']);
  assert.ok(builder.columns.includes('procesos_top'));
  assert.ok(builder.columns.includes('tiempo_activo'));
});

test('a version 1 record has NULL in every version 2 column', () => {
  const row = byColumn(builder.row(V1, 'nodejs'));
  for (const column of builder.columns) {
    if (column === 'api') assert.equal(row.api, 'nodejs');
    else if (Object.hasOwn(V1, column)) assert.equal(row[column], V1[column], column);
    else assert.equal(row[column], null, column);
  }
  assert.equal(row.procesos_top, null);
});

test('a version 2 record fills every column, procesos_top in the stored form route 1 writes', () => {
  const row = byColumn(builder.row(V2, 'nodejs'));
  for (const [name, value] of Object.entries(V2)) {
    if (name !== 'procesos_top') assert.equal(row[name], value, name);
  }
  // The same text as api/tests/ingest_sql_test.cpp expects from route 1.
  assert.equal(row.procesos_top, '[[1234,"postgres","S",12.50,256.33],[1,"systemd","S",0.00,12.00]]');
});

// contract/processes-stored-cases.json: core/tests/processes_json_test.cpp checks route 1's
// writer on the same cases.
test('procesos_top is the stored text of the shared cases, byte for byte', () => {
  const { cases } = JSON.parse(
    fs.readFileSync(path.resolve(__dirname, '../../contract/processes-stored-cases.json'), 'utf8'),
  );
  assert.ok(cases.length >= 3);
  for (const c of cases) {
    assert.equal(byColumn(builder.row({ ...V1, procesos_top: c.processes }, 'nodejs')).procesos_top, c.stored, c.name);
  }
});

// x-vmpulse-compact: an entry sent as the array of its values, in items.properties order.
const FIELDS = Object.keys(schema.properties.procesos_top.items.properties);
const compact = (entry) => FIELDS.map((field) => entry[field]);
const storedOf = (list) => byColumn(builder.row({ ...V1, procesos_top: list }, 'nodejs')).procesos_top;

test('a compact procesos_top is stored byte for byte as the same list of objects', () => {
  assert.equal(
    storedOf(V2.procesos_top.map(compact)),
    '[[1234,"postgres","S",12.50,256.33],[1,"systemd","S",0.00,12.00]]',
  );
  const { cases } = JSON.parse(
    fs.readFileSync(path.resolve(__dirname, '../../contract/processes-stored-cases.json'), 'utf8'),
  );
  for (const c of cases) assert.equal(storedOf(c.processes.map(compact)), c.stored, c.name);
});

test('a mixed procesos_top (objects and compact arrays) is stored as the objects alone would be', () => {
  const objects = [
    { pid: 7, nombre: 'it\'s "x" \\ y', estado: 'R', porcentaje_cpu: 0.125, ram_mib: 2.375 },
    { ram_mib: 9007199254740991, pid: 4194304, nombre: 'big', estado: 'Z', porcentaje_cpu: 100 },
    { pid: 1, nombre: 'systemd', estado: 'S', porcentaje_cpu: 99.456, ram_mib: 0 },
  ];
  const mixed = [compact(objects[0]), objects[1], compact(objects[2])];
  assert.equal(storedOf(mixed), storedOf(objects));
  assert.equal(
    storedOf(mixed),
    '[[7,"it\'s \\"x\\" \\\\ y","R",0.12,2.38],[4194304,"big","Z",100.00,9007199254740991.00],[1,"systemd","S",99.46,0.00]]',
  );
});

test('quotes in a name stay valid JSON, escaped for JSON only', () => {
  const name = 'it\'s "x" \\ y';
  const quoted = byColumn(
    builder.row(
      { ...V1, procesos_top: [{ pid: 7, nombre: name, estado: 'R', porcentaje_cpu: 1, ram_mib: 2 }] },
      'nodejs',
    ),
  );
  assert.equal(quoted.procesos_top, '[[7,"it\'s \\"x\\" \\\\ y","R",1.00,2.00]]');
  assert.equal(JSON.parse(quoted.procesos_top)[0][1], name);
});

test('the route stamps api whatever the record says; unknown keys bind nothing', () => {
  const row = builder.row({ ...V1, api: 'forged', extra: 1 }, 'nodejs');
  assert.equal(row.length, builder.columns.length);
  assert.equal(byColumn(row).api, 'nodejs');
  assert.ok(!row.includes('forged'));
});
