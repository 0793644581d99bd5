'use strict';
// The record contract, read from contract/record.schema.json (the one source of truth;
// see contract/README.md). Nothing here restates a rule: field rules are compiled with
// ajv from the schema's properties, cross-field rules are interpreted from
// x-vmpulse-rules, limits and error codes come from x-vmpulse-ingest.
const fs = require('node:fs');
const path = require('node:path');
const Ajv2020 = require('ajv/dist/2020').default;
const { keysInBodyOrder } = require('./strict-json');

const DEFAULT_SCHEMA_PATH = path.resolve(__dirname, '../../contract/record.schema.json');

function loadContract(schemaPath = process.env.VMPULSE_SCHEMA || DEFAULT_SCHEMA_PATH) {
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  return new Contract(schema);
}

class Contract {
  constructor(schema) {
    this.schema = schema;
    const ingest = schema['x-vmpulse-ingest'];
    this.limits = {
      maxBatch: ingest.max_batch,
      maxBodyBytes: ingest.max_body_bytes,
      maxDepth: ingest.max_depth,
      busyRetryAfterSeconds: ingest.busy_retry_after_seconds,
    };
    this.errorStatus = ingest.errors;
    this.routes = ingest.routes || {};
    this.sharedPaths = ingest.paths || [];
    this.metricsRoutes = ingest.metrics_routes || {};
    this.idempotencyKeyPattern = new RegExp(ingest.idempotency_key_pattern, 'u');
    this.required = schema.required;
    this.propertyNames = Object.keys(schema.properties);
    this.closed = schema.additionalProperties === false;

    this.dependentRequired = Object.entries(schema.dependentRequired || {});

    // One validator per property, so the order of checks is the schema's (README step 8)
    // and not ajv's; allErrors:false because only the first failure is answered. A list
    // of objects (procesos_top) is checked entry by entry in the same order as a record.
    const ajv = new Ajv2020({ allErrors: false, strict: true });
    this.propertyChecks = this.propertyNames.map((name) => ({
      name,
      check: compileProperty(ajv, name, schema.properties[name]),
    }));
    this.crossRules = compileCrossRules(schema['x-vmpulse-rules'] || {});
    this.ignoredOnInput = new Set(schema['x-vmpulse-rules']?.ignored_on_input || []);
  }

  status(code) {
    return this.errorStatus[code] ?? 500;
  }

  /** The paths on which the route named `api` takes records: its own, then the shared ones; [] if unknown. */
  ingestPaths(api) {
    return Object.hasOwn(this.routes, api) ? [this.routes[api], ...this.sharedPaths] : [];
  }

  /**
   * The `route` label and path of each endpoint whose requests the route named `api`
   * counts: "ingest" for its own path, then the schema's metrics_routes; [] if unknown.
   */
  routeLabels(api) {
    if (!Object.hasOwn(this.routes, api)) return [];
    return [
      { name: 'ingest', path: this.routes[api] },
      ...Object.entries(this.metricsRoutes).map(([name, path]) => ({ name, path })),
    ];
  }

  validIdempotencyKey(key) {
    return this.idempotencyKeyPattern.test(key);
  }

  /** The first failing rule of one record, as {field, detail}, or null when it is valid. */
  checkRecord(record) {
    if (this.closed) {
      for (const key of keysInBodyOrder(record)) {
        if (!Object.hasOwn(this.schema.properties, key)) return { field: key, detail: `unknown field "${key}"` };
      }
    }
    for (const name of this.required) {
      if (!Object.hasOwn(record, name)) return { field: name, detail: `missing required field "${name}"` };
    }
    // dependentRequired, in its key order: the missing dependency is the field at fault.
    for (const [key, needs] of this.dependentRequired) {
      if (!Object.hasOwn(record, key)) continue;
      for (const need of needs) {
        if (!Object.hasOwn(record, need)) {
          return { field: need, detail: `missing field "${need}", required when "${key}" is present` };
        }
      }
    }
    // "integer" is judged on the value, as ajv and route 1 do: 5.0 and 5e0 are integers.
    for (const { name, check } of this.propertyChecks) {
      if (!Object.hasOwn(record, name)) continue;
      const problem = check(record[name]);
      if (problem) return { field: name, detail: `"${name}" ${problem}` };
    }
    for (const rule of this.crossRules) {
      const failure = rule(record);
      if (failure) return failure;
    }
    return null;
  }
}

// A list whose entries may also be written as arrays of their values, in the order of
// items.properties: the agent's compact form, and the one metricas stores.
const COMPACT = 'x-vmpulse-compact';

/** A property's check: value → null when valid, else what is wrong (after the quoted name). */
function compileProperty(ajv, name, spec) {
  if (spec.type === 'array' && spec.items?.type === 'object') return compileList(ajv, name, spec);
  // ajv (strict) would refuse the keyword too, without saying where it may go.
  if (Object.hasOwn(spec, COMPACT)) throw new Error(`contract: "${name}" has ${COMPACT} but is not a list of objects`);
  const validate = ajv.compile(spec);
  return (value) => (validate(value) ? null : validate.errors[0].message);
}

// A list of objects: type and length (ajv, without `items` and our keyword), then each
// entry in order. The error names the list (route 1 answers the same field); the detail
// names the entry and its field.
function compileList(ajv, name, spec) {
  const { items, [COMPACT]: compact = false, ...listSpec } = spec;
  // A misspelt value would otherwise turn the compact form off without a word.
  if (typeof compact !== 'boolean') throw new Error(`contract: "${name}" ${COMPACT} must be true or false`);
  const validateList = ajv.compile(listSpec);
  const fields = Object.entries(items.properties || {}).map(([field, fieldSpec]) => ({
    field,
    validate: ajv.compile(fieldSpec),
  }));
  const checkObject = objectEntryCheck(items, fields);
  const checkEntry = compact ? compactEntryCheck(fields, checkObject) : objectOnlyCheck(checkObject);
  return (list) => {
    if (!validateList(list)) return validateList.errors[0].message;
    for (let i = 0; i < list.length; i++) {
      const problem = checkEntry(list[i], i);
      if (problem) return problem;
    }
    return null;
  };
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

function objectOnlyCheck(checkObject) {
  return (entry, i) => (isObject(entry) ? checkObject(entry, i) : `entry ${i} must be an object`);
}

// An entry object, checked as a record is: an unknown field (document order), a missing
// required one (`required` order), each property in `properties` order.
function objectEntryCheck(items, fields) {
  const required = items.required || [];
  const closed = items.additionalProperties === false;
  return (entry, i) => {
    if (closed) {
      for (const key of keysInBodyOrder(entry)) {
        if (!Object.hasOwn(items.properties, key)) return `entry ${i}: unknown field "${key}"`;
      }
    }
    const missing = required.find((field) => !Object.hasOwn(entry, field));
    if (missing !== undefined) return `entry ${i}: missing required field "${missing}"`;
    for (const { field, validate } of fields) {
      if (Object.hasOwn(entry, field) && !validate(entry[field])) return valueProblem(i, field, validate);
    }
    return null;
  };
}

// An entry object, or an array holding every property's value (no name to be unknown or
// missing, so its length is the whole shape), each checked by its property's rule.
function compactEntryCheck(fields, checkObject) {
  const shape = `${fields.length} values (${fields.map(({ field }) => field).join(', ')})`;
  return (entry, i) => {
    if (isObject(entry)) return checkObject(entry, i);
    if (!Array.isArray(entry)) return `entry ${i} must be an object or an array of ${fields.length} values`;
    if (entry.length !== fields.length) return `entry ${i}: an array entry must hold ${shape}, not ${entry.length}`;
    for (let k = 0; k < fields.length; k++) {
      const { field, validate } = fields[k];
      if (!validate(entry[k])) return valueProblem(i, field, validate);
    }
    return null;
  };
}

/** The same words for a bad value, whichever form its entry has. */
function valueProblem(i, field, validate) {
  return `entry ${i}: "${field}" ${validate.errors[0].message}`;
}

// Each kind of x-vmpulse-rules entry becomes a list of checks, in the order listed.
const CROSS_RULE_KINDS = {
  not_greater: (pairs) =>
    pairs.map(
      ([a, b]) =>
        (r) =>
          // Only when both are present: the pairs of version 2 are optional.
          Object.hasOwn(r, a) && Object.hasOwn(r, b) && r[a] > r[b]
            ? { field: a, detail: `"${a}" must not be greater than "${b}"` }
            : null,
    ),
  sum_equals: (rules) =>
    rules.map((rule) => (r) => {
      const sum = rule.fields.reduce((total, name) => total + r[name], 0);
      return Math.abs(sum - rule.equals) > rule.tolerance
        ? { field: rule.field, detail: `${rule.fields.join(' + ')} must be ${rule.equals} (±${rule.tolerance})` }
        : null;
    }),
  calendar_datetime: (fields) =>
    fields.map(
      (name) => (r) =>
        isCalendarDateTime(r[name]) ? null : { field: name, detail: `"${name}" is not a real UTC date and time` },
    ),
  ignored_on_input: () => [],
};

function compileCrossRules(rules) {
  const checks = [];
  for (const [kind, spec] of Object.entries(rules)) {
    const compile = CROSS_RULE_KINDS[kind];
    // A rule this route does not know would otherwise be silently skipped.
    if (!compile) throw new Error(`contract: unknown x-vmpulse-rules kind "${kind}"`);
    checks.push(...compile(spec));
  }
  return checks;
}

/** "YYYY-MM-DD HH:MM:SS", a real date (no Feb 30), hour ≤ 23, year 1970–9999. */
function isCalendarDateTime(value) {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})$/.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}

module.exports = { loadContract, Contract, isCalendarDateTime };
