'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { parseStrictJson, parseStrictJsonBytes, JsonSyntaxError, RAW_NUMBERS } = require('../src/strict-json');

const parse = (text, depth = 2) => parseStrictJson(text, depth);
const rejects = (text, depth = 2) => assert.throws(() => parse(text, depth), JsonSyntaxError, text);

test('reads what JSON.parse reads, for valid documents', () => {
  for (const text of ['{}', '[]', '{"a":1,"b":"x","c":null,"d":true,"e":false}', '[1,-2.5e3,"\\u00e9\\n"]', ' \t\r\n{"a" : [ ] } ']) {
    assert.deepEqual(parse(text), JSON.parse(text));
  }
});

test('keeps the text of numbers in objects', () => {
  const value = parse('{"a":5.0,"b":1e2,"c":"5","d":7}');
  assert.equal(value[RAW_NUMBERS].get('a'), '5.0');
  assert.equal(value[RAW_NUMBERS].get('b'), '1e2');
  assert.equal(value[RAW_NUMBERS].has('c'), false);
  assert.equal(value[RAW_NUMBERS].has('d'), false, 'plain digits need no text');
  assert.equal(parse('{"d":7}')[RAW_NUMBERS], undefined);
});

test('rejects what is not strict JSON', () => {
  for (const text of ['', '   ', '{', '{"a":1', '{"a":1,}', '[1,]', '[1 2]', "{'a':1}", '{a:1}', 'NaN', 'Infinity', '-Infinity',
    '{"a":NaN}', '01', '1.', '.5', '-', '+1', '1e', '0x10', 'tru', 'nul', '"abc', '"\\x"', '"\\u12"', '{"a":1}x', '{"a":1}{}', '// c\n{}', '1e400', '[-1e309]']) {
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
  assert.throws(() => parseStrictJsonBytes(Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), 2), JsonSyntaxError, 'BOM');
  assert.equal(parseStrictJsonBytes(Buffer.from('"é😀"'), 2), 'é😀');
});

test('depth: an array of objects of scalars is depth 2, one more level is refused', () => {
  assert.deepEqual(parse('[{"a":1}]'), [{ a: 1 }]);
  rejects('[{"a":[1]}]');
  rejects('{"a":{"b":{}}}');
  rejects('['.repeat(100000) + ']'.repeat(100000));
});

test('a duplicated key names the key, and the element of a top-level array', () => {
  const caught = (text) => {
    try {
      parse(text);
    } catch (err) {
      return { field: err.field, index: err.index };
    }
    return null;
  };
  assert.deepEqual(caught('{"vm":"a","vm":"b"}'), { field: 'vm', index: undefined });
  assert.deepEqual(caught('[{"a":1},{"b":1,"b":2}]'), { field: 'b', index: 1 });
});

test('"__proto__" is a plain member, not the prototype', () => {
  const value = parse('{"__proto__":{"x":1}}');
  assert.deepEqual(Object.keys(value), ['__proto__']);
  assert.equal(value.x, undefined);
});
