'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { loadConfig, parseDbUrl, ConfigError } = require('../src/config');

const DEFAULTS = path.resolve(__dirname, '../../config/defaults.env');
const ENV = { VMPULSE_DB_URL: 'mysql://u:p%40ss@db.local:3307/metrics', VMPULSE_TOKEN: 't' };

test('environment, with the port from config/defaults.env', () => {
  const config = loadConfig([], ENV, DEFAULTS);
  assert.deepEqual(config.db, { host: 'db.local', port: 3307, user: 'u', password: 'p@ss', database: 'metrics' });
  assert.equal(config.token, 't');
  assert.deepEqual(config.listen, { host: '0.0.0.0', port: 3000 });
});

test('PORT wins over the defaults, flags over the environment', () => {
  assert.equal(loadConfig([], { ...ENV, PORT: '4100' }, DEFAULTS).listen.port, 4100);
  const config = loadConfig(
    ['--listen', '127.0.0.1:4200', '--token=x', '--db', 'mysql://a:b@h/d'],
    { ...ENV, PORT: '4100' },
    DEFAULTS,
  );
  assert.deepEqual(config.listen, { host: '127.0.0.1', port: 4200 });
  assert.equal(config.token, 'x');
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
  ];
  for (const [argv, env] of cases) {
    assert.throws(
      () => loadConfig(argv, env, DEFAULTS),
      (err) => err instanceof ConfigError && !err.message.includes('hunter2'),
    );
  }
  assert.throws(() => parseDbUrl('not a url'), ConfigError);
});
