'use strict';
// A record as one metricas row (db/migrations/001, 005, 009): a column per property of the
// contract's schema, named as the property, so a field added to the schema needs no edit
// here. An absent field is NULL; procesos_top (an array of objects, or of arrays of their
// values when sent compact) is stored compact, an array of values per entry
// (`[[pid,"nombre","S",cpu,ram],…]`), written as route 1 writes it (core
// processes_json.cpp append_processes_stored: the items' properties in schema order,
// integers as integers, numbers with two decimals), so both routes store the same bytes
// for the same record (contract/processes-stored-cases.json). `api` is stamped by
// the route, whatever the record says.

const API_COLUMN = 'api';

/**
 * @param {object} schema  contract/record.schema.json, parsed
 * @returns {{columns: string[], row: (record: object, api: string) => Array}}
 */
function createRowBuilder(schema) {
  const names = Object.keys(schema.properties).filter((name) => name !== API_COLUMN);
  const toValue = names.map((name) => valueWriter(schema.properties[name]));
  return {
    columns: [...names, API_COLUMN],
    row(record, api) {
      const values = new Array(names.length + 1);
      for (let i = 0; i < names.length; i++) {
        const value = record[names[i]];
        values[i] = value === undefined || value === null ? null : toValue[i](value);
      }
      values[names.length] = api;
      return values;
    },
  };
}

// How one property's (present) value is bound: scalars as they are, an array of objects
// as the compact text, another array or object as JSON text.
function valueWriter(property) {
  if (property.type === 'array' && property.items?.type === 'object') {
    const entry = entryWriter(property.items);
    return (list) => `[${list.map(entry).join(',')}]`;
  }
  if (property.type === 'array' || property.type === 'object') return (value) => JSON.stringify(value);
  return (value) => value;
}

// One entry as the array of its values in the schema's order (the contract requires
// every property, so a position always means the same field). An entry sent compact
// (x-vmpulse-compact) already is that array: value k is the k-th property's, written
// the same way, so both forms store the same bytes.
function entryWriter(schema) {
  const fields = Object.entries(schema.properties).map(([name, property]) => ({ name, text: jsonText(property) }));
  const valueAt = (entry, k) => (Array.isArray(entry) ? entry[k] : entry[fields[k].name]);
  return (entry) => `[${fields.map(({ text }, k) => text(valueAt(entry, k))).join(',')}]`;
}

function jsonText(property) {
  if (property.type === 'number') return fixed2;
  return (value) => JSON.stringify(value);
}

// The cents of the ties (an exact binary fraction ….125, .375, .625 or .875), rounded to
// the even digit.
const TIE_CENTS = new Map([
  [0.125, '12'],
  [0.375, '38'],
  [0.625, '62'],
  [0.875, '88'],
]);

// Two decimals as route 1's std::to_chars writes them: the nearest, a tie to the even
// digit (toFixed takes the larger one: 0.125 would be 0.13 here and 0.12 there), and
// never -0.00.
function fixed2(value) {
  const size = Math.abs(value);
  const whole = Math.trunc(size);
  const cents = TIE_CENTS.get(size - whole); // exact: no rounding in the subtraction
  const text = cents === undefined ? size.toFixed(2) : `${whole}.${cents}`;
  return value < 0 && text !== '0.00' ? `-${text}` : text;
}

module.exports = { createRowBuilder };
