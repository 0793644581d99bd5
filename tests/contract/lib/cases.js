'use strict';
// The contract cases, built from contract/record.schema.json wherever a rule lives
// there (so a rule added to the schema gets its cases), plus hand-written bad inputs
// that no schema describes (broken JSON, encodings, headers).
//
// A case: {name, body, headers?, method?, path?, expect}
//   body    object/array (sent as JSON), string or Buffer (sent as is)
//   headers overrides of the defaults (Authorization, Content-Type); null removes one
//   path    'own' (default: the route's direct path), 'split', 'bare', 'other' or a literal path
//   expect  {status, error?, field?, index?} for errors; {status: 201, records} for success
const fs = require('node:fs');
const path = require('node:path');

const SCHEMA_PATH = path.resolve(__dirname, '../../../contract/record.schema.json');
const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8'));
const ingest = schema['x-vmpulse-ingest'];
const rules = schema['x-vmpulse-rules'];
const status = (code) => ingest.errors[code];

/** A valid record that leaves room on every side of every rule. */
const BASE = Object.freeze({
  vm: 'vm-contract',
  total_ram: 16000,
  ram_libre: 6000,
  uso_ram: 10000,
  porcentaje_ram: 62.5,
  porcentaje_cpu_uso: 30.25,
  porcentaje_cpu_libre: 69.75,
  procesos_corriendo: 3,
  procesos_durmiendo: 200,
  procesos_zombie: 1,
  procesos_parados: 2,
  total_procesos: 206,
  hora: '2025-06-15 08:30:45',
});

/** Two entries of procesos_top, each leaving room on every side of every rule. */
const PROCESSES = Object.freeze([
  Object.freeze({ pid: 1234, nombre: 'postgres: writer', estado: 'S', porcentaje_cpu: 12.5, ram_mib: 256.75 }),
  Object.freeze({ pid: 1, nombre: 'systemd', estado: 'R', porcentaje_cpu: 0.25, ram_mib: 12 }),
]);

/** Labels (etiquetas) leaving room on every side of every rule. */
const LABELS = Object.freeze({ env: 'prod', role: 'db_primary', zona: 'eu west 1' });

/** BASE with every optional field of version 2, valid. */
const FULL = Object.freeze({
  ...BASE,
  carga_1: 1.5,
  carga_5: 1.25,
  carga_15: 0.75,
  porcentaje_cpu_robado: 0.5,
  porcentaje_cpu_espera: 2.25,
  swap_total: 2048,
  swap_libre: 1024,
  disco_total: 100000,
  disco_libre: 40000,
  disco_lectura_kib_s: 120.5,
  disco_escritura_kib_s: 64.25,
  red_rx_kib_s: 10.75,
  red_tx_kib_s: 3.5,
  tiempo_activo: 86400,
  etiquetas: LABELS,
  procesos_top: PROCESSES,
});
for (const name of Object.keys(schema.properties)) {
  if (!Object.hasOwn(FULL, name) && !rules.ignored_on_input.includes(name)) {
    throw new Error(`cases.js: FULL has no value for the schema's "${name}"; add one`);
  }
}

/** The record a property's cases start from: BASE when it holds the property, else FULL. */
const baseFor = (...names) => (names.every((n) => Object.hasOwn(BASE, n)) ? BASE : FULL);

const invalid = (field, index) => ({ status: status('invalid_record'), error: 'invalid_record', field, index });
const badJson = (field, index) => ({ status: status('invalid_json'), error: 'invalid_json', field, index });
const saved = (records) => ({ status: 201, records });

/** JSON of `record` with `field`'s value written as the raw text `raw` (numbers JSON.stringify cannot write). */
function withRaw(record, field, raw) {
  const marker = '__raw_value_marker__';
  return JSON.stringify({ ...record, [field]: marker }).replace(JSON.stringify(marker), raw);
}

/** Adjusts the other fields of the cross-field rules so that only `changed` is at its boundary. */
function repair(record, changed) {
  const r = { ...record };
  for (const [a, b] of rules.not_greater) {
    if (r[a] > r[b]) {
      if (a === changed) r[b] = r[a];
      else r[a] = r[b];
    }
  }
  for (const rule of rules.sum_equals) {
    if (!rule.fields.includes(changed) || rule.fields.length !== 2) continue;
    const other = rule.fields.find((f) => f !== changed);
    r[other] = rule.equals - r[changed];
  }
  return r;
}

/** A string that breaks `pattern` and nothing else about the property. */
function patternViolation(prop) {
  const re = new RegExp(prop.pattern, 'u');
  const min = prop.minLength ?? 0;
  const max = prop.maxLength ?? 64;
  const candidates = [
    'has space',
    'semi;colon',
    "quote'",
    'ñandú',
    'new\nline',
    '2025-06-15T08:30:45',
    '2025-6-15 08:30:45',
    '2025-06-15 08:30:45Z',
    'x',
  ];
  return candidates.find((s) => !re.test(s) && [...s].length >= min && [...s].length <= max);
}

/** For each property: wrong types, each range and length bound on both sides, the pattern. */
function propertyCases() {
  const cases = [];
  for (const [name, prop] of Object.entries(schema.properties)) {
    const base = baseFor(name);
    const values =
      prop.type === 'string'
        ? [123, true, null, ['x'], { a: 1 }]
        : prop.type === 'object'
          ? ['1', true, null, [1], 5]
          : ['1', true, null, [1], {}];
    if (prop.type === undefined) {
      // No type (`api`): any value is accepted, then overwritten by the route.
      for (const value of [...values, 123, 'x'.repeat(300)]) {
        cases.push({
          name: `${name}: any value is accepted and ignored (${JSON.stringify(value).slice(0, 20)})`,
          body: { ...base, [name]: value },
          expect: saved([base]),
        });
      }
      continue;
    }
    for (const value of values) {
      cases.push({
        name: `${name}: wrong type ${JSON.stringify(value)}`,
        body: { ...base, [name]: value },
        expect: invalid(name),
      });
    }
    if (prop.type === 'integer') {
      const text = `${prop.minimum ?? 0}.5`;
      cases.push({
        name: `${name}: fractional ${text} is not an integer`,
        body: withRaw(base, name, text),
        expect: invalid(name),
      });
      const whole = String(base[name] ?? 1);
      for (const t of [`${whole}.0`, `${whole}e0`, `${whole}.000`]) {
        cases.push({
          name: `${name}: ${t} is an integer`,
          body: withRaw(base, name, t),
          expect: saved([{ ...base, [name]: Number(t) }]),
        });
      }
    }
    if (prop.minimum !== undefined) {
      const below = prop.type === 'integer' ? String(prop.minimum - 1) : String(prop.minimum - 0.01);
      cases.push({
        name: `${name}: below minimum (${below})`,
        body: withRaw(base, name, below),
        expect: invalid(name),
      });
      const atMin = repair({ ...base, [name]: prop.minimum }, name);
      cases.push({ name: `${name}: at minimum`, body: atMin, expect: saved([atMin]) });
    }
    if (prop.maximum !== undefined) {
      // Exact text: maximum + 1 of 2^53−1 is not a double JavaScript could write.
      const above = prop.type === 'integer' ? String(BigInt(prop.maximum) + 1n) : String(prop.maximum + 0.01);
      cases.push({
        name: `${name}: above maximum (${above})`,
        body: withRaw(base, name, above),
        expect: invalid(name),
      });
      const atMax = repair({ ...base, [name]: prop.maximum }, name);
      cases.push({ name: `${name}: at maximum`, body: atMax, expect: saved([atMax]) });
    }
    if (prop.minLength !== undefined && prop.minLength > 0) {
      cases.push({
        name: `${name}: shorter than ${prop.minLength}`,
        body: { ...base, [name]: 'a'.repeat(prop.minLength - 1) },
        expect: invalid(name),
      });
    }
    if (prop.maxLength !== undefined) {
      const atMax = { ...base, [name]: 'a'.repeat(prop.maxLength) };
      cases.push({
        name: `${name}: longer than ${prop.maxLength}`,
        body: { ...base, [name]: 'a'.repeat(prop.maxLength + 1) },
        expect: invalid(name),
      });
      cases.push({ name: `${name}: exactly ${prop.maxLength} long`, body: atMax, expect: saved([atMax]) });
    }
    if (prop.maxItems !== undefined) {
      const list = (n) => Array.from({ length: n }, (_, i) => ({ ...PROCESSES[i % PROCESSES.length], pid: i + 1 }));
      const atMax = { ...base, [name]: list(prop.maxItems) };
      cases.push({
        name: `${name}: ${prop.maxItems + 1} entries, over maxItems`,
        body: { ...base, [name]: list(prop.maxItems + 1) },
        expect: invalid(name),
      });
      cases.push({ name: `${name}: exactly ${prop.maxItems} entries`, body: atMax, expect: saved([atMax]) });
      const empty = { ...base, [name]: [] };
      cases.push({ name: `${name}: an empty list`, body: empty, expect: saved([empty]) });
    }
    if (prop.items?.type === 'object') cases.push(...entryCases(name, prop.items, base));
    if (prop.type === 'object') cases.push(...mapCases(name, prop, base));
    if (prop.pattern !== undefined) {
      const bad = patternViolation(prop);
      cases.push({
        name: `${name}: breaks its pattern (${JSON.stringify(bad)})`,
        body: { ...base, [name]: bad },
        expect: invalid(name),
      });
    }
  }
  return cases;
}

/**
 * One entry of a list of objects (procesos_top) broken in each way its schema describes;
 * every error names the list. `entry` 1 is broken, entry 0 stays valid.
 */
function entryCases(list, items, base) {
  const cases = [];
  const withEntry = (entry) => ({ ...base, [list]: [base[list][0], entry] });
  const good = base[list][1];
  const bad = (what, entry) => cases.push({ name: `${list}: ${what}`, body: withEntry(entry), expect: invalid(list) });
  const ok = (what, entry) =>
    cases.push({ name: `${list}: ${what}`, body: withEntry(entry), expect: saved([withEntry(entry)]) });
  bad('an entry that is a number', 7);
  bad('an entry that is null', null);
  bad('an entry with an unknown key', { ...good, usuario: 'root' });
  for (const name of items.required) {
    const { [name]: _, ...rest } = good;
    bad(`an entry without ${name}`, rest);
  }
  for (const [name, prop] of Object.entries(items.properties)) {
    bad(`${name} of a wrong type`, { ...good, [name]: prop.type === 'string' ? 5 : String(good[name]) });
    bad(`${name} null`, { ...good, [name]: null });
    if (prop.type === 'integer') bad(`${name} fractional`, { ...good, [name]: (prop.minimum ?? 0) + 0.5 });
    if (prop.minimum !== undefined) {
      bad(`${name} below minimum`, {
        ...good,
        [name]: prop.type === 'integer' ? prop.minimum - 1 : prop.minimum - 0.5,
      });
      ok(`${name} at minimum`, { ...good, [name]: prop.minimum });
    }
    if (prop.maximum !== undefined) {
      bad(`${name} above maximum`, {
        ...good,
        [name]: prop.type === 'integer' ? prop.maximum + 1 : prop.maximum + 0.5,
      });
      ok(`${name} at maximum`, { ...good, [name]: prop.maximum });
    }
    if (prop.maxLength !== undefined) {
      bad(`${name} of ${prop.maxLength + 1} characters`, { ...good, [name]: 'n'.repeat(prop.maxLength + 1) });
      ok(`${name} of ${prop.maxLength} characters`, { ...good, [name]: 'n'.repeat(prop.maxLength) });
    }
    if (prop.minLength) bad(`${name} shorter than ${prop.minLength}`, { ...good, [name]: '' });
    if (prop.pattern !== undefined) bad(`${name} breaks its pattern`, { ...good, [name]: patternViolation(prop) });
  }
  return cases;
}

/**
 * A map of strings (etiquetas) broken in each way its schema describes (maxProperties,
 * propertyNames, additionalProperties' type, length and pattern), and its bounds kept;
 * every error names the map.
 */
function mapCases(map, prop, base) {
  const cases = [];
  const keyRule = prop.propertyNames;
  const valueRule = prop.additionalProperties;
  const pairs = (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]));
  const bad = (what, labels) =>
    cases.push({ name: `${map}: ${what}`, body: { ...base, [map]: labels }, expect: invalid(map) });
  const ok = (what, labels) => {
    const record = { ...base, [map]: labels };
    cases.push({ name: `${map}: ${what}`, body: record, expect: saved([record]) });
  };
  ok('no pairs ({})', {});
  if (prop.maxProperties !== undefined) {
    bad(`${prop.maxProperties + 1} pairs, over maxProperties`, pairs(prop.maxProperties + 1));
    ok(`exactly ${prop.maxProperties} pairs`, pairs(prop.maxProperties));
  }
  const keyRe = new RegExp(keyRule.pattern, 'u');
  for (const key of ['Env', '1env', '_env', 'env-1', 'env.x', 'e nv', 'ñ', '']) {
    if (!keyRe.test(key)) bad(`key ${JSON.stringify(key)} breaks propertyNames`, { ...LABELS, [key]: 'x' });
  }
  // The longest key of the form k0…0 the pattern admits, and one character more.
  let longest = 'k';
  while (longest.length < 256 && keyRe.test(`${longest}0`)) longest += '0';
  ok(`a key of ${longest.length} characters`, { [longest]: 'x' });
  bad(`a key of ${longest.length + 1} characters`, { [`${longest}0`]: 'x' });
  for (const value of [1, 1.5, true, null, ['x'], { a: 'b' }]) {
    bad(`a value of a wrong type ${JSON.stringify(value)}`, { ...LABELS, env: value });
  }
  if (valueRule.minLength) bad(`an empty value`, { ...LABELS, env: '' });
  if (valueRule.maxLength !== undefined) {
    bad(`a value of ${valueRule.maxLength + 1} characters`, { ...LABELS, env: 'v'.repeat(valueRule.maxLength + 1) });
    ok(`a value of ${valueRule.maxLength} characters`, { ...LABELS, env: 'v'.repeat(valueRule.maxLength) });
  }
  if (valueRule.pattern !== undefined) {
    const valueRe = new RegExp(valueRule.pattern, 'u');
    for (const text of ['tab\there', 'bell\u0007', 'del\u007f', 'ñandú', 'emoji😀']) {
      if (!valueRe.test(text)) bad(`a value breaking the pattern (${JSON.stringify(text)})`, { ...LABELS, env: text });
    }
    // Every printable ASCII character is allowed, quote and backslash included.
    const printable = String.fromCharCode(...Array.from({ length: 0x7f - 0x20 }, (_, i) => 0x20 + i));
    if (valueRe.test(printable.slice(0, 64)))
      ok('a value of printable ASCII', { a: printable.slice(0, 64), b: printable.slice(31, 95) });
  }
  // The first bad pair in document order is reported; both are the map's error anyway.
  bad('a bad key after a bad value', { env: '', Bad: 'x' });
  cases.push({
    name: `${map}: in element 1 of a batch`,
    body: [base, { ...base, [map]: { env: '' } }],
    expect: invalid(map, 1),
  });
  cases.push({
    name: `${map}: before hora, a bad map is reported before a bad hora`,
    body: { ...base, [map]: { env: '' }, hora: 'x' },
    expect: invalid(map),
  });
  return cases;
}

/** Unknown and missing fields, and the order in which several faults are reported. */
function shapeCases() {
  const cases = [];
  for (const name of schema.required) {
    const { [name]: _, ...rest } = BASE;
    cases.push({ name: `missing required ${name}`, body: rest, expect: invalid(name) });
  }
  cases.push({ name: 'unknown field', body: { ...BASE, cpu: 5 }, expect: invalid('cpu') });
  cases.push({
    name: 'unknown field "__proto__"',
    body: `{"__proto__":{"vm":"x"},${JSON.stringify(BASE).slice(1)}`,
    expect: invalid('__proto__'),
  });
  const [first, second] = schema.required;
  const { [first]: _a, [second]: _b, ...twoMissing } = BASE;
  cases.push({
    name: 'order: the first unknown field in document order wins',
    body: { zeta: 1, ...twoMissing, alpha: 2 },
    expect: invalid('zeta'),
  });
  cases.push({
    name: 'order: unknown field before a missing one',
    body: { ...twoMissing, extra: 1 },
    expect: invalid('extra'),
  });
  cases.push({ name: 'order: missing fields in required order', body: twoMissing, expect: invalid(first) });
  const props = Object.keys(schema.properties);
  const last = props.filter((p) => schema.required.includes(p)).at(-1);
  cases.push({
    name: 'order: a missing field before a bad property',
    body: (() => {
      const { [last]: _, ...r } = BASE;
      return { ...r, [props[0]]: 42 };
    })(),
    expect: invalid(last),
  });
  cases.push({
    name: 'order: properties in schema order',
    body: { ...BASE, [props[0]]: 42, [props[1]]: 'x' },
    expect: invalid(props[0]),
  });
  cases.push({
    name: 'order: the later property alone',
    body: { ...BASE, [props[1]]: 'x' },
    expect: invalid(props[1]),
  });
  const [a, b] = rules.not_greater[0];
  cases.push({
    name: 'order: a bad property before a cross-field rule',
    body: { ...BASE, [a]: BASE[b] + 1, hora: 'x' },
    expect: invalid('hora'),
  });
  return cases;
}

/** One violation of each x-vmpulse-rules rule, and its boundary that passes. */
function crossRuleCases() {
  const cases = [];
  for (const [a, b] of rules.not_greater) {
    const base = baseFor(a, b);
    cases.push({ name: `not_greater: ${a} > ${b}`, body: { ...base, [a]: base[b] + 1 }, expect: invalid(a) });
    const equal = repair({ ...base, [a]: base[b] }, a);
    cases.push({ name: `not_greater: ${a} = ${b} is fine`, body: equal, expect: saved([equal]) });
  }
  for (const rule of rules.sum_equals) {
    const [x, y] = rule.fields;
    const over = { ...BASE, [x]: 50, [y]: rule.equals - 50 + rule.tolerance + 0.5 };
    const under = { ...BASE, [x]: 50, [y]: rule.equals - 50 - rule.tolerance - 0.5 };
    const edge = { ...BASE, [x]: 50, [y]: rule.equals - 50 + rule.tolerance };
    cases.push({ name: `sum_equals: ${rule.fields.join('+')} too high`, body: over, expect: invalid(rule.field) });
    cases.push({ name: `sum_equals: ${rule.fields.join('+')} too low`, body: under, expect: invalid(rule.field) });
    cases.push({
      name: `sum_equals: ${rule.fields.join('+')} off by exactly the tolerance is fine`,
      body: edge,
      expect: saved([edge]),
    });
  }
  for (const field of rules.calendar_datetime) {
    const bad = [
      '2025-02-29 00:00:00',
      '2024-02-30 12:00:00',
      '2025-04-31 12:00:00',
      '2025-13-01 00:00:00',
      '2025-00-10 00:00:00',
      '2025-01-00 00:00:00',
      '2025-01-01 24:00:00',
      '2025-01-01 23:60:00',
      '2025-01-01 23:59:60',
      '1969-12-31 23:59:59',
      '0000-01-01 00:00:00',
      '2100-02-29 00:00:00',
    ];
    for (const value of bad)
      cases.push({
        name: `calendar_datetime: ${field} ${value}`,
        body: { ...BASE, [field]: value },
        expect: invalid(field),
      });
    for (const value of ['2024-02-29 23:59:59', '2000-02-29 00:00:00', '1970-01-01 00:00:00', '9999-12-31 23:59:59']) {
      const ok = { ...BASE, [field]: value };
      cases.push({ name: `calendar_datetime: ${field} ${value} is fine`, body: ok, expect: saved([ok]) });
    }
  }
  for (const field of rules.ignored_on_input) {
    const sent = { ...BASE, [field]: 'someone-else' };
    cases.push({ name: `ignored_on_input: ${field} is overwritten by the route`, body: sent, expect: saved([BASE]) });
  }
  return cases;
}

/** Broken input of every kind: each must be refused the same way by both routes. */
function badInputCases() {
  const json = JSON.stringify(BASE);
  const text = (name, body, expect) => ({ name, body, expect });
  return [
    text('empty body', '', badJson()),
    text('only white space', ' \n\t ', badJson()),
    text('truncated: a lone brace', '{', badJson()),
    text('truncated record', json.slice(0, json.length / 2), badJson()),
    text('truncated array', `[${json},`, badJson()),
    text('trailing comma', `${json.slice(0, -1)},}`, badJson()),
    text('single quotes', `{'vm':'a'}`, badJson()),
    text('unquoted key', json.replace('"vm"', 'vm'), badJson()),
    text('NaN', withRaw(BASE, 'porcentaje_ram', 'NaN'), badJson()),
    text('Infinity', withRaw(BASE, 'porcentaje_ram', 'Infinity'), badJson()),
    text('-Infinity', withRaw(BASE, 'porcentaje_ram', '-Infinity'), badJson()),
    text('number too large for a double (1e400)', withRaw(BASE, 'total_ram', '1e400'), invalid('total_ram')),
    text(
      'negative number too large for a double (-1e400)',
      withRaw(BASE, 'porcentaje_ram', '-1e400'),
      invalid('porcentaje_ram'),
    ),
    text('leading zero', withRaw(BASE, 'total_ram', '016000'), badJson()),
    text('hexadecimal number', withRaw(BASE, 'total_ram', '0x10'), badJson()),
    text('plus sign', withRaw(BASE, 'total_ram', '+5'), badJson()),
    text('comment', `// sample\n${json}`, badJson()),
    text('text after the value', `${json} x`, badJson()),
    text('two values', `${json}${json}`, badJson()),
    text('raw control character in vm', json.replace('vm-contract', 'vm\u0001x'), badJson()),
    text('raw newline in vm', json.replace('vm-contract', 'vm\nx'), badJson()),
    text('raw tab in hora', json.replace('08:30:45', '08:30\t45'), badJson()),
    text(
      'invalid UTF-8 in vm',
      Buffer.concat([Buffer.from(json.slice(0, 8)), Buffer.from([0xc3, 0x28]), Buffer.from(json.slice(8))]),
      badJson(),
    ),
    text(
      'overlong UTF-8',
      Buffer.concat([Buffer.from(json.slice(0, 8)), Buffer.from([0xc0, 0xaf]), Buffer.from(json.slice(8))]),
      badJson(),
    ),
    text(
      'UTF-8 byte order mark after white space',
      Buffer.concat([Buffer.from(' '), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]),
      badJson(),
    ),
    text('lone surrogate escape', json.replace('vm-contract', 'vm\\ud800'), badJson()),
    text('bad escape', json.replace('vm-contract', 'vm\\x41'), badJson()),
    text('duplicate key', `{"vm":"a",${json.slice(1)}`, badJson('vm')),
    text(
      'duplicate key in element 2 of a batch (invalid_json has no index)',
      `[${json},${json},{"hora":"x",${json.slice(1)}]`,
      badJson('hora'),
    ),
    text(
      'order: the first duplicate key wins',
      `[{"vm":"a",${json.slice(1)},{"hora":"x",${json.slice(1)}]`,
      badJson('vm'),
    ),
    text('order: a syntax error after a duplicate key wins', `{"vm":"a",${json.slice(1, -1)}`, badJson()),
    text('order: a syntax error after too deep a nesting wins', `[{"vm":[[[1]]]}, x]`, badJson()),
    text('deep nesting', '['.repeat(5000) + ']'.repeat(5000), badJson()),
    text(
      `nesting one level past max_depth ${ingest.max_depth}`,
      `[${JSON.stringify({ ...FULL, procesos_top: [{ ...PROCESSES[0], nombre: nested(ingest.max_depth - 3) }] })}]`,
      badJson(),
    ),
    text(
      `nesting at max_depth ${ingest.max_depth} is judged by the rules: a type error`,
      `[${JSON.stringify({ ...FULL, procesos_top: [{ ...PROCESSES[0], nombre: nested(ingest.max_depth - 4) }] })}]`,
      invalid('procesos_top', 0),
    ),
    text('an array value in a record of a batch is a type error', [{ ...BASE, vm: ['a'] }], invalid('vm', 0)),
    text('a nested object value is a type error', { ...BASE, vm: { a: 1 } }, invalid('vm')),
    text(
      'duplicate key in a procesos_top entry',
      JSON.stringify(FULL).replace('{"pid":1234,', '{"pid":1234,"pid":1235,'),
      badJson('pid'),
    ),
    text(
      'duplicate key in etiquetas',
      JSON.stringify(FULL).replace('{"env":"prod",', '{"env":"prod","env":"dev",'),
      badJson('env'),
    ),
    text(
      'a duplicate etiquetas key wins over a bad etiquetas value',
      JSON.stringify({ ...FULL, etiquetas: { role: '' } }).replace('{"role":', '{"env":"a","env":"b","role":'),
      badJson('env'),
    ),
    text(
      `etiquetas in a batch is depth 3; a value nested to max_depth ${ingest.max_depth} is a type error`,
      `[${JSON.stringify({ ...FULL, etiquetas: { env: nested(ingest.max_depth - 3) } })}]`,
      invalid('etiquetas', 0),
    ),
    text(
      `etiquetas in a batch with a value one level past max_depth ${ingest.max_depth}`,
      `[${JSON.stringify({ ...FULL, etiquetas: { env: nested(ingest.max_depth - 2) } })}]`,
      badJson(),
    ),
    text('top-level null', 'null', invalid()),
    text('top-level string', '"vm-contract"', invalid()),
    text('top-level number', '42', invalid()),
    text('top-level true', 'true', invalid()),
    text('empty array', '[]', invalid()),
    text('empty object', '{}', invalid(schema.required[0])),
    text('array of a number', '[1]', invalid(undefined, 0)),
    text('array holding an array', '[[]]', invalid(undefined, 0)),
    text('null at index 1 of a batch', [BASE, null], invalid(undefined, 1)),
    text(`an array of ${ingest.max_batch + 1}`, new Array(ingest.max_batch + 1).fill(BASE), {
      status: status('batch_too_large'),
      error: 'batch_too_large',
    }),
    text(`an array of ${ingest.max_batch + 1} numbers`, `[${new Array(ingest.max_batch + 1).fill(1).join(',')}]`, {
      status: status('batch_too_large'),
      error: 'batch_too_large',
    }),
    text('total_ram as a numeric string', { ...BASE, total_ram: '16000' }, invalid('total_ram')),
    text('NaN as a string', { ...BASE, porcentaje_ram: 'NaN' }, invalid('porcentaje_ram')),
    text('number beyond 64 bits', withRaw(BASE, 'total_ram', '18446744073709551616'), invalid('total_ram')),
    text('integer with 40 digits', withRaw(BASE, 'procesos_corriendo', '1'.repeat(40)), invalid('procesos_corriendo')),
    text('negative count', { ...BASE, procesos_zombie: -1 }, invalid('procesos_zombie')),
    text('negative MiB', { ...BASE, uso_ram: -5 }, invalid('uso_ram')),
    text('percentage over 100', { ...BASE, porcentaje_ram: 100.01 }, invalid('porcentaje_ram')),
    text(
      'percentage 1000',
      { ...BASE, porcentaje_cpu_uso: 1000, porcentaje_cpu_libre: 0 },
      invalid('porcentaje_cpu_uso'),
    ),
    text('negative percentage', { ...BASE, porcentaje_ram: -0.5 }, invalid('porcentaje_ram')),
    text('unicode letter in vm', { ...BASE, vm: 'máquina' }, invalid('vm')),
    text('emoji in vm', { ...BASE, vm: 'vm😀' }, invalid('vm')),
    text('escaped control character in vm', { ...BASE, vm: 'vm\u0007' }, invalid('vm')),
    text('vm ending in a newline', { ...BASE, vm: 'vm\n' }, invalid('vm')),
    text('SQL in vm', { ...BASE, vm: "x'); DROP TABLE metricas;--" }, invalid('vm')),
    text('SQL in hora', { ...BASE, hora: "2025-01-01 00:00:00' OR '1'='1" }, invalid('hora')),
    text('ISO-8601 hora', { ...BASE, hora: '2025-06-15T08:30:45Z' }, invalid('hora')),
    text('hora as a number', { ...BASE, hora: 1718440245 }, invalid('hora')),
    text('api of 300 characters is ignored', { ...BASE, api: 'x'.repeat(300) }, saved([BASE])),
    text('api of a wrong type is ignored', { ...BASE, api: 42 }, saved([BASE])),
    text('ram_libre over total_ram', { ...BASE, ram_libre: BASE.total_ram + 1 }, invalid('ram_libre')),
    text(
      'cpu percentages summing to 120',
      { ...BASE, porcentaje_cpu_uso: 60, porcentaje_cpu_libre: 60 },
      invalid('porcentaje_cpu_libre'),
    ),
  ];
}

/** `depth` levels of arrays around a number: [[1]] is nested(2); nested(0) is 1. */
function nested(depth) {
  let value = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Version 2: every optional field, the groups of dependentRequired, the new cross-field rules. */
function v2Cases() {
  const cases = [
    { name: 'v2: a version 1 record (no optional field) is still valid', body: BASE, expect: saved([BASE]) },
    { name: 'v2: every optional field', body: FULL, expect: saved([FULL]) },
    { name: 'v2: a batch of a v1 and a v2 record', body: [BASE, FULL], expect: saved([BASE, FULL]) },
    {
      name: 'v2: a bad optional field in element 1 of a batch',
      body: [FULL, { ...FULL, swap_libre: -1 }],
      expect: invalid('swap_libre', 1),
    },
    {
      name: 'v2: procesos_top with a name holding a byte outside printable ASCII (DEL)',
      body: { ...FULL, procesos_top: [{ ...PROCESSES[0], nombre: 'bad\u007fname' }] },
      expect: invalid('procesos_top'),
    },
    {
      name: 'v2: procesos_top with a non-ASCII name',
      body: { ...FULL, procesos_top: [{ ...PROCESSES[0], nombre: 'proceso-ñ' }] },
      expect: invalid('procesos_top'),
    },
    {
      name: 'v2: procesos_top with a 65-byte name',
      body: { ...FULL, procesos_top: [{ ...PROCESSES[0], nombre: 'p'.repeat(65) }] },
      expect: invalid('procesos_top'),
    },
    {
      name: 'v2: procesos_top with estado of two letters',
      body: { ...FULL, procesos_top: [{ ...PROCESSES[0], estado: 'RS' }] },
      expect: invalid('procesos_top'),
    },
    {
      name: 'v2: procesos_top with porcentaje_cpu 100.5',
      body: { ...FULL, procesos_top: [{ ...PROCESSES[0], porcentaje_cpu: 100.5 }] },
      expect: invalid('procesos_top'),
    },
    {
      name: 'v2: procesos_top before hora: a bad entry is reported before a bad hora',
      body: { ...FULL, procesos_top: [{ ...PROCESSES[0], estado: 'RS' }], hora: 'x' },
      expect: invalid('procesos_top'),
    },
  ];
  // dependentRequired: each key present with one of its dependencies missing.
  const groups = new Set();
  for (const [key, needs] of Object.entries(schema.dependentRequired)) {
    for (const need of needs) {
      const { [need]: _, ...body } = FULL;
      cases.push({
        name: `v2: dependentRequired: ${key} without ${need}`,
        body,
        expect: invalid(firstMissingDependency(body)),
      });
    }
    // The key's whole group alone (the other optional fields absent) is valid.
    const names = [key, ...needs].sort();
    if (groups.has(names.join())) continue;
    groups.add(names.join());
    const alone = { ...BASE, ...Object.fromEntries(names.map((n) => [n, FULL[n]])) };
    cases.push({ name: `v2: ${names.join(', ')} alone`, body: alone, expect: saved([alone]) });
  }
  return cases;
}

/** The dependency dependentRequired reports first for `record` (its key order, then its list). */
function firstMissingDependency(record) {
  for (const [key, needs] of Object.entries(schema.dependentRequired)) {
    if (!Object.hasOwn(record, key)) continue;
    const missing = needs.find((n) => !Object.hasOwn(record, n));
    if (missing !== undefined) return missing;
  }
  return undefined;
}

/** The list's entries as x-vmpulse-compact writes them: each the array of its values, in items.properties order. */
function compactForm(list, prop) {
  const fields = Object.keys(prop.items.properties);
  return list.map((entry) => fields.map((field) => entry[field]));
}

/** Values that break `prop` in each way it describes: its type, each bound, its length, its pattern. */
function badValues(prop, good) {
  const values = [prop.type === 'string' ? 5 : String(good), null];
  const step = prop.type === 'integer' ? 1 : 0.5;
  if (prop.type === 'integer') values.push((prop.minimum ?? 0) + 0.5);
  if (prop.minimum !== undefined) values.push(prop.minimum - step);
  if (prop.maximum !== undefined) values.push(prop.maximum + step);
  if (prop.minLength) values.push('');
  if (prop.maxLength !== undefined) values.push('n'.repeat(prop.maxLength + 1));
  if (prop.pattern !== undefined) values.push(patternViolation(prop));
  return values;
}

/**
 * A list marked x-vmpulse-compact (procesos_top) with entries written as arrays of their
 * values: alone or mixed with objects, stored as the same objects would be; an array of
 * the wrong length, a value breaking its property's rule, an entry neither object nor
 * array. Every error names the list.
 */
function compactCases() {
  const cases = [];
  for (const [list, prop] of Object.entries(schema.properties)) {
    if (prop['x-vmpulse-compact'] !== true) continue;
    const base = baseFor(list);
    const objects = base[list];
    const arrays = compactForm(objects, prop);
    const fields = Object.keys(prop.items.properties);
    const withEntries = (...entries) => ({ ...base, [list]: entries });
    // The expected rows are `base`, the lists as objects: both forms store the same.
    const stored = (what, body) => cases.push({ name: `${list} compact: ${what}`, body, expect: saved([base]) });
    const bad = (what, body, index) =>
      cases.push({ name: `${list} compact: ${what}`, body, expect: invalid(list, index) });
    stored('every entry an array of values', { ...base, [list]: arrays });
    stored('an array entry, then an object', withEntries(arrays[0], objects[1]));
    stored('an object, then an array entry', withEntries(objects[0], arrays[1]));
    cases.push({
      name: `${list} compact: a batch of the object form and the compact form`,
      body: [base, { ...base, [list]: arrays }],
      expect: saved([base, base]),
    });
    bad(`an array entry of ${fields.length - 1} values`, withEntries(objects[0], arrays[1].slice(0, -1)));
    bad(`an array entry of ${fields.length + 1} values`, withEntries(objects[0], [...arrays[1], 1]));
    bad('an empty array entry', withEntries(objects[0], []));
    bad('an entry that is a string', withEntries(arrays[0], 'x'));
    bad('an entry that is true', withEntries(arrays[0], true));
    fields.forEach((field, k) => {
      const at = (value) => arrays[1].map((v, i) => (i === k ? value : v));
      for (const value of badValues(prop.items.properties[field], objects[1][field])) {
        bad(`${field} ${JSON.stringify(value)} in an array entry`, withEntries(objects[0], at(value)));
      }
      bad(`${field} a nested object in an array entry`, withEntries(objects[0], at({ a: 1 })));
    });
    // Position k is the k-th property: the right values in another order are refused.
    bad('the values of an entry in another order', withEntries(arrays[0], [...arrays[1]].reverse()));
    bad('a bad array entry in element 1 of a batch', [base, withEntries(arrays[0], arrays[1].slice(0, -1))], 1);
    bad('before hora, a bad array entry is reported before a bad hora', {
      ...withEntries(arrays[0].slice(0, -1)),
      hora: 'x',
    });
  }
  return cases;
}

/** Bodies that must be stored, read back field by field. */
function validCases() {
  const many = Array.from({ length: ingest.max_batch }, (_, i) => ({
    ...BASE,
    vm: `vm-${i % 7}`,
    uso_ram: i,
    porcentaje_ram: (i % 100) + 0.25,
    procesos_corriendo: i % 5,
  }));
  const padded = (() => {
    const body = JSON.stringify(BASE);
    return body + ' '.repeat(ingest.max_body_bytes - Buffer.byteLength(body));
  })();
  return [
    { name: 'one record', body: BASE, expect: saved([BASE]) },
    { name: 'a batch of 1', body: [BASE], expect: saved([BASE]) },
    { name: `a batch of ${ingest.max_batch}`, body: many, expect: saved(many) },
    {
      name: 'every character vm allows',
      body: { ...BASE, vm: 'Az09._-' },
      expect: saved([{ ...BASE, vm: 'Az09._-' }]),
    },
    { name: `a body of exactly ${ingest.max_body_bytes} bytes`, body: padded, expect: saved([BASE]) },
    {
      name: 'a leading UTF-8 byte order mark is ignored (RFC 8259 allows it)',
      body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(BASE))]),
      expect: saved([BASE]),
    },
    {
      name: 'white space between tokens',
      body: JSON.stringify(BASE, null, 2).replace(/\n/g, '\r\n'),
      expect: saved([BASE]),
    },
    {
      name: 'api with 16 non-ASCII characters is ignored',
      body: { ...BASE, api: 'é'.repeat(16) },
      expect: saved([BASE]),
    },
    {
      name: 'Content-Type with charset',
      body: BASE,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      expect: saved([BASE]),
    },
    { name: 'through the split path /api/metrics', body: BASE, path: 'split', expect: saved([BASE]) },
    { name: 'on the bare path /metrics', body: BASE, path: 'bare', expect: saved([BASE]) },
  ];
}

/** Steps 1–5: paths, methods, auth, size, media type, idempotency key, in that order. */
function requestCases() {
  const unauthorized = { status: status('unauthorized'), error: 'unauthorized' };
  const tooLarge = { status: status('payload_too_large'), error: 'payload_too_large' };
  const unsupported = { status: status('unsupported_media_type'), error: 'unsupported_media_type' };
  const badKey = { status: status('invalid_idempotency_key'), error: 'invalid_idempotency_key' };
  const oversized = Buffer.alloc(ingest.max_body_bytes + 1, 0x20);
  return [
    {
      name: 'unknown path',
      path: '/api/nope',
      body: BASE,
      expect: { status: status('not_found'), error: 'not_found' },
    },
    {
      name: "the other route's path",
      path: 'other',
      body: BASE,
      expect: { status: status('not_found'), error: 'not_found' },
    },
    {
      name: 'GET on the ingest path',
      method: 'GET',
      expect: { status: status('method_not_allowed'), error: 'method_not_allowed', allow: 'POST' },
    },
    {
      name: 'PUT on the ingest path',
      method: 'PUT',
      body: BASE,
      expect: { status: status('method_not_allowed'), error: 'method_not_allowed', allow: 'POST' },
    },
    { name: 'no Authorization', body: BASE, headers: { authorization: null }, expect: unauthorized },
    {
      name: 'Basic scheme',
      body: BASE,
      headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` },
      expect: unauthorized,
    },
    { name: 'wrong token', body: BASE, headers: { authorization: 'Bearer not-the-token' }, expect: unauthorized },
    {
      name: 'token with an extra character',
      body: BASE,
      headers: { authorization: (t) => `Bearer ${t}x` },
      expect: unauthorized,
    },
    {
      name: 'token missing its last character',
      body: BASE,
      headers: { authorization: (t) => `Bearer ${t.slice(0, -1)}` },
      expect: unauthorized,
    },
    { name: 'Bearer with no token', body: BASE, headers: { authorization: 'Bearer' }, expect: unauthorized },
    {
      name: 'order: auth before size, media type and JSON',
      body: oversized,
      headers: { authorization: null, 'content-type': 'text/plain' },
      expect: unauthorized,
    },
    { name: `body of ${ingest.max_body_bytes} + 1 bytes`, body: oversized, expect: tooLarge },
    {
      name: 'order: size before media type',
      body: oversized,
      headers: { 'content-type': 'text/plain' },
      expect: tooLarge,
    },
    { name: 'text/plain', body: JSON.stringify(BASE), headers: { 'content-type': 'text/plain' }, expect: unsupported },
    { name: 'no Content-Type', body: JSON.stringify(BASE), headers: { 'content-type': null }, expect: unsupported },
    {
      name: 'form encoding',
      body: 'vm=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      expect: unsupported,
    },
    {
      name: 'a JSON-like media type',
      body: JSON.stringify(BASE),
      headers: { 'content-type': 'application/json-patch+json' },
      expect: unsupported,
    },
    {
      name: 'order: media type before the idempotency key',
      body: '{',
      headers: { 'content-type': 'text/plain', 'idempotency-key': 'bad key' },
      expect: unsupported,
    },
    { name: 'Idempotency-Key with a space', body: BASE, headers: { 'idempotency-key': 'bad key' }, expect: badKey },
    {
      name: 'Idempotency-Key of 129 characters',
      body: BASE,
      headers: { 'idempotency-key': 'k'.repeat(129) },
      expect: badKey,
    },
    { name: 'Idempotency-Key with a quote', body: BASE, headers: { 'idempotency-key': "k'1" }, expect: badKey },
    {
      name: 'order: idempotency key before JSON',
      body: '{',
      headers: { 'idempotency-key': 'bad key' },
      expect: badKey,
    },
  ];
}

function allCases() {
  return [
    ...requestCases(),
    ...badInputCases(),
    ...propertyCases(),
    ...shapeCases(),
    ...crossRuleCases(),
    ...v2Cases(),
    ...compactCases(),
    ...validCases(),
  ];
}

module.exports = { allCases, compactForm, BASE, FULL, schema, ingest, status };
