'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { parseStrictJson, parseStrictJsonBytes, JsonSyntaxError } = require('../src/strict-json');

const parse = (text, depth = 2) => parseStrictJson(text, depth);
const rejects = (text, depth = 2) => assert.throws(() => parse(text, depth), JsonSyntaxError, text);

test('reads what JSON.parse reads, for valid documents', () => {
  for (const text of [
    '{}',
    '[]',
    '{"a":1,"b":"x","c":null,"d":true,"e":false}',
    '[1,-2.5e3,"\\u00e9\\n"]',
    ' \t\r\n{"a" : [ ] } ',
  ]) {
    assert.deepEqual(parse(text), JSON.parse(text));
  }
});

test('numbers beyond a double read as ±Infinity (the range checks refuse them)', () => {
  assert.deepEqual(parse('[1e400,-1e400,5.0]'), [Infinity, -Infinity, 5]);
});

test('rejects what is not strict JSON', () => {
  for (const text of [
    '',
    '   ',
    '{',
    '{"a":1',
    '{"a":1,}',
    '[1,]',
    '[1 2]',
    "{'a':1}",
    '{a:1}',
    'NaN',
    'Infinity',
    '-Infinity',
    '{"a":NaN}',
    '01',
    '1.',
    '.5',
    '-',
    '+1',
    '1e',
    '0x10',
    'tru',
    'nul',
    '"abc',
    '"\\x"',
    '"\\u12"',
    '{"a":1}x',
    '{"a":1}{}',
    '// c\n{}',
  ]) {
    rejects(text);
  }
});

test('rejects raw control characters in strings, accepts them escaped', () => {
  rejects('{"vm":"a\u0001b"}');
  rejects('{"vm":"a\nb"}');
  assert.equal(parse('{"vm":"a\\nb"}').vm, 'a\nb');
});

test('rejects lone surrogates and accepts pairs', () => {
  rejects('"\\ud800"');
  rejects('"\\udc00x"');
  assert.equal(parse('"\\ud83d\\ude00"'), '😀');
});

test('rejects invalid UTF-8 and accepts valid multi-byte text', () => {
  assert.throws(() => parseStrictJsonBytes(Buffer.from([0x22, 0xc3, 0x28, 0x22]), 2), JsonSyntaxError);
  assert.deepEqual(
    parseStrictJsonBytes(Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), 2),
    {},
    'a leading BOM is dropped',
  );
  assert.throws(
    () => parseStrictJsonBytes(Buffer.from([0x20, 0xef, 0xbb, 0xbf, 0x7b, 0x7d]), 2),
    JsonSyntaxError,
    'a BOM elsewhere is not',
  );
  assert.equal(parseStrictJsonBytes(Buffer.from('"é😀"'), 2), 'é😀');
});

test('depth: an array of objects of scalars is depth 2, one more level is refused', () => {
  assert.deepEqual(parse('[{"a":1}]'), [{ a: 1 }]);
  rejects('[{"a":[1]}]');
  rejects('{"a":{"b":{}}}');
  rejects('['.repeat(100000) + ']'.repeat(100000));
});

const fieldOfError = (text) => {
  try {
    parse(text);
  } catch (err) {
    return err.field;
  }
  return 'parsed';
};

test('a duplicated key names the key', () => {
  assert.equal(fieldOfError('{"vm":"a","vm":"b"}'), 'vm');
  assert.equal(fieldOfError('[{"a":1},{"b":1,"b":2}]'), 'b');
  assert.equal(fieldOfError('[{"a":1,"a":2},{"b":1,"b":2}]'), 'a', 'the first duplicate');
});

test('a syntax error anywhere wins over a duplicate or the depth limit', () => {
  assert.equal(fieldOfError('{"vm":"a","vm":"b"'), undefined);
  assert.equal(fieldOfError('[{"vm":"a","vm":"b"}, nope]'), undefined);
  assert.throws(() => parse('[[[1]], x]'), /not valid JSON/);
  assert.throws(() => parse('[[[1]]]'), /nesting deeper/);
});

test('"__proto__" is a plain member, not the prototype', () => {
  const value = parse('{"__proto__":{"x":1}}');
  assert.deepEqual(Object.keys(value), ['__proto__']);
  assert.equal(value.x, undefined);
});
