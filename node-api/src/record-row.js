'use strict';
// A record as one metricas row (db/migrations/001 and 005): a column per property of the
// contract's schema, named as the property, so a field added to the schema needs no edit
// here. An absent field is NULL; procesos_top (an array of objects) is its JSON text,
// written as route 1 writes it (core processes_json.cpp: the items' properties in schema
// order, integers as integers, numbers with two decimals), so both routes store the same
// bytes for the same record. `api` is stamped by the route, whatever the record says.

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
// as JSON text.
function valueWriter(property) {
  if (property.type === 'array' && property.items?.type === 'object') {
    const item = objectWriter(property.items);
    return (list) => `[${list.map(item).join(',')}]`;
  }
  if (property.type === 'array' || property.type === 'object') return (value) => JSON.stringify(value);
  return (value) => value;
}

function objectWriter(schema) {
  const fields = Object.entries(schema.properties).map(([name, property]) => {
    const key = `${JSON.stringify(name)}:`;
    return { name, key, text: jsonText(property) };
  });
  return (object) =>
    `{${fields
      .filter(({ name }) => object[name] !== undefined)
      .map(({ name, key, text }) => key + text(object[name]))
      .join(',')}}`;
}

function jsonText(property) {
  if (property.type === 'number') return (value) => value.toFixed(2);
  return (value) => JSON.stringify(value);
}

module.exports = { createRowBuilder };
