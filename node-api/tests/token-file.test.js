'use strict';
// The token file's rules, on the cases route 1 is tested on too (contract/token-file-cases.json).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseTokenFile, createTokenSet, TokenFileError } = require('../src/token-file');

const CASES = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../contract/token-file-cases.json'), 'utf8'),
).cases;
// "$T512" stands for a token of 512 characters (the file stays readable).
const expand = (text) => text.replace(/\$T(\d+)/g, (_, n) => 't'.repeat(Number(n)));

for (const c of CASES) {
  test(`token file: ${c.name}`, () => {
    const text = Buffer.from(expand(c.text), 'utf8').toString('latin1'); // bytes, as read from disk
    if (c.tokens) {
      assert.deepEqual(parseTokenFile(text), c.tokens.map(expand));
    } else {
      assert.throws(
        () => parseTokenFile(text),
        (err) =>
          err instanceof TokenFileError &&
          (c.error_line === 0 ? /no token/.test(err.message) : err.message.startsWith(`line ${c.error_line} `)),
      );
    }
  });
}

test('a token set reloads its file; a bad file keeps the old set', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'node-api-tokens-')), 'token');
  fs.writeFileSync(file, 'first-token-0123456789\n');
  const tokens = createTokenSet(['first-token-0123456789'], file);
  fs.writeFileSync(file, 'first-token-0123456789\nsecond-token-0123456789\n');
  assert.equal(tokens.reload(), 2);
  assert.ok(tokens.accepts('first-token-0123456789') && tokens.accepts('second-token-0123456789'));
  fs.writeFileSync(file, 'short\n');
  assert.throws(() => tokens.reload(), /line 1/);
  assert.ok(tokens.accepts('second-token-0123456789'), 'the old set stays');
  fs.writeFileSync(file, 'second-token-0123456789\n');
  assert.equal(tokens.reload(), 1);
  assert.ok(!tokens.accepts('first-token-0123456789'));
  assert.ok(!tokens.accepts(''));
  assert.throws(() => createTokenSet(['given']).reload(), TokenFileError);
});
