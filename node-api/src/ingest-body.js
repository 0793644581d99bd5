'use strict';
// Steps 6–8 of contract/README.md: a request body becomes a list of valid records or
// the one contract error that answers it.
const { parseStrictJsonBytes, JsonSyntaxError } = require('./strict-json');

/**
 * @param {import('./contract').Contract} contract
 * @param {Buffer} body
 * @returns {{records: object[]} | {error: {error: string, field?: string, index?: number, detail: string}}}
 */
function parseIngestBody(contract, body) {
  let value;
  try {
    value = parseStrictJsonBytes(body, contract.limits.maxDepth);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    return { error: { error: 'invalid_json', field: err.field, detail: err.message } };
  }

  const batch = Array.isArray(value);
  const records = batch ? value : [value];
  if (batch && records.length > contract.limits.maxBatch) {
    return {
      error: {
        error: 'batch_too_large',
        detail: `a batch holds at most ${contract.limits.maxBatch} records, this one ${records.length}`,
      },
    };
  }
  if (batch && records.length === 0) {
    return { error: { error: 'invalid_record', detail: 'an empty array holds no record' } };
  }
  // Shape of every element first (step 7), then each record's rules (step 8).
  const notObject = records.findIndex((r) => r === null || typeof r !== 'object' || Array.isArray(r));
  if (notObject !== -1) {
    return {
      error: {
        error: 'invalid_record',
        index: batch ? notObject : undefined,
        detail: 'a record must be a JSON object',
      },
    };
  }
  for (let i = 0; i < records.length; i++) {
    const failure = contract.checkRecord(records[i]);
    if (failure) {
      return {
        error: { error: 'invalid_record', field: failure.field, index: batch ? i : undefined, detail: failure.detail },
      };
    }
  }
  return { records };
}

module.exports = { parseIngestBody };
