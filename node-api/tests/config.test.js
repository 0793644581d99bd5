'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { loadConfig, parseDbUrl, ConfigError } = require('../src/config');

const DEFAULTS = path.resolve(__dirname, '../../config/defaults.env');
const ENV = { VMPULSE_DB_URL: 'mysql://u:p%40ss@db.local:3307/metrics', VMPULSE_TOKEN: 't' };

function tokenFile(text) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'node-api-config-')), 'token');
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}

test('environment, with the port from config/defaults.env', () => {
  const config = loadConfig([], ENV, DEFAULTS);
  assert.deepEqual(config.db, { host: 'db.local', port: 3307, user: 'u', password: 'p@ss', database: 'metrics' });
  assert.deepEqual(config.tokens, ['t']);
  assert.equal(config.tokenFile, '');
  assert.deepEqual(config.listen, { host: '0.0.0.0', port: 3000 });
  assert.equal(config.bodyBytesInFlight, 64 * 1024 * 1024);
});

test('PORT wins over the defaults, flags over the environment', () => {
  assert.equal(loadConfig([], { ...ENV, PORT: '4100' }, DEFAULTS).listen.port, 4100);
  const config = loadConfig(
    ['--listen', '127.0.0.1:4200', '--token=x', '--db', 'mysql://a:b@h/d'],
    { ...ENV, PORT: '4100' },
    DEFAULTS,
  );
  assert.deepEqual(config.listen, { host: '127.0.0.1', port: 4200 });
  assert.deepEqual(config.tokens, ['x']);
  assert.equal(config.db.port, 3306);
});

test('bad configuration is a ConfigError that never repeats a secret', () => {
  const cases = [
    [[], { VMPULSE_TOKEN: 't' }],
    [[], { VMPULSE_DB_URL: 'mysql://u:p@h/d' }],
    [[], { ...ENV, VMPULSE_DB_URL: 'postgres://u:hunter2@h/d' }],
    [[], { ...ENV, VMPULSE_DB_URL: 'mysql://u:hunter2@h' }],
    [['--listen', '70000'], ENV],
    [['--bogus'], ENV],
    [['--db'], ENV],
    [['--token-file', '/nonexistent/token'], ENV],
    [['--token-file', tokenFile('hunter2-is-short\nshort\n')], ENV],
    [['--body-bytes-in-flight', '1000'], ENV],
    [[], { VMPULSE_DB_URL: 'mysql://u:p@h/d', VMPULSE_TOKEN_FILE: tokenFile('# only a comment\n') }],
  ];
  for (const [argv, env] of cases) {
    assert.throws(
      () => loadConfig(argv, env, DEFAULTS),
      (err) => err instanceof ConfigError && !err.message.includes('hunter2'),
    );
  }
  assert.throws(() => parseDbUrl('not a url'), ConfigError);
});

test('a token file: several tokens, oldest first; a flag wins over VMPULSE_TOKEN', () => {
  const file = tokenFile('# rotated\nold-token-0123456789\nnew-token-0123456789\n');
  const config = loadConfig(['--token-file', file], ENV, DEFAULTS);
  assert.deepEqual(config.tokens, ['old-token-0123456789', 'new-token-0123456789']);
  assert.equal(config.tokenFile, file);
  const fromEnv = loadConfig([], { VMPULSE_DB_URL: ENV.VMPULSE_DB_URL, VMPULSE_TOKEN_FILE: file }, DEFAULTS);
  assert.equal(fromEnv.tokens.length, 2);
  assert.equal(loadConfig(['--body-bytes-in-flight', '2097152'], ENV, DEFAULTS).bodyBytesInFlight, 2097152);
});
